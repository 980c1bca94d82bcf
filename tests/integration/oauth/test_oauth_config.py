"""Providers are configuration: the RECIPEBOX_OAUTH_* scheme, the kinds table, startup checks."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest
from flask import Flask

from recipebox.config import OAuthClientSettings, Settings, oauth_clients
from recipebox.web.oauth import ProviderConfigError
from recipebox.web.oauth.providers import (
    KINDS,
    Profile,
    ProfileError,
    read_profile,
    resolve,
)

MakeApp = Callable[..., Flask]


def test_variables_group_into_providers_by_name() -> None:
    env = {
        "RECIPEBOX_OAUTH_GITHUB_CLIENT_ID": "gh-id",
        "RECIPEBOX_OAUTH_GITHUB_CLIENT_SECRET": " gh-secret ",
        "RECIPEBOX_OAUTH_MY_IDP_ISSUER": "https://idp.example/realms/a",
        "RECIPEBOX_OAUTH_MY_IDP_CLIENT_ID": "idp-id",
        "RECIPEBOX_OAUTH_MY_IDP_LABEL": "Company login",
        "RECIPEBOX_OAUTH_TIMEOUT": "3",
        "RECIPEBOX_DATABASE_URL": "sqlite://",
        "OTHER_OAUTH_X_CLIENT_ID": "ignored",
    }
    assert oauth_clients(env) == (
        OAuthClientSettings(name="github", client_id="gh-id", client_secret="gh-secret"),
        OAuthClientSettings(
            name="my-idp",
            client_id="idp-id",
            issuer="https://idp.example/realms/a",
            label="Company login",
        ),
    )
    settings = Settings.from_env(env)
    assert settings.oauth_timeout == 3.0
    assert [p.name for p in settings.oauth_providers] == ["github", "my-idp"]
    assert "gh-secret" not in repr(settings)


def test_a_name_that_is_a_kind_takes_that_kind_else_oidc() -> None:
    github = resolve(OAuthClientSettings(name="github", client_id="a"))
    assert (github.kind, github.label, github.profile_url) == (
        "github",
        "GitHub",
        "https://api.github.com/user",
    )
    corp = resolve(OAuthClientSettings(name="corp-sso", client_id="a", issuer="https://i.example/"))
    assert (corp.kind, corp.label, corp.issuer, corp.discovery_url) == (
        "oidc",
        "Corp Sso",
        "https://i.example/",
        "https://i.example/.well-known/openid-configuration",
    )
    google = resolve(OAuthClientSettings(name="google", client_id="a"))
    assert google.discovery_url == KINDS["google"].discovery_url
    assert google.scope == "openid email profile"


def test_endpoints_are_overridable_per_provider() -> None:
    ghe = resolve(
        OAuthClientSettings(
            name="ghe",
            kind="github",
            client_id="a",
            authorize_url="https://ghe.example/login/oauth/authorize",
            token_url="https://ghe.example/login/oauth/access_token",
            api_base_url="https://ghe.example/api/v3",
        )
    )
    assert (ghe.authorize_url, ghe.token_url, ghe.profile_url) == (
        "https://ghe.example/login/oauth/authorize",
        "https://ghe.example/login/oauth/access_token",
        "https://ghe.example/api/v3/user",
    )
    x = resolve(OAuthClientSettings(name="x", client_id="a", userinfo_url="https://p.example/me"))
    assert x.profile_url == "https://p.example/me"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (OAuthClientSettings(name="github"), "RECIPEBOX_OAUTH_GITHUB_CLIENT_ID is not set"),
        (
            OAuthClientSettings(name="corp", client_id="a"),
            "set RECIPEBOX_OAUTH_CORP_DISCOVERY_URL or RECIPEBOX_OAUTH_CORP_ISSUER",
        ),
        (
            OAuthClientSettings(name="cognito", client_id="a"),
            "set RECIPEBOX_OAUTH_COGNITO_DISCOVERY_URL or RECIPEBOX_OAUTH_COGNITO_ISSUER",
        ),
        (
            OAuthClientSettings(name="a", client_id="a", kind="saml"),
            "RECIPEBOX_OAUTH_A_KIND='saml'",
        ),
        (OAuthClientSettings(name="local", client_id="a", issuer="https://i"), "provider name"),
        (
            OAuthClientSettings(name="google", client_id="a", scope="email"),
            "RECIPEBOX_OAUTH_GOOGLE_SCOPE must include 'openid'",
        ),
    ],
)
def test_an_incomplete_entry_names_the_variable_to_fix(
    entry: OAuthClientSettings, message: str
) -> None:
    with pytest.raises(ProviderConfigError) as raised:
        resolve(entry)
    assert message in str(raised.value)


def test_the_app_refuses_to_start_with_a_broken_entry(make_app: MakeApp) -> None:
    with pytest.raises(ProviderConfigError, match="RECIPEBOX_OAUTH_CORP_CLIENT_ID is not set"):
        make_app({"RECIPEBOX_OAUTH_CORP_ISSUER": "https://i.example"})


def test_no_providers_means_no_buttons(make_app: MakeApp) -> None:
    page = make_app({}).test_client().get("/auth/signin").text
    assert "Continue with" not in page
    assert "No sign-in methods are set up" in page


# --- profiles --------------------------------------------------------------------------------
def test_profiles_map_through_the_kind_fields() -> None:
    github = {"id": 7, "login": "ada", "name": None, "avatar_url": "https://a/7"}
    assert read_profile(KINDS["github"].fields, github) == Profile("7", "ada", "ada", "https://a/7")
    x = {"data": {"id": "9", "name": "Ada L.", "username": "ada", "profile_image_url": "x"}}
    assert read_profile(KINDS["x"].fields, x) == Profile("9", "ada", "Ada L.", None)
    long_name = {"sub": "s", "name": "n" * 500, "picture": "http://insecure/p"}
    assert read_profile(KINDS["oidc"].fields, long_name) == Profile("s", "n" * 200, "n" * 200)


@pytest.mark.parametrize(
    "data", [{"login": "ada"}, {"id": True}, {"id": ""}, ["id"], {"data": "x"}, None]
)
def test_a_profile_without_a_subject_is_refused(data: object) -> None:
    with pytest.raises(ProfileError):
        read_profile(KINDS["github"].fields, data)


# --- startup ---------------------------------------------------------------------------------
def test_authlib_loads_only_when_a_sign_in_starts(tmp_path: object) -> None:
    script = textwrap.dedent(
        """
        import sys
        from recipebox.config import Settings
        from recipebox.web import create_app
        env = {
            "RECIPEBOX_DATABASE_URL": "sqlite://",
            "RECIPEBOX_SECRET_KEY": "k",
            "RECIPEBOX_OAUTH_GITHUB_CLIENT_ID": "id",
            "RECIPEBOX_OAUTH_GITHUB_CLIENT_SECRET": "secret",
        }
        app = create_app(Settings.from_env(env))
        client = app.test_client()
        assert client.get("/auth/signin").status_code == 200
        loaded = [m for m in ("authlib", "requests", "joserfc") if m in sys.modules]
        assert client.get("/auth/login/github").status_code == 302
        print(loaded, "authlib" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "True"]


def test_dev_sign_in_outside_the_local_server_logs_a_warning(
    make_app: MakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="recipebox"):
        make_app({"RECIPEBOX_DEV_LOGIN": "1"})
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "development sign-in is ON" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("env", "local_server"), [({}, True), ({"RECIPEBOX_DEV_LOGIN": "0"}, False)]
)
def test_no_warning_for_the_local_server_or_without_dev_sign_in(
    make_app: MakeApp, caplog: pytest.LogCaptureFixture, env: dict[str, str], local_server: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="recipebox"):
        app = make_app(env, local_server=local_server)
    assert caplog.records == []
    assert app.config["RECIPEBOX"].dev_login is local_server
