"""What only the SQL backend promises: URLs, migrations, schema check, FTS index, query counts,
rank windows, kept totals."""

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

from recipebox.domain import records as rec
from recipebox.domain.errors import Conflict, Invalid, StorageUnavailable
from recipebox.domain.lists import ListItem
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.users import User
from recipebox.store import open_store
from recipebox.store.protocol import ENTITY_KINDS
from recipebox.store.sql import SqlStore, search, writes
from recipebox.store.sql.bulk import KINDS
from recipebox.store.sql.database import MIGRATIONS, database_url
from recipebox.store.sql.rows import recipe_values, search_values, tag_values
from recipebox.store.sql.schema import SCHEMA_VERSION, RecipeRow, RecipeSearchRow, RecipeTagRow
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


def test_a_common_word_is_ranked_in_a_window_and_counted_up_to_it(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window is 6 (RANK_WINDOW 4 rounded up to whole pages of 3); seven recipes match.
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    titles = ["Lemon tart", "Cake 1", "Cake 2", "Cake 3", "Lemon curd", "Cake 5", "Cake 6"]
    everything = [
        Recipe(title=title, description="lemon zest", id=f"01J{n:023d}", created_at=at(n))
        for n, title in enumerate(titles)
    ]
    sql_store.add_recipes(everything)
    pages = [sql_store.search_recipes("lemon", per_page=3, page=n) for n in (1, 2, 3, 4)]
    found = [item.title for page in pages for item in page.items]
    totals = {(page.total, page.total_is_estimate, page.pages) for page in pages}
    backend = sql_store.db.url.get_backend_name()
    if backend in ("mysql", "mariadb"):
        # InnoDB ranks the first window + 1 matches it yields and lists the best six only.
        assert (totals, len(set(found)), len(found)) == ({(4, True, 2)}, 6, 6)
        assert set(found[:2]) == {"Lemon tart", "Lemon curd"}
        return
    # SQLite and PostgreSQL rank the newest six (ids and inserts in time order) and list
    # the oldest, "Lemon tart", after them: every match once. SQLite counts exactly.
    assert totals == ({(7, False, 3)} if backend == "sqlite" else {(4, True, 2)})
    assert sorted(found) == sorted(titles)
    assert (found[0], found[-1]) == ("Lemon curd", "Lemon tart")


def test_pages_past_the_matches_are_empty_and_keep_the_total(
    sql_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    titles = ["Lemon tart", "Lemon curd", *(f"Lemon cake {n}" for n in range(5))]
    sql_store.add_recipes([Recipe(title=title, created_at=at(n)) for n, title in enumerate(titles)])
    many = sql_store.search_recipes("lemon", per_page=3, page=5)
    few = sql_store.search_recipes("curd", per_page=3, page=2)
    estimated = sql_store.db.url.get_backend_name() != "sqlite"
    assert (many.items, many.total, many.total_is_estimate) == (
        (),
        4 if estimated else 7,
        estimated,
    )
    assert (few.items, few.total, few.total_is_estimate) == ((), 1, False)


def test_totals_of_the_home_page_and_of_tags_follow_every_write(sql_store: SqlStore) -> None:
    soup = Recipe(title="Soup", tags=["winter", "soup"], created_at=at(1))
    stew = Recipe(title="Stew", tags=["winter"], created_at=at(2))
    sql_store.add_recipes([soup, stew, Recipe(title="Salad", tags=["summer"], created_at=at(3))])
    sql_store.update_recipe(Recipe(title="Soup", id=soup.id, tags=["summer", "soup"]))
    sql_store.delete_recipe(stew.id)
    bread = Recipe(title="Bread", tags=["baking", "winter"], created_at=at(4))
    changed = rec.recipe_to_record(Recipe(title="Soup", id=soup.id, tags=["soup"]))
    sql_store.load({"recipes": [changed, rec.recipe_to_record(bread)]})
    with sql_store.db.engine().connect() as conn:
        recount = conn.exec_driver_sql(
            "SELECT tag, COUNT(*) FROM recipe_tags GROUP BY tag ORDER BY COUNT(*) DESC, tag"
        ).all()
        recipes = conn.exec_driver_sql("SELECT COUNT(*) FROM recipes").scalar()
    assert sql_store.tags() == [tuple(row) for row in recount]
    assert sql_store.tags() == [("baking", 1), ("soup", 1), ("summer", 1), ("winter", 1)]
    assert (sql_store.count_recipes(), recipes) == (3, 3)
    assert [sql_store.search_recipes(tag=t).total for t in ("winter", "soup", "stew")] == [1, 1, 0]
    assert sql_store.search_recipes().total == 3


def test_a_rolled_back_write_leaves_the_totals_alone(sql_store: SqlStore) -> None:
    soup = sql_store.add_recipe(Recipe(title="Soup", tags=["winter"]))
    with pytest.raises(Conflict):
        sql_store.add_recipes([Recipe(title="Stew", tags=["winter"]), soup])
    assert (sql_store.tags(), sql_store.count_recipes()) == ([("winter", 1)], 1)


@pytest.mark.postgres
def test_postgres_analyzes_the_search_tables_after_a_bulk_add(
    postgres: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without statistics PostgreSQL reads every match of a common word; see writes.py.
    monkeypatch.setattr(writes, "ANALYZE_MIN_ROWS", 20)
    postgres.add_recipes([Recipe(title=f"Soup {n}") for n in range(19)])
    analyzed = "SELECT reltuples FROM pg_class WHERE relname = 'recipe_search'"
    with postgres.db.engine().connect() as conn:
        before = conn.exec_driver_sql(analyzed).scalar()
    postgres.add_recipes([Recipe(title=f"Stew {n}") for n in range(20)])
    with postgres.db.engine().connect() as conn:
        after = conn.exec_driver_sql(analyzed).scalar()
    assert (before, after) == (-1, 39)


def test_upgrading_from_0001_counts_the_recipes_already_there(sql_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    store = SqlStore(sql_url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.db.engine().begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        with store.db.engine().begin() as conn:
            # Rows as revision 0001 wrote them, without the tables 0002 adds.
            for recipe in (
                Recipe("Soup", tags=["winter", "soup"]),
                Recipe("Stew", tags=["winter"]),
            ):
                conn.execute(sa.insert(RecipeRow.__table__), [recipe_values(recipe)])
                conn.execute(sa.insert(RecipeSearchRow.__table__), [search_values(recipe)])
                conn.execute(sa.insert(RecipeTagRow.__table__), tag_values(recipe))
        store.upgrade()
        assert store.check().endswith(f"(schema {SCHEMA_VERSION})")
        assert (store.tags(), store.count_recipes()) == ([("winter", 2), ("soup", 1)], 2)
        assert store.search_recipes("stew").total == 1
        store.add_recipe(Recipe(title="Bread", tags=["soup"]))
        assert (store.tags(), store.count_recipes()) == ([("soup", 2), ("winter", 2)], 3)
    finally:
        store.close()


def test_an_in_memory_sqlite_store_keeps_its_data_between_calls() -> None:
    store = SqlStore("sqlite://")
    try:
        store.upgrade()
        soup = store.add_recipe(Recipe(title="Soup"))
        assert (store.get_recipe(soup.id), store.search_recipes("soup").total) == (soup, 1)
        assert store.check() == f"sqlite :memory: (schema {SCHEMA_VERSION})"
    finally:
        store.close()
