"""Error pages and JSON errors, CSRF, size limits, security headers and cookie flags."""

from __future__ import annotations

import io
import logging
from typing import NoReturn

import pytest
from flask import Flask
from visitors import Visitor

from recipebox.domain.errors import Conflict, Invalid, NotFound, StorageUnavailable
from recipebox.domain.recipes import Recipe


def fail(exc: Exception) -> NoReturn:
    raise exc


@pytest.fixture
def failing(app: Flask) -> Visitor:
    """A visitor of an app with routes that raise, on pages and under /api/."""
    for prefix in ("", "/api"):
        app.add_url_rule(f"{prefix}/boom", f"boom{prefix}", lambda: 1 / 0)
        errors = {
            "missing": NotFound("no such recipe"),
            "invalid": Invalid("servings must be at least 1"),
            "conflict": Conflict("that name is taken"),
            "down": StorageUnavailable("database unreachable at db.internal:5432"),
        }
        for name, exc in errors.items():
            app.add_url_rule(
                f"{prefix}/raise/{name}", f"raise{prefix}-{name}", lambda exc=exc: fail(exc)
            )
    return Visitor(app.test_client())


# --- pages -----------------------------------------------------------------------------------


def test_404_page_in_the_site_style(anon: Visitor) -> None:
    response = anon.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "We could not find that page" in anon.text(response)
    assert 'class="top"' in response.text  # the site's header, not a bare Werkzeug page


def test_405_page_keeps_the_allow_header(anon: Visitor) -> None:
    response = anon.get("/list/clear-checked")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert "That action is not allowed here" in anon.text(response)


def test_500_page_hides_the_error_and_logs_it(
    failing: Visitor, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = failing.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in failing.text(response)
    assert "Traceback" not in response.text
    assert "ZeroDivisionError" not in response.text
    assert any("ZeroDivisionError" in (r.exc_text or "") or r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        ("missing", 404, "no such recipe"),
        ("invalid", 400, "servings must be at least 1"),
        ("conflict", 409, "that name is taken"),
    ],
)
def test_domain_errors_become_pages(failing: Visitor, name: str, status: int, message: str) -> None:
    response = failing.get(f"/raise/{name}")
    assert response.status_code == status
    assert message in failing.text(response)


def test_storage_down_is_503_with_retry_after(failing: Visitor) -> None:
    response = failing.get("/raise/down")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "db.internal" not in response.text


def test_401_on_a_form_post_offers_sign_in(anon: Visitor, bolognese: Recipe) -> None:
    response = anon.post(f"/recipes/{bolognese.id}/delete")
    assert response.status_code == 401
    assert 'href="/auth/signin"' in response.text
    assert "Please sign in" in anon.text(response)


# --- JSON errors under /api/ -------------------------------------------------------------------


def test_api_404_is_json(anon: Visitor) -> None:
    response = anon.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json is not None
    assert response.json["error"]["code"] == "not_found"


def test_api_500_is_json_without_detail(failing: Visitor) -> None:
    response = failing.get("/api/boom")
    assert response.status_code == 500
    assert response.json == {
        "error": {
            "code": "internal_error",
            "message": "The error was logged. Please try again in a moment.",
        }
    }


@pytest.mark.parametrize(
    ("name", "status", "code", "message"),
    [
        ("missing", 404, "not_found", "no such recipe"),
        ("invalid", 400, "bad_request", "servings must be at least 1"),
        ("conflict", 409, "conflict", "that name is taken"),
        ("down", 503, "unavailable", "Storage is unreachable; retry shortly."),
    ],
)
def test_api_domain_errors_are_json(
    failing: Visitor, name: str, status: int, code: str, message: str
) -> None:
    response = failing.get(f"/api/raise/{name}")
    assert response.status_code == status
    assert response.json == {"error": {"code": code, "message": message}}
    if status == 503:
        assert response.headers["Retry-After"] == "5"


# --- CSRF, size, headers, cookies --------------------------------------------------------------


def test_post_without_csrf_token_is_refused(alice: Visitor) -> None:
    response = alice.client.post("/list/items", data={"text": "sneaky"})
    assert response.status_code == 400
    assert "The CSRF token is missing. Reload the page and try again." in alice.text(response)
    assert "sneaky" not in alice.read("/list")


def test_post_with_a_wrong_csrf_token_is_refused(alice: Visitor) -> None:
    response = alice.client.post("/list/items", data={"text": "x", "csrf_token": "forged"})
    assert response.status_code == 400


def test_every_form_carries_the_csrf_token(alice: Visitor, bolognese: Recipe) -> None:
    alice.post(f"/list/recipes/{bolognese.id}")
    alice.post("/list/items", {"text": "soap"})
    for url in ("/", f"/recipes/{bolognese.id}", "/list", "/recipes/new", "/settings"):
        page = alice.get(url).text
        assert page.count('method="post"') == page.count('name="csrf_token"'), url
        assert '<meta name="csrf-token" content="' in page


def test_bodies_over_1_mb_are_413(alice: Visitor) -> None:
    response = alice.post("/list/items", {"text": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "That was too much to send" in alice.text(response)


def test_security_headers_on_pages(anon: Visitor) -> None:
    headers = anon.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(alice: Visitor, bolognese: Recipe) -> None:
    alice.post(f"/list/recipes/{bolognese.id}")
    for url in ("/", f"/recipes/{bolognese.id}", "/list", "/list/print", "/auth/signin"):
        page = alice.get(url).text
        assert "style=" not in page
        assert "<style" not in page
        assert "<script>" not in page
        assert page.count("<script") == page.count('<script src="/static/site.js" defer></script>')


def test_session_cookie_is_secure_over_https(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/auth/signin", base_url="https://localhost")
    token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    response = client.post(
        "/auth/dev",
        data={"name": "alice", "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/auth/signin"},  # Flask-WTF checks it on https
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_not_secure_over_http(anon: Visitor) -> None:
    response = anon.post("/auth/dev", {"name": "alice"})
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_a_chunked_body_past_the_limit_is_413_and_within_it_is_read_whole(
    alice: Visitor,
) -> None:
    # No Content-Length (Transfer-Encoding: chunked, as gunicorn passes it on): the app must
    # not read the first MiB and stop, which would cut a form or JSON body short silently.
    def post_chunked(body: bytes) -> int:
        response = alice.client.post(
            "/list/items",
            input_stream=io.BytesIO(body),
            headers={
                "Transfer-Encoding": "chunked",
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": alice.token,
            },
        )
        return response.status_code

    padding = "x" * (1024 * 1024)
    assert post_chunked(f"text=Paper+towels&pad={padding}".encode()) == 413
    assert post_chunked(b"text=Paper+towels") == 302
    assert "Paper towels" in alice.read("/list")
