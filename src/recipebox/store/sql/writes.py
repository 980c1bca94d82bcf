"""Writes shared by several methods: upserts (every engine spells them differently) and recipes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from recipebox.domain.recipes import Recipe
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


def write_recipes(conn: sa.Connection, recipes: Sequence[Recipe], *, replace: bool) -> None:
    """Insert recipes with their search rows and tags; with `replace`, overwrite existing ids."""
    if not recipes:
        return
    rows = [recipe_values(recipe) for recipe in recipes]
    words = [search_values(recipe) for recipe in recipes]
    tags = [row for recipe in recipes for row in tag_values(recipe)]
    if replace:
        dialect = conn.dialect.name
        for table, key, values in (
            (RecipeRow.__table__, "id", rows),
            (RecipeSearchRow.__table__, "recipe_id", words),
        ):
            update = [name for name in values[0] if name != key]
            conn.execute(upsert(dialect, table, (key,), update), values)
        ids = [recipe.id for recipe in recipes]
        conn.execute(sa.delete(RecipeTagRow).where(RecipeTagRow.recipe_id.in_(ids)))
    else:
        conn.execute(sa.insert(RecipeRow), rows)
        conn.execute(sa.insert(RecipeSearchRow), words)
    if tags:
        conn.execute(sa.insert(RecipeTagRow), tags)
