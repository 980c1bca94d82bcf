"""Deployment checks: is this configuration ready to serve? One result per named check.

The Lambda "check" command and `recipebox check` run them. A check is a function of a
`CheckTarget` returning (ok, detail), or None when it has nothing to look at (no base path
configured); add one by appending it to CHECKS. Each configured sign-in provider gets its own
result, "sign-in: NAME". A check that raises counts as failed, so one broken check never hides
the others. Details never contain secrets (no database URL, no key, no client secret),
because they are returned to the caller and may be logged; they say what is wrong and what
to do, in plain words.

Network probes use a short timeout (3 s by default): a function in a VPC without a NAT
gateway cannot reach the internet, and its connections hang rather than fail. Lambda does not
tell a function whether it is in a VPC, so the templates set RECIPEBOX_IN_VPC=1 on the
functions they put in one, and the explanation depends on it.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from recipebox.config import PREFIX, OAuthClientSettings, Settings
from recipebox.domain.errors import RecipeboxError
from recipebox.store.protocol import Store

DEFAULT_TIMEOUT = 3.0
WELL_KNOWN = "/.well-known/openid-configuration"
# Where a provider of a built-in kind answers when nothing is configured; mirrors the kinds in
# recipebox.web.oauth.providers (services must not import the web package, hence the copy).
KIND_PROBES = {
    "github": "https://github.com/login/oauth/access_token",
    "x": "https://api.x.com/2/oauth2/token",
    "google": "https://accounts.google.com/.well-known/openid-configuration",
}
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check: `detail` says what was found, or what to fix."""

    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class CheckTarget:
    """What the checks look at: the settings and, opened on first use, their storage."""

    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.environ = os.environ if environ is None else environ
        self._store = store
        self._opened = False

    @property
    def on_lambda(self) -> bool:
        return "AWS_LAMBDA_FUNCTION_NAME" in self.environ

    @property
    def in_vpc(self) -> bool:
        """Whether our template put this function in a VPC (RECIPEBOX_IN_VPC)."""
        return self.settings.extra.get("IN_VPC", "").strip().lower() in _TRUE

    def store(self) -> Store:
        """The storage, opened from the settings unless one was given (may raise)."""
        if self._store is None:
            from recipebox.store import open_store  # only when a check needs it

            self._store = open_store(self.settings.database_url, pool=self.settings.db_pool)
            self._opened = True
        return self._store

    def close(self) -> None:
        """Close the storage if it was opened here."""
        if self._opened and self._store is not None:
            self._store.close()
            self._store, self._opened = None, False


Check = Callable[[CheckTarget], tuple[bool, str] | None]


_NETWORK_FAILURES = ("can't connect", "timed out", "connection refused", "unreachable")


def check_storage(target: CheckTarget) -> tuple[bool, str]:
    """The storage answers and its schema is current."""
    try:
        return True, target.store().check()
    except RecipeboxError as exc:
        detail = str(exc)
    if target.in_vpc and any(text in detail.lower() for text in _NETWORK_FAILURES):
        detail += (
            ". From a VPC, the database's security group must admit this function's (the "
            "split and vpc-nat templates add that rule) and the function's subnets must "
            "route to the database's"
        )
    return False, detail


def check_secret_key(target: CheckTarget) -> tuple[bool, str]:
    """A secret key is configured, so sessions survive restarts and span containers."""
    if target.settings.secret_key and target.settings.secret_key.strip():
        return True, "RECIPEBOX_SECRET_KEY is set"
    return False, (
        "RECIPEBOX_SECRET_KEY is not set: every process would sign sessions with its own "
        "random key, signing visitors out (set a long random value)"
    )


def check_base_path(target: CheckTarget) -> tuple[bool, str] | None:
    """RECIPEBOX_BASE_PATH is a well-formed custom-domain base-path mapping (when set)."""
    raw = target.settings.extra.get("BASE_PATH", "")
    if not raw:
        return None
    name = f"{PREFIX}BASE_PATH={raw!r}"
    if raw == "/":
        return False, f"{name} is the root: leave it unset instead"
    if not raw.startswith("/") or raw.endswith("/") or "//" in raw:
        return False, f"{name}: write it with a leading '/' and no trailing '/', e.g. /recipes"
    if any(c.isspace() or c in "?#%" for c in raw):
        return False, f"{name}: a path prefix has no spaces, '?', '#' or '%'"
    front = target.settings.extra.get("FRONT_DOOR", "")
    public_url = target.settings.public_url
    if front == "function-url":
        return False, (
            f"{name}, but a Function URL has no base-path mapping: no request carries that "
            "prefix, so every page would be 404. Unset it."
        )
    if front in ("rest-api", "http-api") and not public_url:
        return False, (
            f"{name} without a custom domain: the API Gateway stage in the URL (e.g. /live) "
            "is detected from each request, and a base path is only for a custom domain's "
            "base-path mapping. Setting it to the stage name breaks every route. Unset it, "
            f"or set {PREFIX}PUBLIC_URL to the custom domain's URL."
        )
    if public_url and not urlsplit(public_url).path.rstrip("/").endswith(raw):
        return False, f"{PREFIX}PUBLIC_URL={public_url!r} does not end with the base path {raw}"
    return True, f"{name}: the site answers under {public_url or raw}"


