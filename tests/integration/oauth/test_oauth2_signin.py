"""Sign-in through OAuth 2.0 providers shaped like GitHub and X, against a local server."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from oauth_browser import Browser, provider_redirect, query
from oauth_server import CLIENT_ID, AuthServer, github_env, s256, x_env

from recipebox.domain.users import Identity, User
from recipebox.web.context import get_store


def _identities(app: Flask, user: User) -> list[Identity]:
    with app.app_context():
        return get_store().identities(user.id)


def _user(app: Flask, provider: str, subject: str) -> User | None:
    with app.app_context():
        return get_store().user_for_identity(provider, subject)


def test_github_sign_in_creates_the_account_from_the_profile(
    github_app: Flask, browser: Browser
) -> None:
    response = browser.sign_in("/auth/login/github?next=/list")
    assert (response.status_code, response.headers["Location"]) == (302, "/list")
    user = _user(github_app, "github", "4242")
    assert user is not None
    assert (user.name, user.display_name, user.avatar_url) == (
        "octo-alice",
        "Alice Liddell",
        "https://avatars.example.com/u/4242",
    )
    assert _identities(github_app, user) == [Identity("github", "4242", user.id)]
    assert browser.whoami() == "Alice Liddell"


def test_the_second_sign_in_finds_the_same_account(github_app: Flask, browser: Browser) -> None:
    browser.sign_in("/auth/login/github")
    first = _user(github_app, "github", "4242")
    browser.post("/auth/signout")
    assert browser.whoami() == ""
    browser.sign_in("/auth/login/github")
    assert _user(github_app, "github", "4242") == first
    assert browser.whoami() == "Alice Liddell"


def test_the_authorization_request_carries_state_and_pkce(browser: Browser) -> None:
    params = query(browser.start("/auth/login/github"))
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == "http://localhost/auth/callback/github"
    assert params["scope"] == "read:user"
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 20
    assert "nonce" not in params  # OAuth 2.0 only: no ID token to bind a nonce to


def test_the_token_request_proves_pkce(browser: Browser, auth_server: AuthServer) -> None:
    authorize_url = browser.start("/auth/login/github")
    assert browser.back(provider_redirect(authorize_url)).status_code == 302
    # The local server refuses a wrong verifier; this checks it saw the one for this challenge.
    assert [s256(v) for v in auth_server.verifiers] == [query(authorize_url)["code_challenge"]]


def test_every_attempt_gets_its_own_state_and_challenge(browser: Browser) -> None:
    first, second = (query(browser.start("/auth/login/github")) for _ in range(2))
    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]


def test_x_sign_in_reads_the_data_envelope(
    make_app: Callable[..., Flask], auth_server: AuthServer
) -> None:
    app = make_app(x_env(auth_server.url))
    browser = Browser(app.test_client())
    params = query(browser.start("/auth/login/x"))
    assert params["scope"] == "users.read tweet.read"
    assert params["code_challenge_method"] == "S256"
    response = browser.sign_in("/auth/login/x")
    assert response.status_code == 302
    user = _user(app, "x", "4242")
    assert user is not None
    assert (user.name, user.display_name, user.avatar_url) == (
        "octo-alice",
        "Alice Liddell",
        "https://avatars.example.com/u/4242",
    )


def test_x_as_a_public_client_uses_pkce_without_a_secret(
    make_app: Callable[..., Flask], auth_server: AuthServer
) -> None:
    auth_server.public_client = True
    app = make_app(x_env(auth_server.url, client_secret=""))
    browser = Browser(app.test_client())
    assert browser.sign_in("/auth/login/x").status_code == 302
    assert browser.whoami() == "Alice Liddell"
    assert len(auth_server.verifiers) == 1


def test_a_second_github_like_provider_is_only_configuration(
    make_app: Callable[..., Flask], auth_server: AuthServer
) -> None:
    env = github_env(auth_server.url) | github_env(
        auth_server.url, name="github_enterprise", kind="github", label="Acme GitHub"
    )
    app = make_app(env)
    browser = Browser(app.test_client())
    page = browser.get("/auth/signin").text
    assert 'href="/auth/login/github">Continue with GitHub</a>' in page
    assert 'href="/auth/login/github-enterprise">Continue with Acme GitHub</a>' in page
    browser.sign_in("/auth/login/github-enterprise")
    assert _user(app, "github-enterprise", "4242") is not None
    assert _user(app, "github", "4242") is None
