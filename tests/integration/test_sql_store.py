"""What only the SQL backend promises: URLs, migrations, schema check, FTS index, query counts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from recipebox.domain.errors import Invalid, StorageUnavailable
from recipebox.domain.lists import ListItem
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.users import User
from recipebox.store import open_store
from recipebox.store.protocol import ENTITY_KINDS
from recipebox.store.sql import SqlStore, search
from recipebox.store.sql.bulk import KINDS
from recipebox.store.sql.database import MIGRATIONS, database_url
from recipebox.store.sql.schema import SCHEMA_VERSION
from recipebox.store.sql.search import words


def at(minutes: int) -> datetime:
    return datetime(2024, 5, 1, tzinfo=UTC) + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u:pw@db:3306/rb", "mysql+pymysql://u:***@db:3306/rb?charset=utf8mb4"),
        ("mariadb://u@db/rb?charset=utf8", "mariadb+pymysql://u@db/rb?charset=utf8"),
        ("mysql+pymysql://u@db/rb", "mysql+pymysql://u@db/rb?charset=utf8mb4"),
        ("postgresql://u@db/rb", "postgresql+psycopg://u@db/rb"),
        ("postgres://u@db/rb", "postgresql+psycopg://u@db/rb"),
        ("postgres+psycopg://u@db/rb", "postgresql+psycopg://u@db/rb"),
        ("sqlite:////srv/rb.db", "sqlite:////srv/rb.db"),
    ],
)
def test_urls_get_the_default_driver(url: str, expected: str) -> None:
    assert database_url(url).render_as_string(hide_password=True) == expected


@pytest.mark.parametrize("url", ["oracle://u@db/rb", "mysql:/nope", "://"])
def test_other_urls_are_invalid(url: str) -> None:
    with pytest.raises(Invalid):
        SqlStore(url)


def test_open_store_builds_an_unconnected_sql_store() -> None:
    store = open_store("mysql://u:secret@127.0.0.1:1/rb", pool="lambda")
    assert repr(store) == "SqlStore('mysql 127.0.0.1:1/rb', pool='lambda')"


def test_importing_the_store_package_leaves_sqlalchemy_unloaded() -> None:
    code = "import sys, recipebox.store; print('sqlalchemy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.stdout, result.returncode) == ("False\n", 0)


def test_schema_version_is_the_alembic_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [SCHEMA_VERSION]


def test_every_entity_kind_has_a_table() -> None:
    assert tuple(KINDS) == ENTITY_KINDS


def test_query_words_drop_operators_and_stopwords() -> None:
    assert words('"Crème brûlée" AND the (best) -NEAR ok_go 🍕 crème') == [
        "crème",
        "brûlée",
        "best",
        "ok",
        "go",
    ]


def test_check_describes_a_migrated_database(sqlite: SqlStore) -> None:
    sqlite.upgrade()  # idempotent
    assert sqlite.check() == f"sqlite {sqlite.db.url.database} (schema {SCHEMA_VERSION})"


def test_check_rejects_a_database_without_the_schema(sql_url: str) -> None:
    store = SqlStore(sql_url)
    try:
        with pytest.raises(StorageUnavailable, match="has schema none"):
            store.check()
    finally:
        store.close()


def test_sqlite_full_text_index_follows_every_write(sqlite: SqlStore) -> None:
    soup = Recipe(title="Tomato soup", ingredients=[IngredientLine("basil", food="basil")])
    sqlite.add_recipes([soup, Recipe(title="Bread")])
    sqlite.update_recipe(Recipe(title="Leek soup", id=soup.id))
    sqlite.load({"recipes": list(sqlite.dump("recipes"))})
    sqlite.delete_recipe(sqlite.find_recipe_by_title("Bread").id)
    with sqlite.db.engine().begin() as conn:
        # Raises SQLITE_CORRUPT_VTAB when the index and the recipes table disagree.
        conn.exec_driver_sql(
            "INSERT INTO recipe_fts(recipe_fts, rank) VALUES ('integrity-check', 1)"
        )
    assert [p.total for p in map(sqlite.search_recipes, ["tomato", "basil", "leek", "bread"])] == [
        0,
        0,
        1,
        0,
    ]


def test_tags_and_keys_keep_their_case_and_emoji(sql_store: SqlStore) -> None:
    cake = Recipe(title="Cake 🎂", tags=["Vegan", "vegan", "🎂"])
    sql_store.add_recipe(cake)
    assert sql_store.tags() == [("Vegan", 1), ("vegan", 1), ("🎂", 1)]
    assert [r.id for r in sql_store.search_recipes(tag="vegan").items] == [cake.id]
    user = sql_store.add_user(User(name="ann"))
    sql_store.set_line_checked(user.id, "Flour|g", True)
    sql_store.set_line_checked(user.id, "flour|g", True)
    assert sql_store.shopping_data(user.id).checked == frozenset({"Flour|g", "flour|g"})


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param("mariadb", marks=pytest.mark.mariadb),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ],
)
def test_servers_reject_too_long_values_as_invalid(
    request: pytest.FixtureRequest, backend: str
) -> None:
    store: SqlStore = request.getfixturevalue(backend)  # SQLite ignores VARCHAR lengths
    user = store.add_user(User(name="ann"))
    with pytest.raises(Invalid):
        store.add_list_item(ListItem(user.id, "x" * 501))


@contextmanager
def counted_statements(store: SqlStore) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(store.db.engine(), "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(store.db.engine(), "before_cursor_execute", count)


def test_shopping_data_reads_fifteen_recipes_in_four_queries(sql_store: SqlStore) -> None:
    user = sql_store.add_user(User(name="ann"))
    recipes = [
        Recipe(title=f"R{n}", ingredients=[IngredientLine("egg", food="egg")]) for n in range(15)
    ]
    sql_store.add_recipes(recipes)
    for r in recipes:
        sql_store.select_recipe(user.id, r.id, 2)
    sql_store.add_list_item(ListItem(user.id, "tea"))
    with counted_statements(sql_store) as statements:
        data = sql_store.shopping_data(user.id)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert (len(selects), len(data.recipes), len(data.items)) == (4, 15, 1)


def test_migrations_downgrade_to_an_empty_database(sql_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    store = SqlStore(sql_url)
    try:
        store.upgrade()
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.db.engine().begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        with store.db.engine().connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["alembic_version"]
    finally:
        store.close()


def test_sqlite_store_in_a_missing_directory_is_unavailable(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'missing' / 'rb.db'}")
    try:
        with pytest.raises(StorageUnavailable, match="unable to open database file"):
            store.count_recipes()
    finally:
        store.close()


def test_pages_past_the_rank_window_list_every_match_once(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite and PostgreSQL rank only the newest matches (ids and inserts in time order): the
    # oldest title match falls outside the window and comes last, yet every match is listed.
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    titles = ["Lemon tart", "Cake 1", "Cake 2", "Cake 3", "Lemon curd", "Cake 5", "Cake 6"]
    everything = [
        Recipe(title=title, description="lemon zest", id=f"01J{n:023d}", created_at=at(n))
        for n, title in enumerate(titles)
    ]
    sql_store.add_recipes(everything)
    pages = [sql_store.search_recipes("lemon", per_page=3, page=n) for n in (1, 2, 3, 4)]
    found = [item.title for page in pages for item in page.items]
    assert sorted(found) == sorted(titles)
    assert [page.total for page in pages] == [7, 7, 7, 7]
    if sql_store.db.url.get_backend_name() in ("mysql", "mariadb"):  # InnoDB ranks them all
        assert set(found[:2]) == {"Lemon tart", "Lemon curd"}
    else:  # the window is 6 (whole pages of 3): "Lemon tart" is the one left outside
        assert (found[0], found[-1]) == ("Lemon curd", "Lemon tart")


def test_an_in_memory_sqlite_store_keeps_its_data_between_calls() -> None:
    store = SqlStore("sqlite://")
    try:
        store.upgrade()
        soup = store.add_recipe(Recipe(title="Soup"))
        assert (store.get_recipe(soup.id), store.search_recipes("soup").total) == (soup, 1)
        assert store.check() == "sqlite :memory: (schema 0001)"
    finally:
        store.close()