CHECKS: dict[str, Check] = {
    "storage": check_storage,
    "secret key": check_secret_key,
    "base path": check_base_path,
}


# --- sign-in providers ---------------------------------------------------------------------


def probe_url(entry: OAuthClientSettings) -> str:
    """The URL that shows whether the provider is reachable: discovery document first."""
    if entry.discovery_url:
        return entry.discovery_url
    if entry.issuer:
        return entry.issuer.rstrip("/") + WELL_KNOWN
    if entry.token_url or entry.authorize_url:
        return entry.token_url or entry.authorize_url
    kind = entry.kind.lower() or entry.name
    return KIND_PROBES.get(kind, "")


def check_provider(target: CheckTarget, entry: OAuthClientSettings) -> tuple[bool, str]:
    """The provider's server answers over the network within the timeout."""
    env = f"{PREFIX}OAUTH_{entry.name.upper().replace('-', '_')}_"
    url = probe_url(entry)
    if not url:
        return False, f"no address to reach: set {env}DISCOVERY_URL or {env}ISSUER"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False, f"{url!r} is not an http(s) URL: check {env}*"
    host = parts.hostname
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=target.timeout) as response:  # noqa: S310
            status, body = response.status, response.read(256 * 1024)
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
        exc.close()
    except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
        return False, unreachable(target, entry.name, host, "did not answer")
    except urllib.error.URLError as exc:
        return False, connection_failure(target, entry.name, host, parts.port, exc.reason)
    except OSError as exc:
        return False, connection_failure(target, entry.name, host, parts.port, exc)
    return answered(url, status, body, is_discovery=url.endswith(WELL_KNOWN))


def connection_failure(
    target: CheckTarget, name: str, host: str, port: int | None, reason: object
) -> str:
    if isinstance(reason, TimeoutError):
        return unreachable(target, name, host, "did not answer")
    if isinstance(reason, socket.gaierror):
        vpc = "; a VPC needs DNS resolution enabled" if target.in_vpc else ""
        return (
            f"cannot find the sign-in provider {name}: the name {host} does not resolve "
            f"(DNS). Check the URL{vpc}."
        )
    if isinstance(reason, ConnectionRefusedError):
        where = f"{host}:{port}" if port else host
        return (
            f"the sign-in provider {name} refused the connection ({where}): nothing listens "
            "there. Check the URL and port."
        )
    if isinstance(reason, ssl.SSLError):
        return (
            f"the sign-in provider {name} ({host}) failed the TLS handshake: {reason}. "
            "Check the URL (https on the right port) and the system's CA certificates."
        )
    return unreachable(target, name, host, f"failed ({reason})")


def unreachable(target: CheckTarget, name: str, host: str, what: str) -> str:
    """Why a provider may be out of reach, for where this runs."""
    head = (
        f"cannot reach the sign-in provider {name} ({host}): it {what} within {target.timeout:g} s"
    )
    if target.in_vpc:
        return (
            f"{head}: this function is in a VPC without a NAT gateway, so it has no internet "
            "access; use the split or dynamodb topology, or add NAT"
        )
    if target.on_lambda:
        return f"{head}: a function outside a VPC reaches the internet directly; check the URL"
    return f"{head}: check this machine's network, proxy (HTTPS_PROXY) and firewall"


def answered(url: str, status: int, body: bytes, *, is_discovery: bool) -> tuple[bool, str]:
    if status >= 500:
        return False, f"{url} answered HTTP {status}: the provider has trouble; try later"
    if not is_discovery:
        return True, f"{url} is reachable (HTTP {status})"
    if status != 200:
        return False, f"no OpenID configuration at {url} (HTTP {status}): check the issuer URL"
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict) or "authorization_endpoint" not in document:
        return False, f"{url} is not an OpenID configuration document: check the issuer URL"
    return True, f"{url} is reachable and describes the provider"


def run_checks(
    settings: Settings,
    *,
    store: Store | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    environ: Mapping[str, str] | None = None,
) -> list[CheckResult]:
    """Run every check in CHECKS, then one per sign-in provider; `store` reuses a storage."""
    target = CheckTarget(settings, store, timeout=timeout, environ=environ)
    named: list[tuple[str, Callable[[], tuple[bool, str] | None]]] = [
        (name, partial(check, target)) for name, check in CHECKS.items()
    ]
    named += [
        (f"sign-in: {entry.name}", partial(check_provider, target, entry))
        for entry in settings.oauth_providers
    ]
    results = []
    try:
        for name, run in named:
            try:
                outcome = run()
            except Exception as exc:  # a broken check is a failed check, not a crash
                outcome = False, f"the check itself failed: {type(exc).__name__}: {exc}"
            if outcome is not None:
                results.append(CheckResult(name, *outcome))
    finally:
        target.close()
    return results
