"""Authlib's Flask client for the configured providers: start a sign-in, finish it.

Authlib (with requests and joserfc) is imported on the first sign-in, not with the app, so a
Lambda cold start that serves anything else never loads it. Authlib checks state, sends PKCE
(S256) and a nonce, and validates ID tokens (signature through the provider's JWKS, issuer,
audience, expiry, nonce); every error it or the network raises becomes a SignInFailed here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask.typing import ResponseReturnValue

from recipebox.web.oauth.failures import SignInFailed
from recipebox.web.oauth.providers import Profile, ProfileError, Provider, read_profile

log = logging.getLogger("recipebox.oauth")
PROVIDERS_KEY = "recipebox.oauth.providers"
CLIENTS_KEY = "recipebox.oauth.clients"
TIMEOUT_KEY = "OAUTH_TIMEOUT"
LEEWAY_SECONDS = 60  # clock skew allowed on ID token times (Authlib's default is 120)

# OAuth error codes (RFC 6749 4.1.2.1 and 5.2, and GitHub's own) -> failure reason; any other
# code means the provider refuses this site's settings ("misconfigured").
OAUTH_ERRORS = {
    "access_denied": "cancelled",
    "mismatching_state": "expired",
    "invalid_grant": "expired",
    "bad_verification_code": "expired",  # GitHub's invalid_grant
    "server_error": "provider_error",
    "temporarily_unavailable": "provider_error",
}


def providers() -> dict[str, Provider]:
    """The app's configured providers by name."""
    found: dict[str, Provider] = current_app.extensions[PROVIDERS_KEY]
    return found


def _registration(provider: Provider, timeout: float) -> dict[str, Any]:
    client_kwargs: dict[str, Any] = {
        "scope": provider.scope,
        "code_challenge_method": "S256",
        "default_timeout": (timeout, timeout),  # connect, read: every call to the provider
        # A client without a secret is a public client: PKCE alone protects its code.
        "token_endpoint_auth_method": "client_secret_basic" if provider.client_secret else "none",
    }
    registration: dict[str, Any] = {
        "name": provider.name,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret or None,
        "client_kwargs": client_kwargs,
    }
    if provider.openid:
        registration["server_metadata_url"] = provider.discovery_url
    if provider.authorize_url:
        registration["authorize_url"] = provider.authorize_url
    if provider.token_url:
        registration["access_token_url"] = provider.token_url
    return registration


def _client(provider: Provider) -> Any:
    """Authlib's client for `provider` (a FlaskOAuth2App), registering all of them once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    oauth = app.extensions.get(CLIENTS_KEY)
    if oauth is None:
        from authlib.integrations.flask_client import OAuth  # type: ignore[import-untyped]

        oauth = OAuth(app)
        for each in providers().values():
            oauth.register(**_registration(each, app.config[TIMEOUT_KEY]))
        oauth = app.extensions.setdefault(CLIENTS_KEY, oauth)
    return oauth.create_client(provider.name)


def start(provider: Provider, redirect_uri: str) -> ResponseReturnValue:
    """Redirect to the provider's authorization page (state, PKCE and nonce kept in the session)."""
    with _failures(provider):
        response: ResponseReturnValue = _client(provider).authorize_redirect(redirect_uri)
        return response


def finish(provider: Provider) -> Profile:
    """Check the provider's answer on the callback, redeem the code and read the profile."""
    with _failures(provider):
        client = _client(provider)
        token = client.authorize_access_token(leeway=LEEWAY_SECONDS, **_claims_options(provider))
        if not provider.openid:
            return read_profile(provider.fields, _get_json(client, provider.profile_url, token))
        claims = token.get("userinfo")
        if claims is None:  # Authlib validates an ID token only when there is one
            raise SignInFailed("unverified", provider.label, "the token response has no id_token")
        data = dict(claims)
        if provider.profile_url or not any(data.get(k) for k in provider.fields.display_name):
            data = {**_userinfo(client, provider, token, data["sub"]), **data}
        return read_profile(provider.fields, data)


def _claims_options(provider: Provider) -> dict[str, Any]:
    if not provider.issuer:
        return {}  # Authlib then checks `iss` against the discovery document's issuer
    # Issuers are compared as strings; accept the configured one with or without its final
    # slash (Auth0's ends with one, most do not).
    bare = provider.issuer.rstrip("/")
    return {"claims_options": {"iss": {"essential": True, "values": [bare, bare + "/"]}}}


def _get_json(client: Any, url: str, token: dict[str, Any]) -> Any:
    response = client.get(url, token=token)
    response.raise_for_status()
    return response.json()


def _userinfo(client: Any, provider: Provider, token: dict[str, Any], sub: str) -> dict[str, Any]:
    """The userinfo endpoint's claims, for providers whose ID tokens carry no name."""
    url = provider.profile_url or client.load_server_metadata().get("userinfo_endpoint")
    if not url:
        return {}
    data = _get_json(client, url, token)
    # OpenID Connect Core 5.3.2: the userinfo `sub` must be the ID token's.
    if not isinstance(data, dict) or data.get("sub") != sub:
        raise SignInFailed("unverified", provider.label, "the userinfo subject differs")
    return data


@contextmanager
def _failures(provider: Provider) -> Iterator[None]:
    """Turn what Authlib, requests and joserfc raise into SignInFailed, logging the detail."""
    import requests
    from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
    from joserfc.errors import JoseError

    label = provider.label
    try:
        yield
    except SignInFailed as exc:
        log.warning("sign-in with %s failed: %s", provider.name, exc)
        raise
    except OAuthError as exc:
        reason = OAUTH_ERRORS.get(exc.error, "misconfigured")
        # The description is the provider's (or whoever crafted the callback URL): log only.
        log.warning("sign-in with %s: %s (%s)", provider.name, exc.error, exc.description)
        raise _logged(provider, reason, str(exc.error)[:60]) from exc
    except requests.Timeout as exc:
        timeout = current_app.config[TIMEOUT_KEY]
        detail = f"no answer from {_host(exc)} within {timeout:g} s"
        raise _logged(provider, "timeout", detail, timeout=timeout) from exc
    except requests.ConnectionError as exc:
        raise _logged(provider, "unreachable", f"no connection to {_host(exc)}") from exc
    except requests.HTTPError as exc:
        answer = exc.response
        status, url = (0, "") if answer is None else (answer.status_code, answer.url)
        reason = "provider_error" if status >= 500 else "misconfigured"
        raise _logged(provider, reason, f"HTTP {status} from {url}") from exc
    except requests.RequestException as exc:  # not JSON, a bad URL in the settings, ...
        raise _logged(provider, "misconfigured", f"{type(exc).__name__}: {exc}") from exc
    except (JoseError, ProfileError) as exc:
        raise _logged(provider, "unverified", f"{type(exc).__name__}: {exc}") from exc
    except (RuntimeError, ValueError, KeyError) as exc:  # Authlib: a URL missing from metadata
        log.warning("sign-in with %s failed", provider.name, exc_info=True)
        raise SignInFailed("misconfigured", label, f"{type(exc).__name__}: {exc}") from exc


def _host(exc: Any) -> str:
    request = getattr(exc, "request", None)
    return urlsplit(request.url).netloc if request is not None and request.url else "?"


def _logged(provider: Provider, reason: str, detail: str, *, timeout: float = 0) -> SignInFailed:
    log.warning("sign-in with %s failed (%s): %s", provider.name, reason, detail)
    return SignInFailed(reason, provider.label, detail, timeout=timeout)
