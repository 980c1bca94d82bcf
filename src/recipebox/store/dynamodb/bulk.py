"""Export and import: `dump` reads the entity-kind GSI; `load` validates everything, then writes.

DynamoDB transactions hold at most 100 items, so an import cannot be one transaction. What
`load` guarantees instead: every record is converted and checked (fields, types, sizes, and that
every user and recipe it refers to is in the import or already stored) before the first write,
so bad input writes nothing. The writes are idempotent puts and deletes in batches (existing
ids are replaced, their old index items removed) followed by an exact recount of the counters
they touch; if the writes themselves fail part-way (the service unreachable), running the same
import again completes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from recipebox.domain import records
from recipebox.domain.errors import Invalid
from recipebox.domain.recipes import Recipe
from recipebox.store.dynamodb import codec, lists, people
from recipebox.store.dynamodb.keys import (
    COUNT_SK,
    KIND,
    KIND_INDEX,
    PK,
    RECENT,
    SK,
    TAGS,
    count_key,
    identity_key,
    identity_link_key,
    recipe_key,
    selected_by_key,
    token_hash_key,
    token_key,
    unpart,
    user_key,
)
from recipebox.store.dynamodb.recipes import MAX_TAGS
from recipebox.store.dynamodb.search import index_recipe
from recipebox.store.dynamodb.table import Table, chunks
from recipebox.store.protocol import ENTITY_KINDS

Record = dict[str, Any]
CHUNK = 500  # records written per round (each round reads what they replace first)


def dump(table: Table, kind: str) -> Iterator[Record]:
    """Every record of `kind`, read page by page from the `by_kind` index (Invalid at once)."""
    if kind not in ENTITY_KINDS:
        raise Invalid(f"unknown entity kind {kind!r}; use one of: {', '.join(ENTITY_KINDS)}")
    # A recipe's record is its `data`; its summary and index keys need not travel.
    attributes = (KIND, "data") if kind == codec.RECIPE_KIND else ()
    return (
        codec.entity_record(item)
        for page in table.pages(kind, index=(KIND_INDEX, KIND), attributes=attributes)
        for item in page
    )


# --- validation -----------------------------------------------------------------------------------
def _checked(rec: Record) -> Record:
    if not isinstance(rec["user_id"], str) or not isinstance(rec["line_key"], str):
        raise TypeError("user_id and line_key must be strings")
    return lists.checked_record(rec["user_id"], rec["line_key"])


def _staples(rec: Record) -> Record:
    staples = rec["staples"]
    if not isinstance(rec["user_id"], str) or not isinstance(staples, list):
        raise TypeError("user_id must be a string and staples a list")
    if not all(isinstance(s, str) for s in staples):
        raise TypeError("staples must be strings")
    return lists.staples_record(rec["user_id"], staples)


def _recipe(rec: Record) -> Recipe:
    recipe = records.recipe_from_record(rec)
    if len(set(recipe.tags)) > MAX_TAGS:
        raise ValueError(f"more than {MAX_TAGS} tags")
    codec.recipe_item(recipe, 1, index_recipe(recipe).keys)  # raises Invalid when too large
    return recipe


_CONVERT: dict[str, Callable[[Record], Any]] = {
    "users": records.user_from_record,
    "identities": records.identity_from_record,
    "recipes": _recipe,
    "selections": records.selection_from_record,
    "list_items": records.item_from_record,
    "checked": _checked,
    "staples": _staples,
    "tokens": records.token_from_record,
}


def validate(table: Table, data: Mapping[str, list[Record]]) -> None:
    """Raise Invalid for the first bad record, or a reference to a user or recipe nowhere."""
    unknown = set(data) - set(ENTITY_KINDS)
    if unknown:
        raise Invalid(f"unknown record kinds: {', '.join(sorted(unknown))}")
    users: set[str] = set()
    recipes: set[str] = set()
    needs_users: set[str] = set()
    needs_recipes: set[str] = set()
    for kind in ENTITY_KINDS:
        for n, rec in enumerate(data.get(kind, [])):
            try:
                if not isinstance(rec, dict):
                    raise TypeError("not an object")
                value = _CONVERT[kind](rec)
                if kind == "users":
                    users.add(value.id)
                elif kind == "recipes":
                    recipes.add(value.id)  # owner_id may name a user not (yet) here
                else:
                    needs_users.add(rec["user_id"])
                if kind == "selections":
                    needs_recipes.add(rec["recipe_id"])
                    if value[1].servings <= 0:
                        raise ValueError("servings must be at least 1")
            except (KeyError, TypeError, ValueError, AttributeError, Invalid) as exc:
                raise Invalid(f"records.{kind}[{n}]: {type(exc).__name__}: {exc}") from None
    _require(table, needs_users - users, user_key, "users")
    _require(table, needs_recipes - recipes, recipe_key, "recipes")


def _require(table: Table, ids: set[str], key: Callable[[str], dict[str, str]], what: str) -> None:
    if not ids:
        return
    stored = table.batch_get([key(i) for i in ids], attributes=(KIND,))
    missing = ids - {unpart(item[PK].partition("#")[2]) for item in stored}
    if missing:
        listed = ", ".join(sorted(missing)[:5])
        raise Invalid(f"the records refer to {what} that are neither imported nor stored: {listed}")


# --- writing --------------------------------------------------------------------------------------
def load(table: Table, data: Mapping[str, list[Record]]) -> None:
    validate(table, data)
    counters: set[str] = set()
    for kind in ENTITY_KINDS:
        for batch in chunks(data.get(kind, []), CHUNK):
            puts, deletes = _WRITERS[kind](table, batch, counters)
            table.batch_write(puts, deletes)
    recount(table, counters)


Plan = tuple[list[codec.Item], list[dict[str, str]]]


def _users(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    return [people.user_item(records.user_from_record(r)) for r in batch], []


def _identities(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    found = [records.identity_from_record(r) for r in batch]
    old = table.batch_get([identity_key(i.provider, i.subject) for i in found])
    owner = {identity_key(i.provider, i.subject)[PK]: i.user_id for i in found}
    deletes = [  # an identity moving to another user leaves its old owner's list
        identity_link_key(o["user_id"], o["provider"], o["subject"])
        for o in old
        if o["user_id"] != owner[o[PK]]
    ]
    return [item for i in found for item in people.identity_items(i)], deletes


def _recipes(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    found = [records.recipe_from_record(r) for r in batch]
    old = {item[PK]: item for item in table.batch_get([recipe_key(r.id) for r in found])}
    puts: list[codec.Item] = []
    deletes: list[dict[str, str]] = []
    for recipe in found:
        index = index_recipe(recipe)
        before = old.get(recipe_key(recipe.id)[PK])
        version = 1
        if before is not None:
            version = int(before["v"]) + 1
            kept = set(index.keys)
            deletes += [
                {PK: pk, SK: sk} for pk, sk in codec.index_keys_of(before) if (pk, sk) not in kept
            ]
            counters.update(pk for pk, _ in index_recipe(codec.recipe_of(before)).counters)
        counters.update(pk for pk, _ in index.counters)
        puts.append(codec.recipe_item(recipe, version, index.keys))
        puts += index.items
    return puts, deletes


def _selections(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    puts: list[codec.Item] = []
    for rec in batch:
        user_id, selection = records.selection_from_record(rec)
        puts += [
            lists.selection_item(user_id, selection),
            selected_by_key(selection.recipe_id, user_id),
        ]
    return puts, []


def _list_items(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    return [lists.list_item(records.item_from_record(r)) for r in batch], []


def _checked_items(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    return [lists.checked_item(_checked(r)) for r in batch], []


def _staples_items(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    return [lists.staples_item(_staples(r)) for r in batch], []


def _tokens(table: Table, batch: list[Record], counters: set[str]) -> Plan:
    found = [records.token_from_record(r) for r in batch]
    hashes = {(t.user_id, t.id): t.token_hash for t in found}
    old = table.batch_get([token_key(t.user_id, t.id) for t in found])
    deletes = [
        token_hash_key(o["token_hash"])
        for o in old
        if hashes.get((o["user_id"], o["id"])) != o["token_hash"]
    ]
    return [item for t in found for item in people.token_items(t)], deletes


_WRITERS: dict[str, Callable[[Table, list[Record], set[str]], Plan]] = {
    "users": _users,
    "identities": _identities,
    "recipes": _recipes,
    "selections": _selections,
    "list_items": _list_items,
    "checked": _checked_items,
    "staples": _staples_items,
    "tokens": _tokens,
}


def recount(table: Table, partitions: set[str]) -> None:
    """Set the counters of these listing/posting partitions (and of their tags) exactly."""
    for pk in sorted(partitions):
        if pk != RECENT and not pk.startswith(("T#", "O#")):
            continue
        n = table.count(pk, below=COUNT_SK)
        table.update(count_key(pk), "SET #n = :n", n=n)
        if pk.startswith("T#"):
            table.update({PK: TAGS, SK: pk[2:]}, "SET #n = :n", n=n)
