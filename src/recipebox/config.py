"""Settings: read once from the environment (`RECIPEBOX_*`), overridable by a mapping in tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "RECIPEBOX_"
_TRUE = {"1", "true", "yes", "on"}


def default_data_dir() -> Path:
    """The per-user data folder (e.g. ~/.local/share/recipebox on Linux)."""
    from platformdirs import user_data_path  # lazy: only the local server needs it

    return user_data_path("recipebox", appauthor=False)


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'recipebox.db'}"


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
            extra={k[len(PREFIX) :]: v for k, v in env.items() if k.startswith(PREFIX)},
        )
