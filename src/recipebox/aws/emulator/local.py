"""`recipebox lambda serve`: the site through an emulated front door, with local defaults.

The same defaults as `recipebox serve` apply unless the environment says otherwise: SQLite in
the per-user data folder (migrated, demo recipes on first start), development sign-in on,
production checks off. They are exported as RECIPEBOX_* variables, because the Lambda handler
reads its configuration from the environment, as on AWS; AWS_LAMBDA_FUNCTION_NAME is set too,
so the storage uses the one-connection pool of a Lambda container.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from recipebox.aws.emulator.doors import front_door
from recipebox.aws.emulator.server import (
    DEFAULT_HANDLER,
    FUNCTION_NAME,
    EmulatorServer,
    load_handler,
)
from recipebox.config import PREFIX, Settings


def local_environment(
    environ: MutableMapping[str, str],
    *,
    database_url: str | None = None,
    base_path: str | None = None,
) -> Settings:
    """Fill environ with the local defaults it lacks; return the settings the handler will read."""
    if database_url:
        environ[PREFIX + "DATABASE_URL"] = database_url
    if base_path is not None:
        environ[PREFIX + "BASE_PATH"] = base_path.strip("/")
    local = Settings.from_env(environ, local_server=True)
    environ.setdefault(PREFIX + "DATABASE_URL", local.database_url)
    environ.setdefault(PREFIX + "DEV_LOGIN", "1" if local.dev_login else "0")
    environ.setdefault(PREFIX + "PRODUCTION", "1" if local.production else "0")
    environ.setdefault("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME)
    return Settings.from_env(environ)


def serve(
    shape: str,
    *,
    stage: str | None = None,
    base_path: str | None = None,
    multi_value: bool = False,
    host: str = "127.0.0.1",
    port: int = 8000,
    handler: str = DEFAULT_HANDLER,
    database_url: str | None = None,
) -> None:
    """Prepare the local site (for the default handler), then serve until interrupted."""
    door = front_door(shape, stage=stage, base_path=base_path, multi_value=multi_value)
    storage = "configured by the handler"
    if handler == DEFAULT_HANDLER:
        from recipebox.services.local import prepare_local_store  # not for other handlers

        settings = local_environment(os.environ, database_url=database_url, base_path=base_path)
        store = prepare_local_store(settings)
        try:
            storage = store.check()
        finally:
            store.close()
    server = EmulatorServer((host, port), door, load_handler(handler))
    print(f"{door.summary()} -> {handler}  (storage: {storage})", flush=True)
    print(f"recipebox (Lambda emulator) is running at {server.url}", flush=True)
    print("press Ctrl+C to stop", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
