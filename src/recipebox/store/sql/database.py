"""The database behind a store: URL, engine per deployment shape, transactions, migrations.

Backend errors leave here as domain errors (`domain_errors`), with messages that never
contain the password.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

from recipebox.domain.errors import Conflict, Invalid, NotFound, StorageUnavailable
from recipebox.store.sql.schema import SCHEMA_VERSION

Pool = Literal["server", "lambda"]

# The driver used when a URL names none. PyMySQL is the only MySQL driver: it is pure Python
# and installs on Lambda, unlike mysqlclient (no manylinux wheel).
DRIVERS: dict[str, str] = {
    "sqlite": "sqlite",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}

# Driver timeouts (seconds), each overridable in the URL query (`?read_timeout=600` for a
# long migration). PyMySQL reads the server's greeting under read_timeout, which defaults to
# none: a server that accepts the connection but never answers would hang a request forever.
_MYSQL_TIMEOUTS = {"connect_timeout": 5, "read_timeout": 60, "write_timeout": 60}
TIMEOUTS: dict[str, dict[str, int]] = {
    "mysql": _MYSQL_TIMEOUTS,
    "mariadb": _MYSQL_TIMEOUTS,
    "postgresql": {"connect_timeout": 5},  # libpq: covers connecting and authenticating
}
SQLITE_BUSY_TIMEOUT_MS = 10_000

# Execution option marking a write transaction; SQLite then begins with BEGIN IMMEDIATE.
WRITE_OPTION = "recipebox_write"

MIGRATIONS = Path(__file__).with_name("migrations")

POOLS: dict[Pool, dict[str, Any]] = {
    # A WSGI server: a few threads share a pool; pre-ping replaces connections the server
    # dropped while idle (MySQL wait_timeout, failover, proxies).
    "server": {"pool_size": 5, "max_overflow": 10, "pool_pre_ping": True, "pool_recycle": 3600},
    # A Lambda container serves one request at a time: one connection, and pre-ping because
    # a frozen container's connection is often dead when it thaws ("server has gone away").
    "lambda": {"pool_size": 1, "max_overflow": 0, "pool_pre_ping": True},
}


def database_url(url: str) -> URL:
    """Parse `url` and pick the default driver when it names none (`mysql://` -> PyMySQL)."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise Invalid(f"malformed database URL: {exc}") from None
    backend, _, driver = parsed.drivername.partition("+")
    default = DRIVERS.get(backend)
    if default is None:
        raise Invalid(f"not an SQL database URL scheme: {backend!r}")
    base = default.partition("+")[0]
    parsed = parsed.set(drivername=f"{base}+{driver}" if driver else default)
    if base in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed


def describe(url: URL) -> str:
    """Name the database without credentials: "sqlite /srv/rb.db", "mariadb db1:3306/rb"."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return f"sqlite {url.database or ':memory:'}"
    port = f":{url.port}" if url.port else ""
    return f"{backend} {url.host or 'localhost'}{port}/{url.database or ''}"


def create_engine(url: URL, *, pool: Pool, echo: bool) -> sa.Engine:
    """Build the engine for `url`: pool per deployment shape, connect timeouts, SQLite pragmas."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, echo=echo)
    defaults = TIMEOUTS.get(backend, {})
    connect_args = {name: value for name, value in defaults.items() if name not in url.query}
    engine = sa.create_engine(url, echo=echo, connect_args=connect_args, **POOLS[pool])
    if url.get_driver_name() == "pymysql":
        _share_tls_context(engine)
    return engine


