"""The redirect URI sent to providers: under a path prefix, behind proxies, or pinned."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from oauth_browser import Browser, query
from oauth_server import AuthServer, github_env
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

MakeApp = Callable[..., Flask]
FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "recipes.example.com",
    "X-Forwarded-Prefix": "/dev",
}


def _under_dev(app: Flask) -> Flask:
    """Serve `app` under /dev, as an API Gateway stage does: the prefix moves to SCRIPT_NAME."""
    app.wsgi_app = DispatcherMiddleware(NotFound(), {"/dev": app.wsgi_app})  # type: ignore[method-assign]
    return app


def _redirect_uri(browser: Browser, path: str = "/auth/login/github", **kwargs: object) -> str:
    response = browser.get(path, **kwargs)
    assert response.status_code == 302
    return query(response.headers["Location"])["redirect_uri"]


def test_under_a_stage_prefix_the_whole_flow_keeps_it(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    browser = Browser(_under_dev(make_app(github_env(auth_server.url))).test_client())
    page = browser.get("/dev/auth/signin?next=/list").text
    assert 'href="/dev/auth/login/github?next=/list"' in page
    assert _redirect_uri(browser, "/dev/auth/login/github") == (
        "http://localhost/dev/auth/callback/github"
    )
    response = browser.sign_in("/dev/auth/login/github?next=/list")
    assert response.headers["Location"] == "/dev/list"
    assert "Alice Liddell" in browser.get("/dev/").text


def test_trusted_proxies_set_scheme_host_and_prefix(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    app = make_app({**github_env(auth_server.url), "RECIPEBOX_TRUSTED_PROXIES": "1"})
    browser = Browser(app.test_client())
    assert _redirect_uri(browser, headers=FORWARDED) == (
        "https://recipes.example.com/dev/auth/callback/github"
    )


def test_forwarded_headers_are_ignored_without_trusted_proxies(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    browser = Browser(make_app(github_env(auth_server.url)).test_client())
    assert _redirect_uri(browser, headers=FORWARDED) == "http://localhost/auth/callback/github"


@pytest.mark.parametrize("prefix", ["", "/dev"])
def test_public_url_pins_the_callback(
    make_app: MakeApp, auth_server: AuthServer, prefix: str
) -> None:
    public = "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/"
    app = make_app({**github_env(auth_server.url), "RECIPEBOX_PUBLIC_URL": public})
    browser = Browser(_under_dev(app).test_client() if prefix else app.test_client())
    assert _redirect_uri(browser, f"{prefix}/auth/login/github", headers=FORWARDED) == (
        "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/auth/callback/github"
    )
