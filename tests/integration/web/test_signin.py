"""Sign-in page, development sign-in, sign-out, and the `next` redirect."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from visitors import Visitor

from recipebox.config import Settings
from recipebox.services.people import local_user
from recipebox.store.sql import SqlStore
from recipebox.web import create_app
from recipebox.web.auth_views import safe_next


def test_signin_page_offers_the_dev_form(anon: Visitor) -> None:
    page = anon.get("/auth/signin?next=/list")
    assert 'action="/auth/dev"' in page.text
    assert '<input type="hidden" name="next" value="/list">' in page.text


def test_dev_signin_uses_the_local_user_the_cli_uses(anon: Visitor, site_store: SqlStore) -> None:
    response = anon.post("/auth/dev", {"name": "  Carol  ", "next": "/list"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/list"
    carol = local_user(site_store, "Carol", create=False)
    assert carol is not None
    assert "Carol" in anon.read("/settings")


def test_dev_signin_needs_a_name(anon: Visitor) -> None:
    response = anon.post("/auth/dev", {"name": "   "})
    assert response.status_code == 400
    assert "Type a name to sign in as." in anon.text(response)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_next_must_be_a_local_path(anon: Visitor, target: str) -> None:
    response = anon.post("/auth/dev", {"name": "dave", "next": target})
    assert response.headers["Location"] == "/"


def test_safe_next_keeps_local_paths_with_queries() -> None:
    assert safe_next("/recipes/x?servings=2") == "/recipes/x?servings=2"
    assert safe_next("/\n/evil") == "/"


def test_dev_signin_is_404_when_disabled(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store = SqlStore(url)
    store.upgrade()
    app: Flask = create_app(
        Settings(database_url=url, secret_key="test", dev_login=False), store=store
    )
    visitor = Visitor(app.test_client())
    assert visitor.get("/auth/dev").status_code == 404
    assert visitor.post("/auth/dev", {"name": "eve"}).status_code == 404
    page = visitor.get("/auth/signin")
    assert 'action="/auth/dev"' not in page.text
    assert "No sign-in methods are set up" in visitor.text(page)
    store.close()


def test_signout_ends_the_session(alice: Visitor) -> None:
    assert alice.get("/list").status_code == 200
    response = alice.post("/auth/signout")
    assert response.status_code == 302
    assert alice.get("/list").status_code == 302


def test_signout_needs_post(alice: Visitor) -> None:
    assert alice.get("/auth/signout").status_code == 405
    assert alice.get("/list").status_code == 200


def test_anonymous_list_redirects_to_signin_with_next(anon: Visitor) -> None:
    response = anon.get("/list?units=us")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/signin?next=/list?units%3Dus"
