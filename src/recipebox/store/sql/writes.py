"""Writes shared by several methods: upserts (every engine spells them differently), recipes
with their search rows, tags and counts, and PostgreSQL statistics after bulk writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from recipebox.domain.recipes import Recipe
from recipebox.store.sql.counts import Counts
from recipebox.store.sql.rows import recipe_values, search_values, tag_values
from recipebox.store.sql.schema import RecipeRow, RecipeSearchRow, RecipeTagRow

# Rows per executemany, ids per IN list, records per dump read: big enough to amortise a
# round trip, small enough for any driver's packet and parameter limits.
BATCH_SIZE = 1000


def _on_conflict(
    insert: Callable[[sa.Table], sqlite.Insert | postgresql.Insert],
) -> Callable[[sa.Table, Sequence[str], Sequence[str]], sa.Executable]:
    def build(table: sa.Table, keys: Sequence[str], update: Sequence[str]) -> sa.Executable:
        stmt = insert(table)
        if not update:
            return stmt.on_conflict_do_nothing(index_elements=list(keys))
        return stmt.on_conflict_do_update(
            index_elements=list(keys), set_={name: stmt.excluded[name] for name in update}
        )

    return build


def _on_duplicate_key(table: sa.Table, keys: Sequence[str], update: Sequence[str]) -> sa.Executable:
    stmt = mysql.insert(table)
    # With nothing to update, "update" a key to itself: unlike INSERT IGNORE this still
    # raises on foreign-key and data errors instead of turning them into warnings.
    names = update or keys[:1]
    return stmt.on_duplicate_key_update({name: stmt.inserted[name] for name in names})


UPSERTS: dict[str, Callable[[sa.Table, Sequence[str], Sequence[str]], sa.Executable]] = {
    "sqlite": _on_conflict(sqlite.insert),
    "postgresql": _on_conflict(postgresql.insert),
    "mysql": _on_duplicate_key,
    "mariadb": _on_duplicate_key,
}


def upsert(
    dialect: str, table: sa.Table, keys: Sequence[str], update: Sequence[str] = ()
) -> sa.Executable:
    """INSERT that, when a row with the same `keys` exists, sets its `update` columns instead.

    With no `update` columns an existing row is left as it is (insert if absent).
    """
    return UPSERTS[dialect](table, keys, update)


def insert_recipes(conn: sa.Connection, recipes: Sequence[Recipe], counts: Counts) -> None:
    """Insert new recipes with their search rows and tags (Conflict if an id exists)."""
    if not recipes:
        return
    tags = [row for recipe in recipes for row in tag_values(recipe)]
    conn.execute(sa.insert(RecipeRow.__table__), [recipe_values(recipe) for recipe in recipes])
    conn.execute(
        sa.insert(RecipeSearchRow.__table__), [search_values(recipe) for recipe in recipes]
    )
    if tags:
        conn.execute(sa.insert(RecipeTagRow.__table__), tags)
    counts.added((row["tag"] for row in tags), recipes=len(recipes))


def replace_recipes(conn: sa.Connection, recipes: Sequence[Recipe], counts: Counts) -> None:
    """Overwrite stored recipes, their search rows and tags; the caller has locked them."""
    if not recipes:
        return
    ids = [recipe.id for recipe in recipes]
    counts.removed(conn.scalars(_tags_of(ids)))
    dialect = conn.dialect.name
    for table, key, values in (
        (RecipeRow.__table__, "id", [recipe_values(recipe) for recipe in recipes]),
        (RecipeSearchRow.__table__, "recipe_id", [search_values(recipe) for recipe in recipes]),
    ):
        update = [name for name in values[0] if name != key]
        conn.execute(upsert(dialect, table, (key,), update), values)
    conn.execute(sa.delete(RecipeTagRow.__table__).where(RecipeTagRow.recipe_id.in_(ids)))
    tags = [row for recipe in recipes for row in tag_values(recipe)]
    if tags:
        conn.execute(sa.insert(RecipeTagRow.__table__), tags)
    counts.added(row["tag"] for row in tags)


def save_recipes(conn: sa.Connection, recipes: Sequence[Recipe], counts: Counts) -> None:
    """Insert recipes, replacing those whose id exists."""
    stored = set(conn.scalars(lock_recipes([recipe.id for recipe in recipes])))
    replace_recipes(conn, [recipe for recipe in recipes if recipe.id in stored], counts)
    insert_recipes(conn, [recipe for recipe in recipes if recipe.id not in stored], counts)


def delete_recipe(conn: sa.Connection, recipe_id: str, counts: Counts) -> bool:
    """Delete a recipe with its search row, tags and selections; False if there is none."""
    if conn.scalar(lock_recipes([recipe_id])) is None:
        return False
    counts.removed(conn.scalars(_tags_of([recipe_id])), recipes=1)
    # The search row, tags and selections go with it: ON DELETE CASCADE.
    conn.execute(sa.delete(RecipeRow.__table__).where(RecipeRow.id == recipe_id))
    return True


def lock_recipes(ids: Sequence[str]) -> sa.Select[str]:
    """The ids among `ids` that exist, locked until the commit (SQLite: by BEGIN IMMEDIATE)."""
    # A concurrent writer now waits for this transaction before it changes or deletes these
    # recipes (and their tags), so the tag counts it derives from them are still true.
    return sa.select(RecipeRow.id).where(RecipeRow.id.in_(ids)).with_for_update()


def _tags_of(ids: Sequence[str]) -> sa.Select[str]:
    # A locking read: under MySQL's REPEATABLE READ a plain read could return the tags of an
    # older snapshot than the rows just locked.
    return sa.select(RecipeTagRow.tag).where(RecipeTagRow.recipe_id.in_(ids)).with_for_update()


# PostgreSQL plans a full-text query from table statistics (how common each word is). With
# none, or stale ones after a bulk load, it reads and sorts every match of a common word (80
# ms at 100,000 recipes) instead of walking the newest rows until the rank window is full (5
# ms). Autovacuum refreshes them only when it is on, and in its own time: a write that grows
# the recipes by a tenth refreshes them before it commits.
ANALYZE_MIN_ROWS = 1000
ANALYZE_GROWTH = 0.1


def refresh_statistics(conn: sa.Connection, written: int) -> None:
    """On PostgreSQL, ANALYZE the search tables when `written` recipes are a tenth of them."""
    if conn.dialect.name != "postgresql" or written < ANALYZE_MIN_ROWS:
        return
    known = sa.text("SELECT reltuples FROM pg_class WHERE oid = 'recipe_search'::regclass")
    if written >= ANALYZE_GROWTH * max(conn.scalar(known) or 0, 0):
        conn.exec_driver_sql("ANALYZE recipe_search, recipe_tags")
