"""Export and import of whole tables as `recipebox.domain.records` dicts.

`dump` reads in primary-key order, one short read per batch of rows (keyset pagination), so a
slow consumer never holds a connection open. `load` writes in ENTITY_KINDS order inside the
caller's single transaction and upserts, so existing ids are replaced and a bad record
anywhere leaves the database as it was.

Records of the kinds `recipebox.domain.records` has no converter for:
`checked` is {"user_id", "line_key"}; `staples` is {"user_id", "staples": [food, ...]}.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any, TypeVar

import sqlalchemy as sa

from recipebox.domain import records as rec
from recipebox.domain.errors import Invalid
from recipebox.store.protocol import ENTITY_KINDS
from recipebox.store.sql import rows
from recipebox.store.sql.counts import Counts
from recipebox.store.sql.rows import AnyRow
from recipebox.store.sql.schema import (
    AccessTokenRow,
    CheckedLineRow,
    IdentityRow,
    ListItemRow,
    RecipeRow,
    SelectionRow,
    StaplesRow,
    UserRow,
)
from recipebox.store.sql.writes import BATCH_SIZE, refresh_statistics, save_recipes, upsert

Record = dict[str, Any]
Values = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Kind:
    """How one entity kind maps to its table: key columns, and conversions both ways."""

    table: sa.Table
    keys: tuple[str, ...]
    columns: tuple[sa.ColumnClause[Any], ...]
    to_record: Callable[[AnyRow], Record]
    to_values: Callable[[Record], Values] | None  # None: written by `save_recipes`

    @property
    def key_columns(self) -> list[sa.Column[Any]]:
        return [self.table.c[name] for name in self.keys]


def _checked_values(record: Record) -> Values:
    return {"user_id": record["user_id"], "line_key": record["line_key"]}


def _staples_values(record: Record) -> Values:
    staples = record["staples"]
    if not isinstance(staples, list):
        raise TypeError("staples must be a list of foods")
    return {"user_id": record["user_id"], "foods": staples}


KINDS: dict[str, Kind] = {
    "users": Kind(
        UserRow.__table__,
        ("id",),
        rows.USER_COLUMNS,
        lambda row: rec.user_to_record(rows.user_from_row(row)),
        lambda record: rows.user_values(rec.user_from_record(record)),
    ),
    "identities": Kind(
        IdentityRow.__table__,
        ("provider", "subject"),
        rows.IDENTITY_COLUMNS,
        lambda row: rec.identity_to_record(rows.identity_from_row(row)),
        lambda record: rows.identity_values(rec.identity_from_record(record)),
    ),
    "recipes": Kind(
        RecipeRow.__table__,
        ("id",),
        rows.RECIPE_COLUMNS,
        lambda row: rec.recipe_to_record(rows.recipe_from_row(row)),
        None,
    ),
    "selections": Kind(
        SelectionRow.__table__,
        ("user_id", "recipe_id"),
        (SelectionRow.user_id, *rows.SELECTION_COLUMNS),
        lambda row: rec.selection_to_record(row.user_id, rows.selection_from_row(row)),
        lambda record: rows.selection_values(*rec.selection_from_record(record)),
    ),
    "list_items": Kind(
        ListItemRow.__table__,
        ("id",),
        rows.ITEM_COLUMNS,
        lambda row: rec.item_to_record(rows.item_from_row(row)),
        lambda record: rows.item_values(rec.item_from_record(record)),
    ),
    "checked": Kind(
        CheckedLineRow.__table__,
        ("user_id", "line_key"),
        (CheckedLineRow.user_id, CheckedLineRow.line_key),
        lambda row: {"user_id": row.user_id, "line_key": row.line_key},
        _checked_values,
    ),
    "staples": Kind(
        StaplesRow.__table__,
        ("user_id",),
        (StaplesRow.user_id, StaplesRow.foods),
        lambda row: {"user_id": row.user_id, "staples": list(row.foods)},
        _staples_values,
    ),
    "tokens": Kind(
        AccessTokenRow.__table__,
        ("id",),
        rows.TOKEN_COLUMNS,
        lambda row: rec.token_to_record(rows.token_from_row(row)),
        lambda record: rows.token_values(rec.token_from_record(record)),
    ),
}


def _kind(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise Invalid(f"unknown entity kind {name!r}; use one of: {', '.join(ENTITY_KINDS)}")
    return kind


def dump(read: Callable[[], AbstractContextManager[sa.Connection]], name: str) -> Iterator[Record]:
    """Yield every record of kind `name`, each batch read on its own short connection."""
    kind = _kind(name)
    return _dump(read, kind)


def _dump(
    read: Callable[[], AbstractContextManager[sa.Connection]], kind: Kind
) -> Iterator[Record]:
    keys = kind.key_columns
    query = sa.select(*kind.columns).order_by(*keys).limit(BATCH_SIZE)
    after: Sequence[Any] | None = None
    while True:
        page = query if after is None else query.where(sa.tuple_(*keys) > sa.tuple_(*after))
        with read() as conn:
            batch = conn.execute(page).all()
        yield from (kind.to_record(row) for row in batch)
        if len(batch) < BATCH_SIZE:
            return
        last = batch[-1]._mapping
        after = [last[column] for column in keys]


def load(conn: sa.Connection, records: dict[str, list[Record]]) -> None:
    """Upsert `records` (kind -> list) on `conn`, parents first; Invalid on a bad record."""
    for name in records:
        _kind(name)
    counts = Counts()
    for name in ENTITY_KINDS:
        kind = KINDS[name]
        iterator = enumerate(records.get(name, ()))
        while batch := list(islice(iterator, BATCH_SIZE)):
            if kind.to_values is None:  # recipes: with their search rows and tags
                recipes = _convert(name, batch, rec.recipe_from_record, lambda r: r.id)
                save_recipes(conn, recipes, counts)
                continue
            values = _convert(name, batch, kind.to_values, partial(_key_of, kind.keys))
            update = [column for column in values[0] if column not in kind.keys]
            conn.execute(upsert(conn.dialect.name, kind.table, kind.keys, update), values)
    counts.apply(conn)
    refresh_statistics(conn, len(records.get("recipes", ())))


def _key_of(keys: tuple[str, ...], values: Values) -> tuple[Any, ...]:
    return tuple(values[key] for key in keys)


def _convert(
    name: str,
    batch: list[tuple[int, Record]],
    convert: Callable[[Record], T],
    identity: Callable[[T], Hashable],
) -> list[T]:
    # Keyed by identity: a record repeated in one batch is written once (the last one wins),
    # as PostgreSQL refuses to upsert the same row twice in one statement.
    converted: dict[Hashable, T] = {}
    for index, record in batch:
        try:
            value = convert(record)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Invalid(f"{name} record {index}: {type(exc).__name__}: {exc}") from exc
        converted[identity(value)] = value
    return list(converted.values())
