"""Fixtures for OAuth sign-in: apps configured from RECIPEBOX_OAUTH_* variables, real providers.

`auth_server` is the local OAuth 2.0 / OpenID Connect server (oauth_server.py, in a thread),
reset for each test; `oidc_issuer` is oidc-provider-mock (oidc_fixtures.py, in a subprocess).
Both listen on 127.0.0.1 for the whole session. `make_app(env)` builds the site from
environment variables, as production does.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from oauth_browser import Browser
from oauth_server import AuthServer, github_env, serve_in_thread
from oidc_fixtures import oidc_issuer

from recipebox.config import Settings
from recipebox.store.sql import SqlStore
from recipebox.web import create_app

__all__ = ["oidc_issuer"]

MakeApp = Callable[..., Flask]


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("oauth") / "template.db"
    store = SqlStore(f"sqlite:///{path}")
    store.upgrade()
    store.close()
    return path


@pytest.fixture
def make_app(tmp_path: Path, template_database: Path) -> Iterator[MakeApp]:
    """Build the site from RECIPEBOX_* variables over a fresh, migrated SQLite database."""
    stores: list[SqlStore] = []

    def build(env: dict[str, str], *, local_server: bool = False) -> Flask:
        path = tmp_path / f"site{len(stores)}.db"
        shutil.copyfile(template_database, path)
        environ = {
            "RECIPEBOX_DATABASE_URL": f"sqlite:///{path}",
            "RECIPEBOX_SECRET_KEY": "test",
            "RECIPEBOX_PRODUCTION": "0",
            **env,
        }
        settings = Settings.from_env(environ, local_server=local_server)
        stores.append(SqlStore(settings.database_url))
        app = create_app(settings, store=stores[-1])
        app.config["TESTING"] = True  # an unexpected exception fails the test, not a 500 page
        return app

    yield build
    for store in stores:
        store.close()


@pytest.fixture(scope="session")
def running_auth_server() -> Iterator[AuthServer]:
    server = AuthServer()
    with serve_in_thread(server) as url:
        server.url = url
        yield server


@pytest.fixture
def auth_server(running_auth_server: AuthServer) -> AuthServer:
    """The local OAuth 2.0 / OpenID Connect server, its knobs reset."""
    running_auth_server.reset()
    return running_auth_server


@pytest.fixture
def github_app(make_app: MakeApp, auth_server: AuthServer) -> Flask:
    return make_app(github_env(auth_server.url))


@pytest.fixture
def browser(github_app: Flask) -> Browser:
    return Browser(github_app.test_client())
