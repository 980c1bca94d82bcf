"""Settings: read once from the environment (`RECIPEBOX_*`), overridable by a mapping in tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "RECIPEBOX_"
_TRUE = {"1", "true", "yes", "on"}
OAUTH_PREFIX = "OAUTH_"
# The settings of one sign-in provider: RECIPEBOX_OAUTH_<NAME>_<FIELD>, FIELD one of these.
OAUTH_FIELDS = (
    "CLIENT_SECRET",
    "DISCOVERY_URL",
    "AUTHORIZE_URL",
    "USERINFO_URL",
    "API_BASE_URL",
    "CLIENT_ID",
    "TOKEN_URL",
    "ISSUER",
    "LABEL",
    "SCOPE",
    "KIND",
)
DEFAULT_OAUTH_TIMEOUT = 5.0
DEFAULT_PAGE_CACHE_SECONDS = 2.0  # signed-out pages; see web/pagecache.py


def default_data_dir() -> Path:
    """The per-user data folder (e.g. ~/.local/share/recipebox on Linux)."""
    from platformdirs import user_data_path  # lazy: only the local server needs it

    return user_data_path("recipebox", appauthor=False)


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'recipebox.db'}"


@dataclass(frozen=True, slots=True)
class OAuthClientSettings:
    """One external sign-in provider, from its `RECIPEBOX_OAUTH_<NAME>_*` variables.

    Values are as configured ("" when unset); `recipebox.web.oauth` fills the defaults of the
    provider's kind and rejects incomplete entries.
    """

    name: str
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    kind: str = ""
    label: str = ""
    scope: str = ""
    discovery_url: str = ""
    issuer: str = ""
    authorize_url: str = ""
    token_url: str = ""
    userinfo_url: str = ""
    api_base_url: str = ""


def oauth_clients(env: Mapping[str, str]) -> tuple[OAuthClientSettings, ...]:
    """Every `RECIPEBOX_OAUTH_<NAME>_<FIELD>` group in `env`, sorted by name.

    NAME is lower-cased with `_` turned into `-`: RECIPEBOX_OAUTH_MY_IDP_CLIENT_ID belongs to
    the provider "my-idp" (its routes are /auth/login/my-idp and /auth/callback/my-idp).
    """
    groups: dict[str, dict[str, str]] = {}
    for key, value in env.items():
        rest = key.removeprefix(PREFIX + OAUTH_PREFIX)
        if rest == key:
            continue
        for suffix in OAUTH_FIELDS:
            name = rest.removesuffix("_" + suffix)
            if name != rest and name:
                groups.setdefault(name.lower().replace("_", "-"), {})[suffix.lower()] = value
                break
    return tuple(
        OAuthClientSettings(name=name, **{k: v.strip() for k, v in fields.items()})
        for name, fields in sorted(groups.items())
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable. Secrets (secret_key, database passwords) never appear in logs."""

    database_url: str
    secret_key: str | None = field(default=None, repr=False)
    dev_login: bool = False
    production: bool = False
    base_path: str = ""
    db_pool: str = "server"
    trusted_proxies: int = 0
    local_server: bool = False
    public_url: str = ""
    oauth_timeout: float = DEFAULT_OAUTH_TIMEOUT
    page_cache_seconds: float = DEFAULT_PAGE_CACHE_SECONDS
    oauth_providers: tuple[OAuthClientSettings, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        local_server: bool = False,
    ) -> Settings:
        """Build settings from `environ` (default os.environ).

        `local_server` is True for `recipebox serve`: the database then defaults to SQLite in
        the per-user data folder and the development sign-in defaults to on.
        `public_url` (RECIPEBOX_PUBLIC_URL) pins the external URL of the site's root, e.g.
        https://abc.execute-api.eu-west-1.amazonaws.com/dev, for OAuth callback URLs.
        """
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(PREFIX + name, default)

        def flag(name: str, default: bool) -> bool:
            raw = get(name)
            return default if raw == "" else raw.strip().lower() in _TRUE

        database_url = get("DATABASE_URL")
        if not database_url:
            data_dir = Path(get("DATA_DIR")) if get("DATA_DIR") else default_data_dir()
            database_url = default_database_url(data_dir)
        on_lambda = "AWS_LAMBDA_FUNCTION_NAME" in env
        return cls(
            database_url=database_url,
            secret_key=get("SECRET_KEY") or None,
            dev_login=flag("DEV_LOGIN", local_server),
            production=flag("PRODUCTION", not local_server),
            base_path=get("BASE_PATH").rstrip("/"),
            db_pool=get("DB_POOL", "lambda" if on_lambda else "server"),
            trusted_proxies=int(get("TRUSTED_PROXIES", "0") or 0),
            local_server=local_server,
            public_url=get("PUBLIC_URL").strip().rstrip("/"),
            oauth_timeout=float(get("OAUTH_TIMEOUT") or DEFAULT_OAUTH_TIMEOUT),
            page_cache_seconds=float(get("PAGE_CACHE_SECONDS") or DEFAULT_PAGE_CACHE_SECONDS),
            oauth_providers=oauth_clients(env),
            extra={k[len(PREFIX) :]: v for k, v in env.items() if k.startswith(PREFIX)},
        )
