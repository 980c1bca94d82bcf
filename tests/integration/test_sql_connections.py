"""Connections under stress: dropped by the server, unreachable, shared by concurrent writers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from recipebox.domain.errors import StorageUnavailable
from recipebox.domain.lists import ListItem
from recipebox.domain.users import User
from recipebox.store.sql import SqlStore
from recipebox.store.sql.schema import SCHEMA_VERSION

SERVERS = [
    pytest.param("mariadb", id="mariadb", marks=pytest.mark.mariadb),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def end_server_sessions(admin: sa.URL, url: str) -> int:
    """End every session connected to the database at `url`, as a DBA's KILL would."""
    target = sa.make_url(url)
    postgres = target.get_backend_name() == "postgresql"
    engine = sa.create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if postgres:
                ended = conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :db AND backend_type = 'client backend'"
                    ),
                    {"db": target.database},
                ).all()
                return len(ended)
            ids = conn.scalars(
                sa.text("SELECT id FROM information_schema.processlist WHERE db = :db"),
                {"db": target.database},
            ).all()
            for session_id in ids:
                conn.exec_driver_sql(f"KILL {int(session_id)}")
            return len(ids)
    finally:
        engine.dispose()


@pytest.mark.parametrize("pool", ["server", "lambda"])
@pytest.mark.parametrize("server", SERVERS)
def test_store_reconnects_after_the_server_ended_its_connection(
    request: pytest.FixtureRequest, server: str, pool: str
) -> None:
    url: str = request.getfixturevalue(f"{server}_url")
    admin: sa.URL = request.getfixturevalue(f"{server}_server")
    store = SqlStore(url, pool=pool)  # type: ignore[arg-type]
    try:
        store.upgrade()
        assert store.count_recipes() == 0
        assert end_server_sessions(admin, url) == 1
        time.sleep(0.2)  # let the server finish closing the socket
        assert store.count_recipes() == 0
        assert store.check().endswith(f"(schema {SCHEMA_VERSION})")
    finally:
        store.close()


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root:s3cr%40t-pw@127.0.0.1:1/rb",
        "postgresql://root:s3cr%40t-pw@127.0.0.1:1/rb",
    ],
)
@pytest.mark.parametrize("pool", ["server", "lambda"])
def test_unreachable_server_is_unavailable_fast_and_keeps_the_password(url: str, pool: str) -> None:
    store = SqlStore(url, pool=pool)  # type: ignore[arg-type]
    started = time.monotonic()
    try:
        with pytest.raises(StorageUnavailable) as raised:
            store.search_recipes("soup")
    finally:
        store.close()
    message = str(raised.value)
    assert time.monotonic() - started < 10
    assert "127.0.0.1:1/rb unavailable" in message
    assert "\n" not in message
    assert "s3cr" not in message


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel does) but never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.parametrize(
    ("scheme", "timeouts"),
    [("mysql", "connect_timeout=1&read_timeout=1"), ("postgresql", "connect_timeout=1")],
)
def test_a_silent_server_times_out_as_unavailable(
    silent_port: int, scheme: str, timeouts: str
) -> None:
    store = SqlStore(f"{scheme}://root:pw@127.0.0.1:{silent_port}/rb?{timeouts}")
    started = time.monotonic()
    try:
        with pytest.raises(StorageUnavailable):
            store.count_recipes()
    finally:
        store.close()
    assert time.monotonic() - started < 5  # libpq waits at least 2 s


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "mysql://u@db/rb",
            {"connect_timeout": 5, "read_timeout": 60, "write_timeout": 60},
        ),
        (
            "mysql://u@db/rb?read_timeout=600",
            {"connect_timeout": 5, "read_timeout": 600, "write_timeout": 60},
        ),
        ("postgresql://u@db/rb", {"connect_timeout": 5}),
    ],
)
def test_every_server_connection_has_timeouts(url: str, expected: dict[str, int]) -> None:
    store = SqlStore(url)
    seen: dict[str, Any] = {}

    def intercept(dialect: Any, record: Any, args: Any, params: dict[str, Any]) -> None:
        seen.update(params)
        raise ConnectionAbortedError("intercepted before connecting")

    event.listen(store.db.engine(), "do_connect", intercept)
    try:
        with pytest.raises(ConnectionAbortedError):
            store.count_recipes()
    finally:
        store.close()
    assert {name: seen.get(name) for name in expected} == expected


def test_concurrent_checks_on_one_list_are_all_kept(sql_url: str) -> None:
    # Two app servers (two stores, two pools) check different items and lines of one list
    # at the same moment: every check must survive.
    first, second = SqlStore(sql_url), SqlStore(sql_url)
    try:
        first.upgrade()
        user = first.add_user(User(name="ann"))
        items = [first.add_list_item(ListItem(user.id, f"item {n}")) for n in range(40)]
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def check(store: SqlStore, half: int) -> None:
            try:
                start.wait()
                for n in range(half, 40, 2):
                    store.set_item_checked(user.id, items[n].id, True)
                    store.set_line_checked(user.id, f"line {n}", True)
            except BaseException as exc:  # a thread's exception would otherwise vanish
                errors.append(exc)

        threads = [
            threading.Thread(target=check, args=(s, h)) for s, h in ((first, 0), (second, 1))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        data = second.shopping_data(user.id)
        assert [item.checked for item in data.items] == [True] * 40
        assert data.checked == frozenset(f"line {n}" for n in range(40))
    finally:
        first.close()
        second.close()
