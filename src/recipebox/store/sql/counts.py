"""How many recipes there are and how many use each tag: `counters` and `tag_counts`.

Every recipe write collects its changes in a `Counts` and applies them once, at the end of
its transaction: totals then move with the recipes or not at all. One statement per table,
tags in sorted order, so concurrent writers lock the same rows in the same order (no
deadlocks) and each addition is atomic (`uses = uses + n`, never read-modify-write).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from recipebox.store.sql.schema import CounterRow, TagCountRow

RECIPES = "recipes"  # the `counters` row counting recipes


def _on_conflict_add(
    insert: Callable[[sa.Table], sqlite.Insert | postgresql.Insert],
) -> Callable[[sa.Table, str, str], sa.Executable]:
    def build(table: sa.Table, key: str, column: str) -> sa.Executable:
        stmt = insert(table)
        added = table.c[column] + stmt.excluded[column]
        return stmt.on_conflict_do_update(index_elements=[key], set_={column: added})

    return build


def _on_duplicate_add(table: sa.Table, key: str, column: str) -> sa.Executable:
    stmt = mysql.insert(table)
    return stmt.on_duplicate_key_update({column: table.c[column] + stmt.inserted[column]})


# INSERT (key, n), or add n to the existing row's column: each engine spells it differently.
ADDS: dict[str, Callable[[sa.Table, str, str], sa.Executable]] = {
    "sqlite": _on_conflict_add(sqlite.insert),
    "postgresql": _on_conflict_add(postgresql.insert),
    "mysql": _on_duplicate_add,
    "mariadb": _on_duplicate_add,
}


@dataclass(slots=True)
class Counts:
    """Changes to the totals, collected during a write transaction and applied at its end."""

    recipes: int = 0
    tags: Counter[str] = field(default_factory=Counter)

    def added(self, tags: Iterable[str], recipes: int = 0) -> None:
        self.recipes += recipes
        self.tags.update(tags)

    def removed(self, tags: Iterable[str], recipes: int = 0) -> None:
        self.recipes -= recipes
        self.tags.subtract(tags)

    def apply(self, conn: sa.Connection) -> None:
        """Write the changes on `conn`; tags no recipe uses any more are deleted."""
        add = ADDS[conn.dialect.name]
        changes = sorted((tag, n) for tag, n in self.tags.items() if n)
        if changes:
            rows = [{"tag": tag, "uses": n} for tag, n in changes]
            conn.execute(add(TagCountRow.__table__, "tag", "uses"), rows)
            fewer = [tag for tag, n in changes if n < 0]
            if fewer:
                unused = TagCountRow.tag.in_(fewer), TagCountRow.uses <= 0
                conn.execute(sa.delete(TagCountRow.__table__).where(*unused))
        if self.recipes:
            rows = [{"name": RECIPES, "total": self.recipes}]
            conn.execute(add(CounterRow.__table__, "name", "total"), rows)
        self.recipes = 0
        self.tags.clear()


def recipe_total(conn: sa.Connection) -> int:
    """How many recipes there are."""
    return conn.scalar(sa.select(CounterRow.total).where(CounterRow.name == RECIPES)) or 0


def tag_total(conn: sa.Connection, tag: str) -> int:
    """How many recipes carry `tag`."""
    return conn.scalar(sa.select(TagCountRow.uses).where(TagCountRow.tag == tag)) or 0


def popular_tags(conn: sa.Connection, limit: int) -> list[tuple[str, int]]:
    """The `limit` most used tags with their counts, most used first, ties by name."""
    query = (
        sa.select(TagCountRow.tag, TagCountRow.uses)
        .order_by(TagCountRow.uses.desc(), TagCountRow.tag)
        .limit(limit)
    )
    return [(row.tag, row.uses) for row in conn.execute(query)]
