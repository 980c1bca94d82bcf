"""Sign-in through OpenID Connect against a real provider (oidc-provider-mock) on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from flask import Flask
from oauth_browser import Browser, query, text
from oauth_server import AuthServer, oauth_env
from oidc_fixtures import approve, deny, set_claims

from recipebox.domain.users import User
from recipebox.web.context import get_store

MakeApp = Callable[..., Flask]


def _user(app: Flask, provider: str, subject: str) -> User | None:
    with app.app_context():
        return get_store().user_for_identity(provider, subject)


@pytest.fixture
def keycloak(make_app: MakeApp, oidc_issuer: str) -> Flask:
    """A provider of kind "oidc" (the default for a name that is no built-in kind)."""
    return make_app(oauth_env("keycloak", issuer=oidc_issuer, label="Company login"))


def test_oidc_sign_in_creates_the_account_from_the_id_token(
    keycloak: Flask, oidc_issuer: str
) -> None:
    set_claims(
        oidc_issuer,
        "alice-0001",
        {"name": "Alice Liddell", "preferred_username": "alice", "picture": "https://img/a"},
    )
    browser = Browser(keycloak.test_client())
    response = browser.sign_in(
        "/auth/login/keycloak?next=/list", partial(approve, sub="alice-0001")
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/list")
    user = _user(keycloak, "keycloak", "alice-0001")
    assert user is not None
    assert (user.name, user.display_name, user.avatar_url) == (
        "alice",
        "Alice Liddell",
        "https://img/a",
    )
    assert browser.whoami() == "Alice Liddell"


def test_the_authorization_request_carries_state_nonce_and_pkce(
    keycloak: Flask, oidc_issuer: str
) -> None:
    authorize_url = Browser(keycloak.test_client()).start("/auth/login/keycloak")
    assert authorize_url.startswith(f"{oidc_issuer}/oauth2/authorize?")
    params = query(authorize_url)
    assert params["scope"] == "openid email profile"
    assert params["redirect_uri"] == "http://localhost/auth/callback/keycloak"
    assert params["code_challenge_method"] == "S256"
    assert len(params["nonce"]) >= 20
    assert len(params["state"]) >= 20


def test_the_session_keeps_only_the_user_after_sign_in(keycloak: Flask) -> None:
    browser = Browser(keycloak.test_client())
    browser.start("/auth/login/keycloak")
    with browser.client.session_transaction() as session:
        assert "oauth_flow" in session
        assert any(key.startswith("_state_keycloak_") for key in session)
    browser.sign_in("/auth/login/keycloak", partial(approve, sub="bob-0002"))
    with browser.client.session_transaction() as session:
        assert set(session) == {"uid", "_permanent"}
    browser.post("/auth/signout")
    with browser.client.session_transaction() as session:
        assert dict(session) == {}
    assert browser.whoami() == ""


def test_the_sign_in_page_lists_the_configured_providers(keycloak: Flask) -> None:
    page = keycloak.test_client().get("/auth/signin?next=/list").text
    assert 'href="/auth/login/keycloak?next=/list">Continue with Company login</a>' in page


def test_cognito_users_are_named_by_their_cognito_username(
    make_app: MakeApp, oidc_issuer: str
) -> None:
    app = make_app(oauth_env("cognito", issuer=oidc_issuer))
    set_claims(oidc_issuer, "c-0003", {"cognito:username": "carol", "email": "carol@example.com"})
    browser = Browser(app.test_client())
    assert "Continue with Cognito" in browser.get("/auth/signin").text
    browser.sign_in("/auth/login/cognito", partial(approve, sub="c-0003"))
    user = _user(app, "cognito", "c-0003")
    assert user is not None
    assert (user.name, user.display_name) == ("carol", "carol@example.com")


def test_google_is_openid_connect_by_its_discovery_document(
    make_app: MakeApp, oidc_issuer: str
) -> None:
    discovery = f"{oidc_issuer}/.well-known/openid-configuration"
    app = make_app(oauth_env("google", discovery_url=discovery))
    browser = Browser(app.test_client())
    assert "Continue with Google" in browser.get("/auth/signin").text
    browser.sign_in("/auth/login/google", partial(approve, sub="dan-0004"))
    assert _user(app, "google", "dan-0004") is not None


def test_denied_consent_ends_on_a_clear_page(keycloak: Flask) -> None:
    browser = Browser(keycloak.test_client())
    response = browser.sign_in("/auth/login/keycloak", deny)
    assert response.status_code == 400
    assert "Sign-in cancelled" in text(response)
    assert "Company login did not sign you in" in text(response)
    assert 'href="/auth/signin">Back to sign in</a>' in response.text
    assert browser.whoami() == ""


def test_names_missing_from_the_id_token_come_from_userinfo(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    auth_server.profile_in_id_token = False
    app = make_app(oauth_env("okta", issuer=auth_server.url))
    browser = Browser(app.test_client())
    assert browser.sign_in("/auth/login/okta").status_code == 302
    user = _user(app, "okta", "4242")
    assert user is not None
    assert (user.name, user.display_name) == ("octo-alice", "Alice Liddell")


def test_the_issuer_may_be_configured_with_a_final_slash(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    app = make_app(oauth_env("auth0", issuer=f"{auth_server.url}/"))
    browser = Browser(app.test_client())
    assert browser.sign_in("/auth/login/auth0").status_code == 302
    assert browser.whoami() == "Alice Liddell"
