"""A user's list: everything lives in the user's partition under sort keys starting with "L#".

`L#SEL#recipe` (selection), `L#ITEM#id` (manual item), `L#CHECKED#line-key` (a checked merged
line: checking is a put, unchecking a delete, so concurrent checks never overwrite each other)
and `L#STAPLES`. One Query with begins_with(sk, "L#") reads the whole list; one BatchGetItem
(per 100 selected recipes) reads the recipes: `shopping_data` is two requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from recipebox.domain import records
from recipebox.domain.errors import Conflict, Invalid, NotFound
from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.store.dynamodb import codec, recipes
from recipebox.store.dynamodb.keys import (
    CHECKED_PREFIX,
    ITEM_PREFIX,
    LIST_PREFIX,
    SELECTION_PREFIX,
    SK,
    checked_key,
    item_key,
    recipe_key,
    selected_by_key,
    selection_key,
    staples_key,
    user_key,
    user_pk,
)
from recipebox.store.dynamodb.table import ConditionFailed, Table, TransactionCanceled

SELECTIONS, LIST_ITEMS, CHECKED, STAPLES = "selections", "list_items", "checked", "staples"
_PRESENT = "attribute_exists(#pk)"


def selection_item(user_id: str, selection: Selection) -> codec.Item:
    record = records.selection_to_record(user_id, selection)
    return codec.entity_item(selection_key(user_id, selection.recipe_id), SELECTIONS, record)


def list_item(item: ListItem) -> codec.Item:
    return codec.entity_item(
        item_key(item.user_id, item.id), LIST_ITEMS, records.item_to_record(item)
    )


def checked_record(user_id: str, line_key: str) -> dict[str, Any]:
    return {"user_id": user_id, "line_key": line_key}


def checked_item(record: dict[str, Any]) -> codec.Item:
    return codec.entity_item(checked_key(record["user_id"], record["line_key"]), CHECKED, record)


def staples_record(user_id: str, staples: Iterable[str]) -> dict[str, Any]:
    return {"user_id": user_id, "staples": list(staples)}


def staples_item(record: dict[str, Any]) -> codec.Item:
    return codec.entity_item(staples_key(record["user_id"]), STAPLES, record)


# --- selections --------------------------------------------------------------------------------
def select(table: Table, user_id: str, recipe_id: str, servings: int) -> Selection:
    """Upsert the selection; its added_at stays that of the first selection."""
    if servings <= 0:
        raise Invalid("servings must be a whole number of at least 1")
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    update = (
        "SET #servings = :s, #added_at = if_not_exists(#added_at, :now), "
        "#user_id = :u, #recipe_id = :r, #kind = :k"
    )
    ops = [
        table.check_op(user_key(user_id), _PRESENT),
        table.check_op(recipe_key(recipe_id), _PRESENT),
        table.update_op(
            selection_key(user_id, recipe_id),
            update,
            s=servings,
            now=now,
            u=user_id,
            r=recipe_id,
            k=SELECTIONS,
        ),
        table.put_op(selected_by_key(recipe_id, user_id)),
    ]
    try:
        table.transact(ops)
    except TransactionCanceled as exc:
        if exc.failed(0):
            raise NotFound(f"no user with id {user_id!r}") from None
        if exc.failed(1):
            raise NotFound(f"no recipe with id {recipe_id!r}") from None
        raise
    stored = table.get(selection_key(user_id, recipe_id))
    if stored is None:  # unselected in the meantime
        raise Conflict("the selection changed meanwhile; try again")
    return records.selection_from_record(codec.entity_record(stored))[1]


def unselect(table: Table, user_id: str, recipe_id: str) -> None:
    table.transact(
        [
            table.delete_op(selection_key(user_id, recipe_id)),
            table.delete_op(selected_by_key(recipe_id, user_id)),
        ]
    )


def selections(table: Table, user_id: str) -> list[Selection]:
    items = table.query(user_pk(user_id), prefix=SELECTION_PREFIX)
    return _selections(items)


def _selections(items: Iterable[codec.Item]) -> list[Selection]:
    found = [records.selection_from_record(codec.entity_record(i))[1] for i in items]
    return sorted(found, key=lambda s: (s.added_at, s.recipe_id))


# --- manual items, checked lines, staples ------------------------------------------------------
def add_item(table: Table, item: ListItem) -> ListItem:
    ops = [
        table.check_op(user_key(item.user_id), _PRESENT),
        table.put_op(list_item(item), "attribute_not_exists(#pk)"),
    ]
    try:
        table.transact(ops)
    except TransactionCanceled as exc:
        if exc.failed(0):
            raise NotFound(f"no user with id {item.user_id!r}") from None
        if exc.failed(1):
            raise Conflict(f"a list item with id {item.id} already exists") from None
        raise
    return item


def set_item_checked(table: Table, user_id: str, item_id: str, checked: bool) -> None:
    try:
        table.update(item_key(user_id, item_id), "SET #checked = :c", _PRESENT, c=checked)
    except ConditionFailed:
        raise NotFound(f"no list item with id {item_id!r}") from None


def delete_item(table: Table, user_id: str, item_id: str) -> None:
    try:
        table.delete(item_key(user_id, item_id), _PRESENT)
    except ConditionFailed:
        raise NotFound(f"no list item with id {item_id!r}") from None


def set_line_checked(table: Table, user_id: str, line_key: str, checked: bool) -> None:
    if checked:
        table.put(checked_item(checked_record(user_id, line_key)))
    else:
        table.delete(checked_key(user_id, line_key))


def clear_checked(table: Table, user_id: str) -> None:
    rows = table.query(user_pk(user_id), prefix=LIST_PREFIX)
    for row in rows:
        if row[SK].startswith(ITEM_PREFIX) and row.get("checked"):
            # Only if still checked: an item unchecked meanwhile stays.
            with suppress(ConditionFailed):
                table.delete({"pk": row["pk"], "sk": row[SK]}, "#checked = :t", t=True)
    lines = [{"pk": r["pk"], "sk": r[SK]} for r in rows if r[SK].startswith(CHECKED_PREFIX)]
    table.batch_write(deletes=lines)


def set_staples(table: Table, user_id: str, staples: Iterable[str]) -> None:
    table.put(staples_item(staples_record(user_id, staples)))


def shopping_data(table: Table, user_id: str) -> ShoppingData:
    """One Query for the list, one BatchGetItem for the selected recipes."""
    rows = table.query(user_pk(user_id), prefix=LIST_PREFIX)
    chosen = _selections(r for r in rows if r[SK].startswith(SELECTION_PREFIX))
    items = [
        records.item_from_record(codec.entity_record(r))
        for r in rows
        if r[SK].startswith(ITEM_PREFIX)
    ]
    staples = next((r["staples"] for r in rows if r[SK] == staples_key(user_id)[SK]), None)
    found = recipes.get_many(table, (s.recipe_id for s in chosen)) if chosen else {}
    return ShoppingData(
        selections=tuple(s for s in chosen if s.recipe_id in found),
        recipes=found,
        items=tuple(sorted(items, key=lambda i: (i.created_at, i.id))),
        checked=frozenset(r["line_key"] for r in rows if r[SK].startswith(CHECKED_PREFIX)),
        staples=None if staples is None else tuple(staples),
    )
