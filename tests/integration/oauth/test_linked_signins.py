"""Linking a second provider to an account, and unlinking one (never the last)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from flask import Flask
from oauth_browser import Browser, text
from oauth_server import AuthServer, github_env, oauth_env
from oidc_fixtures import approve
from werkzeug.test import TestResponse

from recipebox.web.context import get_store

MakeApp = Callable[..., Flask]


@pytest.fixture
def app(make_app: MakeApp, auth_server: AuthServer, oidc_issuer: str) -> Flask:
    env = github_env(auth_server.url) | oauth_env("keycloak", issuer=oidc_issuer)
    return make_app({**env, "RECIPEBOX_DEV_LOGIN": "1"})


def _providers(app: Flask, provider: str, subject: str) -> list[str]:
    """The providers linked to the user that (provider, subject) signs in."""
    with app.app_context():
        user = get_store().user_for_identity(provider, subject)
        assert user is not None
        return [identity.provider for identity in get_store().identities(user.id)]


def _github_user(app: Flask) -> Browser:
    browser = Browser(app.test_client())
    assert browser.sign_in("/auth/login/github").status_code == 302
    return browser


def _link_keycloak(browser: Browser, sub: str) -> TestResponse:
    return browser.sign_in("/auth/link/keycloak", partial(approve, sub=sub), post=True)


def test_a_signed_in_user_links_a_second_provider(app: Flask) -> None:
    browser = _github_user(app)
    response = _link_keycloak(browser, "alice-kc")
    assert response.headers["Location"] == "/settings/sign-ins"
    page = browser.get("/settings/sign-ins")
    assert "Keycloak is linked: you can now sign in with it." in text(page)
    assert _providers(app, "github", "4242") == ["github", "keycloak"]
    other = Browser(app.test_client())  # the new sign-in opens the same account
    other.sign_in("/auth/login/keycloak", partial(approve, sub="alice-kc"))
    assert other.whoami() == "Alice Liddell"


def test_linking_an_account_someone_else_uses_is_refused(app: Flask) -> None:
    Browser(app.test_client()).sign_in("/auth/login/keycloak", partial(approve, sub="bob-kc"))
    browser = _github_user(app)
    response = _link_keycloak(browser, "bob-kc")
    assert response.status_code == 409
    assert "That Keycloak account belongs to someone else here" in text(response)
    assert 'href="/settings/sign-ins">Back to linked sign-ins</a>' in response.text
    assert browser.whoami() == "Alice Liddell"
    assert _providers(app, "github", "4242") == ["github"]
    assert _providers(app, "keycloak", "bob-kc") == ["keycloak"]


def test_a_second_account_at_the_same_provider_is_refused(app: Flask) -> None:
    browser = _github_user(app)
    _link_keycloak(browser, "alice-kc")
    response = _link_keycloak(browser, "alice-other-kc")
    assert response.status_code == 409
    assert "You already linked another Keycloak account" in text(response)


def test_linking_the_same_account_twice_changes_nothing(app: Flask) -> None:
    browser = _github_user(app)
    _link_keycloak(browser, "alice-kc")
    _link_keycloak(browser, "alice-kc")
    assert "That Keycloak account was already linked." in text(browser.get("/settings/sign-ins"))
    assert _providers(app, "github", "4242") == ["github", "keycloak"]


def test_the_page_lists_linked_and_linkable_sign_ins(app: Flask) -> None:
    browser = Browser(app.test_client())
    browser.post("/auth/dev", {"name": "carol"})
    assert 'href="/settings/sign-ins">Linked sign-ins</a>' in browser.get("/settings").text
    page = browser.get("/settings/sign-ins")
    assert "Development sign-in Your only sign-in" in text(page)
    assert 'action="/auth/link/github"' in page.text
    assert 'action="/auth/link/keycloak"' in page.text
    assert "/unlink" not in page.text


def test_unlinking_one_of_two_sign_ins(app: Flask) -> None:
    browser = _github_user(app)
    _link_keycloak(browser, "alice-kc")
    response = browser.post("/settings/sign-ins/github/unlink")
    assert response.headers["Location"] == "/settings/sign-ins"
    assert "GitHub is unlinked." in text(browser.get("/settings/sign-ins"))
    assert _providers(app, "keycloak", "alice-kc") == ["keycloak"]


def test_the_last_sign_in_cannot_be_unlinked(app: Flask) -> None:
    browser = _github_user(app)
    response = browser.post("/settings/sign-ins/github/unlink")
    assert response.headers["Location"] == "/settings/sign-ins"
    page = text(browser.get("/settings/sign-ins"))
    assert "GitHub is your only way to sign in: link another sign-in before unlinking it." in page
    assert _providers(app, "github", "4242") == ["github"]


def test_linking_needs_a_signed_in_user_and_the_form_token(app: Flask) -> None:
    anonymous = Browser(app.test_client())
    assert anonymous.post("/auth/link/github").status_code == 401
    assert anonymous.get("/settings/sign-ins").headers["Location"].startswith("/auth/signin")
    browser = _github_user(app)
    assert browser.client.post("/auth/link/keycloak").status_code == 400  # no CSRF token


def test_signing_out_while_linking_stops_the_link(app: Flask) -> None:
    browser = _github_user(app)
    authorize_url = browser.start("/auth/link/keycloak", post=True)
    with browser.client.session_transaction() as session:
        session.pop("uid")  # signed out in another tab (keeping the flow)
    response = browser.back(approve(authorize_url, sub="alice-kc"))
    assert response.status_code == 400
    assert "This sign-in has expired" in text(response)
    assert _providers(app, "github", "4242") == ["github"]