def _share_tls_context(engine: sa.Engine) -> None:
    """Make PyMySQL build its opportunistic TLS context once per engine, not per connection.

    With no ssl option in the URL, PyMySQL (>= 1.2) offers TLS to a server that supports it,
    unverified ("preferred" mode), and builds a new SSLContext for every connection, loading
    the system CA bundle: ~45 ms of CPU holding the GIL, paid before the TCP connect. While
    the database is down every request paid it just to learn that the port is closed, so the
    503s queued behind one another: up to 0.5-1.6 s with 8 clients on 2 busy cores, against
    0.1 s with one shared context (issue 8, bench/reliability.py). That context verifies
    nothing and is the same every time, so sharing it changes only the cost. SSL options in
    the URL are still built by PyMySQL, per connection.
    """
    from pymysql.connections import Connection  # lazy: SQLite/PostgreSQL never need it

    shared: list[Any] = []
    lock = threading.Lock()

    class SharedTLSConnection(Connection):
        # A private method, absent from the stubs; with another PyMySQL this override is
        # simply never called.
        def _create_ssl_ctx(self, sslp: Any) -> Any:
            if sslp:
                return super()._create_ssl_ctx(sslp)  # type: ignore[misc]
            with lock:
                if not shared:
                    shared.append(super()._create_ssl_ctx(sslp))  # type: ignore[misc]
                return shared[0]

    def connect(*cargs: Any, **cparams: Any) -> Any:
        return SharedTLSConnection(*cargs, **cparams)

    # The engine calls its dialect's connect() after any "do_connect" listener has had its
    # chance (tests intercept there); only this engine's dialect instance changes.
    engine.dialect.connect = connect  # type: ignore[method-assign]


def _sqlite_engine(url: URL, *, echo: bool) -> sa.Engine:
    memory = url.database in (None, "", ":memory:")
    options: dict[str, Any] = (
        # One shared connection, or every checkout would see its own empty database.
        {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}} if memory else {}
    )
    engine = sa.create_engine(url, echo=echo, **options)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (the
        # module's implicit BEGIN skips SELECTs, so reads would not share a snapshot).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode = WAL",  # readers never block the writer
            "synchronous = NORMAL",  # safe with WAL; commits skip an fsync
            "foreign_keys = ON",
            f"busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        # A write transaction takes the write lock up front: a deferred one that read first
        # could fail with SQLITE_BUSY_SNAPSHOT instead of waiting for the other writer.
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def domain_errors(url: URL) -> Iterator[None]:
    """Turn SQLAlchemy errors raised inside into domain errors (messages never hold a password)."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        reason = _reason(exc, url)
        # Every engine says "foreign key" in its message: a reference to a missing row.
        if "foreign key" in reason.lower():
            raise NotFound(f"a referenced user or recipe does not exist ({reason})") from exc
        raise Conflict(f"already exists ({reason})") from exc
    except sa.exc.DataError as exc:
        raise Invalid(f"value rejected by the database ({_reason(exc, url)})") from exc
    except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError) as exc:
        raise StorageUnavailable(f"{describe(url)} unavailable: {_reason(exc, url)}") from exc


def _reason(exc: sa.exc.SQLAlchemyError, url: URL) -> str:
    """The driver's message, first line only, with the password masked in case it appears."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    text = text.splitlines()[0] if text else type(exc).__name__
    if url.password:
        text = text.replace(str(url.password), "***")
    return text


class Database:
    """One database: its engine (built on first use), transactions and schema migrations."""

    def __init__(self, url: str, *, pool: Pool = "server", echo: bool = False) -> None:
        if pool not in POOLS:
            raise Invalid(f"unknown pool {pool!r}; use one of: {', '.join(POOLS)}")
        self.url = database_url(url)
        self.pool: Pool = pool
        self._echo = echo
        self._engine: sa.Engine | None = None
        self._lock = threading.Lock()

    def __str__(self) -> str:
        return describe(self.url)

    def engine(self) -> sa.Engine:
        """The engine, built on first use."""
        with self._lock:
            if self._engine is None:
                self._engine = create_engine(self.url, pool=self.pool, echo=self._echo)
            return self._engine

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection in a read transaction, rolled back at the end."""
        with domain_errors(self.url), self.engine().connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A connection in a write transaction, committed unless an exception escapes."""
        with domain_errors(self.url), self.engine().connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def upgrade(self) -> None:
        """Migrate the schema to the newest revision (Alembic `upgrade head`)."""
        # Alembic is imported here: a web request or a Lambda cold start never needs it.
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.write() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def check(self) -> str:
        """Describe the database, or raise StorageUnavailable unless it is at SCHEMA_VERSION."""
        with self.read() as conn:
            version = None
            if sa.inspect(conn).has_table("alembic_version"):
                version = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        if version != SCHEMA_VERSION:
            raise StorageUnavailable(
                f"{self} has schema {version or 'none'}, this code needs {SCHEMA_VERSION}:"
                " upgrade the database"
            )
        return f"{self} (schema {version})"

    def close(self) -> None:
        """Close every pooled connection; the next use builds a new engine."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None
