"""Every way a sign-in can fail ends on a clear page with a way back: no traceback, no loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from oauth_browser import Browser, provider_redirect, text
from oauth_server import (
    AuthServer,
    closed_port_url,
    github_env,
    new_key,
    oauth_env,
    silent_server,
)
from werkzeug.test import TestResponse

MakeApp = Callable[..., Flask]
BACK_TO_SIGNIN = 'href="/auth/signin">Back to sign in</a>'


def assert_failure_page(response: TestResponse, status: int, *phrases: str) -> None:
    """A page (not a redirect) with `status`, saying `phrases`, linking back to sign-in."""
    assert response.status_code == status, text(response)
    assert response.mimetype == "text/html"
    page = text(response)
    for phrase in phrases:
        assert phrase in page
    assert BACK_TO_SIGNIN in response.text
    assert "Traceback" not in response.text


def _tampered(url: str, **params: str) -> str:
    from urllib.parse import parse_qsl, urlencode, urlsplit

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | params
    return parts._replace(query=urlencode(query)).geturl()


# --- state ---------------------------------------------------------------------------------
def test_a_wrong_state_is_refused(browser: Browser) -> None:
    callback = provider_redirect(browser.start("/auth/login/github"))
    response = browser.back(_tampered(callback, state="forged-state"))
    assert_failure_page(response, 400, "This sign-in has expired", "Please start again")
    assert browser.whoami() == ""


def test_a_callback_without_a_sign_in_in_progress_is_refused(
    github_app: Flask, browser: Browser
) -> None:
    callback = provider_redirect(browser.start("/auth/login/github"))
    stranger = Browser(github_app.test_client())  # another browser: no session
    assert_failure_page(stranger.back(callback), 400, "This sign-in has expired")


def test_a_callback_is_used_once(browser: Browser) -> None:
    callback = provider_redirect(browser.start("/auth/login/github"))
    assert browser.back(callback).status_code == 302
    browser.post("/auth/signout")
    assert_failure_page(browser.back(callback), 400, "This sign-in has expired")


# --- the provider's answer -----------------------------------------------------------------
def test_denied_consent_says_so(browser: Browser, auth_server: AuthServer) -> None:
    auth_server.deny = True
    response = browser.sign_in("/auth/login/github")
    assert_failure_page(response, 400, "Sign-in cancelled", "GitHub did not sign you in")


def test_a_wrong_client_secret_is_a_configuration_problem(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    app = make_app(github_env(auth_server.url, client_secret="wrong"))
    response = Browser(app.test_client()).sign_in("/auth/login/github")
    assert_failure_page(
        response, 502, "Sign-in with GitHub is not set up correctly", "invalid_client"
    )


def test_a_profile_endpoint_that_is_not_there_is_a_configuration_problem(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    app = make_app(github_env(auth_server.url, api_base_url=f"{auth_server.url}/nothing/"))
    response = Browser(app.test_client()).sign_in("/auth/login/github")
    assert_failure_page(response, 502, "not set up correctly", "HTTP 404")


def test_an_unknown_provider_is_not_found(browser: Browser) -> None:
    assert browser.get("/auth/login/myspace").status_code == 404
    assert browser.get("/auth/callback/myspace?code=x&state=y").status_code == 404


# --- ID tokens ------------------------------------------------------------------------------
@pytest.fixture
def okta(make_app: MakeApp, auth_server: AuthServer) -> Browser:
    """An OpenID Connect provider whose ID tokens the test controls (the local server)."""
    return Browser(make_app(oauth_env("okta", issuer=auth_server.url)).test_client())


def test_a_valid_id_token_signs_in(okta: Browser) -> None:
    assert okta.sign_in("/auth/login/okta").status_code == 302
    assert okta.whoami() == "Alice Liddell"


@pytest.mark.parametrize(
    ("claims", "detail"),
    [
        ({"nonce": "replayed-nonce"}, "nonce"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "exp"),
        ({"aud": "another-client"}, "azp"),  # Authlib: azp is required when aud is not us
        ({"iss": "https://issuer.example"}, "iss"),
    ],
    ids=["wrong-nonce", "expired", "wrong-audience", "wrong-issuer"],
)
def test_an_id_token_with_wrong_claims_is_refused(
    okta: Browser, auth_server: AuthServer, claims: dict[str, Any], detail: str
) -> None:
    auth_server.id_token_claims.update(claims)
    response = okta.sign_in("/auth/login/okta")
    assert_failure_page(response, 400, "The answer from Okta could not be verified", detail)
    assert okta.whoami() == ""


@pytest.mark.parametrize("kid", ["server-key", "other-key"], ids=["same-kid", "unknown-kid"])
def test_an_id_token_signed_by_another_key_is_refused(
    okta: Browser, auth_server: AuthServer, kid: str
) -> None:
    auth_server.signing_key = new_key(kid)
    response = okta.sign_in("/auth/login/okta")
    assert_failure_page(response, 400, "The answer from Okta could not be verified")
    assert okta.whoami() == ""


def test_an_openid_answer_without_an_id_token_is_refused(
    okta: Browser, auth_server: AuthServer
) -> None:
    auth_server.issue_id_token = False
    response = okta.sign_in("/auth/login/okta")
    assert_failure_page(response, 400, "could not be verified", "no id_token")


# --- the network ----------------------------------------------------------------------------
def test_an_unreachable_discovery_document_says_where_to_look(make_app: MakeApp) -> None:
    app = make_app(oauth_env("keycloak", issuer=f"{closed_port_url()}/realms/x"))
    response = Browser(app.test_client()).get("/auth/login/keycloak")
    assert_failure_page(
        response,
        502,
        "Could not reach Keycloak",
        "could not be reached from this server",
        "AWS VPC without a NAT gateway, see docs/deploy.md",
    )


def test_a_missing_discovery_document_is_a_configuration_problem(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    app = make_app(oauth_env("keycloak", discovery_url=f"{auth_server.url}/no/such/document"))
    response = Browser(app.test_client()).get("/auth/login/keycloak")
    assert_failure_page(response, 502, "Sign-in with Keycloak is not set up correctly", "404")


def test_a_discovery_document_without_endpoints_is_a_configuration_problem(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    discovery = f"{auth_server.url}/no-domain/.well-known/openid-configuration"
    app = make_app(oauth_env("cognito", discovery_url=discovery, label="Recipebox account"))
    response = Browser(app.test_client()).get("/auth/login/cognito")
    assert_failure_page(response, 502, "Sign-in with Recipebox account is not set up correctly")


def test_a_provider_that_never_answers_times_out_quickly(
    make_app: MakeApp, auth_server: AuthServer
) -> None:
    with silent_server() as hung:
        env = github_env(auth_server.url, token_url=f"{hung}/token")
        browser = Browser(make_app({**env, "RECIPEBOX_OAUTH_TIMEOUT": "1"}).test_client())
        callback = provider_redirect(browser.start("/auth/login/github"))
        started = time.monotonic()
        response = browser.back(callback)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert_failure_page(response, 504, "GitHub did not answer in time", "within 1 s")


def test_a_discovery_document_that_never_comes_times_out_quickly(make_app: MakeApp) -> None:
    with silent_server() as hung:
        env = oauth_env("keycloak", issuer=hung, label="Keycloak")
        browser = Browser(make_app({**env, "RECIPEBOX_OAUTH_TIMEOUT": "1"}).test_client())
        started = time.monotonic()
        response = browser.get("/auth/login/keycloak")
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert_failure_page(response, 504, "Keycloak did not answer in time", "docs/deploy.md")
