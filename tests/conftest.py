"""Shared fixtures: a fresh, migrated store per storage backend.

`store` runs a test once per entry of STORE_BACKENDS; each entry names the fixture that yields
that backend's store. To add a backend (DynamoDB, the remote store), write a fixture that
yields a fresh, upgraded `Store` and closes it afterwards, then append
`pytest.param("<fixture name>", marks=...)` to STORE_BACKENDS: the contract suite
(tests/integration/test_store_contract.py) then runs against it unchanged.

Database servers: MariaDB and PostgreSQL tests create a uniquely named database (rbx_test_*)
and drop it afterwards. Admin URLs default to the local servers and are overridden by
RECIPEBOX_TEST_MARIADB_URL / RECIPEBOX_TEST_POSTGRES_URL. When CI is "true" (or "1") an
unreachable server fails those tests; otherwise they skip, saying why.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from recipebox.store.protocol import Store
from recipebox.store.sql import SqlStore
from recipebox.store.sql.database import database_url

# DynamoDB (moto server) and remote-store fixtures live beside the tests that own them.
pytest_plugins = ["integration.dynamo_fixtures", "integration.remote_fixtures"]

CI = os.environ.get("CI", "").strip().lower() in ("true", "1")
MARIADB_ADMIN_URL = os.environ.get(
    "RECIPEBOX_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
)
POSTGRES_ADMIN_URL = os.environ.get(
    "RECIPEBOX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

STORE_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("mariadb", id="mariadb", marks=pytest.mark.mariadb),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    pytest.param("dynamodb", id="dynamodb", marks=pytest.mark.dynamodb),
    pytest.param("remote", id="remote"),
    pytest.param("remote_http", id="remote-http"),
    pytest.param("remote_lambda", id="remote-lambda"),
]
SQL_BACKENDS = STORE_BACKENDS[:3]


@pytest.fixture(params=STORE_BACKENDS)
def store(request: pytest.FixtureRequest) -> Store:
    """A fresh, migrated store of each backend in turn."""
    backend: Store = request.getfixturevalue(request.param)
    return backend


@pytest.fixture(params=SQL_BACKENDS)
def sql_store(request: pytest.FixtureRequest) -> SqlStore:
    """A fresh, migrated SqlStore on SQLite, MariaDB and PostgreSQL in turn."""
    backend: SqlStore = request.getfixturevalue(request.param)
    return backend


@pytest.fixture(params=[f"{param.values[0]}_url" for param in SQL_BACKENDS])
def sql_url(request: pytest.FixtureRequest) -> str:
    """The URL of a fresh, empty database on each SQL engine in turn (not migrated)."""
    url: str = request.getfixturevalue(request.param)
    return url


# --- per-backend stores ----------------------------------------------------------------
@contextmanager
def open_sql_store(url: str) -> Iterator[SqlStore]:
    store = SqlStore(url)
    try:
        store.upgrade()
        yield store
    finally:
        store.close()


@pytest.fixture
def sqlite(sqlite_url: str) -> Iterator[SqlStore]:
    with open_sql_store(sqlite_url) as store:
        yield store


@pytest.fixture
def mariadb(mariadb_url: str) -> Iterator[SqlStore]:
    with open_sql_store(mariadb_url) as store:
        yield store


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[SqlStore]:
    with open_sql_store(postgres_url) as store:
        yield store


# --- databases -----------------------------------------------------------------------
@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'recipebox.db'}"


def _server(name: str, admin_url: str) -> URL:
    """The admin URL after one successful connection; skip or fail when none answers."""
    url = database_url(admin_url)
    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return url
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0]
    finally:
        engine.dispose()
    message = f"{name} not reachable at {url.host}:{url.port}: {reason}"
    if CI:
        pytest.fail(f"{message} (CI is set: server tests must run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def mariadb_server() -> URL:
    return _server("MariaDB", MARIADB_ADMIN_URL)


@pytest.fixture(scope="session")
def postgres_server() -> URL:
    return _server("PostgreSQL", POSTGRES_ADMIN_URL)


@contextmanager
def _scratch_database(admin: URL, create: str, drop: str) -> Iterator[str]:
    """Create a uniquely named database, yield its URL, drop it afterwards."""
    name = f"rbx_test_{secrets.token_hex(6)}"
    engine = sa.create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(create.format(name=name))
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(drop.format(name=name))
        engine.dispose()


@pytest.fixture
def mariadb_url(mariadb_server: URL) -> Iterator[str]:
    with _scratch_database(
        mariadb_server,
        "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "DROP DATABASE IF EXISTS {name}",
    ) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: URL) -> Iterator[str]:
    with _scratch_database(
        postgres_server,
        "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0",
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)",
    ) as url:
        yield url
