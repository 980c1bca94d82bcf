"""Recipes: one transaction keeps a recipe, its index items and its counters in step; search.

A write puts the recipe item (conditional: absent for add, same version `v` for update and
delete), adds to the counters and puts/deletes the index items, all in one TransactWriteItems.
DynamoDB allows 100 actions per transaction: index items past that are written right after the
transaction by BatchWriteItem (only recipes with some 90 distinct word beginnings need it), so
for a moment such a recipe is findable by its first words only; never while it is absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from recipebox.domain.errors import Conflict, Invalid, NotFound
from recipebox.domain.recipes import Page, Recipe, RecipeSummary
from recipebox.store.dynamodb import codec
from recipebox.store.dynamodb.keys import (
    COUNT_SK,
    PK,
    RECENT,
    SELECTED_BY_PREFIX,
    SK,
    TAGS,
    Key,
    count_key,
    owner_pk,
    recipe_id_of,
    recipe_key,
    selection_key,
    tag_pk,
    title_pk,
    unpart,
)
from recipebox.store.dynamodb.search import (
    RecipeIndex,
    counter_deltas,
    index_recipe,
    query_words,
    rank,
    scores,
    word_partition,
)
from recipebox.store.dynamodb.table import (
    MAX_ATTEMPTS,
    TRANSACTION_LIMIT,
    Table,
    TransactionCanceled,
)

MAX_TAGS = 40  # two counters per tag must fit in one transaction next to the recipe


def _key(pair: tuple[str, str]) -> Key:
    return {PK: pair[0], SK: pair[1]}


def _check(recipe: Recipe) -> None:
    if len(set(recipe.tags)) > MAX_TAGS:
        raise Invalid(f"a recipe may have at most {MAX_TAGS} tags")


def _write(
    table: Table,
    main: Any,
    deltas: dict[tuple[str, str], int],
    puts: Sequence[codec.Item] = (),
    deletes: Sequence[tuple[str, str]] = (),
) -> None:
    """One transaction (the main action first), then what did not fit, by batch."""
    ops = [main, *(table.update_op(_key(k), "ADD #n :d", d=n) for k, n in deltas.items())]
    room = TRANSACTION_LIMIT - len(ops)
    now_puts, late_puts = puts[:room], puts[room:]
    room -= len(now_puts)
    now_deletes, late_deletes = deletes[:room], deletes[room:]
    ops += [table.put_op(item) for item in now_puts]
    ops += [table.delete_op(_key(k)) for k in now_deletes]
    table.transact(ops)
    if late_puts or late_deletes:
        table.batch_write(late_puts, [_key(k) for k in late_deletes])


def add(table: Table, recipe: Recipe) -> Recipe:
    _check(recipe)
    index = index_recipe(recipe)
    item = codec.recipe_item(recipe, 1, index.keys)
    main = table.put_op(item, "attribute_not_exists(#pk)")
    try:
        _write(table, main, dict.fromkeys(index.counters, 1), index.items)
    except TransactionCanceled as exc:
        if exc.failed(0):
            raise Conflict(f"a recipe with id {recipe.id} already exists") from None
        raise
    return recipe


def add_many(table: Table, recipes: Iterable[Recipe]) -> int:
    """Batch-write new recipes with their index items, then add to the counters.

    Not atomic (seeding and imports): an interrupted call leaves whole batches written.
    """
    todo = list(recipes)
    ids = [r.id for r in todo]
    if len(set(ids)) != len(ids):
        raise Conflict("the same recipe id appears twice")
    if table.batch_get([recipe_key(i) for i in ids], attributes=("v",)):
        raise Conflict("some of these recipes already exist")
    puts: list[codec.Item] = []
    deltas: dict[tuple[str, str], int] = {}
    for recipe in todo:
        _check(recipe)
        index = index_recipe(recipe)
        puts.append(codec.recipe_item(recipe, 1, index.keys))
        puts.extend(index.items)
        for key in index.counters:
            deltas[key] = deltas.get(key, 0) + 1
    table.batch_write(puts)
    for key, n in deltas.items():
        table.update(_key(key), "ADD #n :d", d=n)
    return len(todo)


def get(table: Table, recipe_id: str) -> Recipe:
    item = table.get(recipe_key(recipe_id), attributes=("data",))
    if item is None:
        raise NotFound(f"no recipe with id {recipe_id!r}")
    return codec.recipe_of(item)


def get_many(table: Table, recipe_ids: Iterable[str]) -> dict[str, Recipe]:
    items = table.batch_get([recipe_key(i) for i in recipe_ids], attributes=("data",))
    return {recipe.id: recipe for recipe in map(codec.recipe_of, items)}


def find_by_title(table: Table, title: str) -> Recipe:
    for item in table.query(title_pk(title), attributes=(SK, "title")):
        if item["title"] == title:
            return get(table, recipe_id_of(item[SK]))
    raise NotFound(f"no recipe titled {title!r}")


def update(table: Table, recipe: Recipe) -> Recipe:
    _check(recipe)
    for _ in range(MAX_ATTEMPTS):
        old = table.get(recipe_key(recipe.id))
        if old is None:
            raise NotFound(f"no recipe with id {recipe.id!r}")
        before = index_recipe(codec.recipe_of(old))
        after = index_recipe(recipe)
        kept = set(after.keys)
        item = codec.recipe_item(recipe, old["v"] + 1, after.keys)
        main = table.put_op(item, "#v = :v", v=old["v"])
        stale = [k for k in codec.index_keys_of(old) if k not in kept]
        try:
            _write(table, main, counter_deltas(before.counters, after.counters), after.items, stale)
        except TransactionCanceled as exc:
            if exc.failed(0):
                continue  # changed or deleted meanwhile: read it again
            raise
        return recipe
    raise Conflict(f"recipe {recipe.id} keeps changing; try again")


def delete(table: Table, recipe_id: str) -> None:
    pk = recipe_key(recipe_id)[PK]
    for _ in range(MAX_ATTEMPTS):
        found = table.query(pk)
        main = next((i for i in found if i[SK] == "RECIPE"), None)
        if main is None:
            raise NotFound(f"no recipe with id {recipe_id!r}")
        index: RecipeIndex = index_recipe(codec.recipe_of(main))
        deletes = codec.index_keys_of(main) + _selection_keys(recipe_id, found)
        op = table.delete_op(recipe_key(recipe_id), "#v = :v", v=main["v"])
        try:
            _write(table, op, dict.fromkeys(index.counters, -1), (), deletes)
        except TransactionCanceled as exc:
            if exc.failed(0):
                continue
            raise
        break
    else:
        raise Conflict(f"recipe {recipe_id} keeps changing; try again")
    # A selection committed between our Query and our transaction is visible now; none can
    # follow (select_recipe checks that the recipe exists in its own transaction).
    late = table.query(pk, prefix=SELECTED_BY_PREFIX)
    table.batch_write(deletes=[_key(k) for k in _selection_keys(recipe_id, late)])


def _selection_keys(recipe_id: str, items: Iterable[codec.Item]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    for item in items:
        if item[SK].startswith(SELECTED_BY_PREFIX):
            user_id = unpart(item[SK][len(SELECTED_BY_PREFIX) :])
            keys += [codec.key_of(item), codec.key_of(selection_key(user_id, recipe_id))]
    return keys


# --- reading many: search, counts, tags -------------------------------------------------------
def search(
    table: Table, query: str, tag: str | None, owner_id: str | None, page: int, per_page: int
) -> Page:
    if page < 1 or per_page < 1:
        raise Invalid("page and per_page start at 1")
    start = (page - 1) * per_page
    filters = [tag_pk(tag)] if tag is not None else []
    filters += [owner_pk(owner_id)] if owner_id is not None else []
    terms = query_words(query)
    if query.strip() and not terms:
        return Page((), 0, page, per_page)  # no words: nothing can match
    if not terms and not filters:
        # Home page: one Query; the counter heads the partition, then the newest summaries.
        head, rows = _head(table.query(RECENT, newest_first=True, limit=start + per_page + 1))
        found = [codec.summary_of(row["summary"]) for row in rows[start:]]
        return Page(tuple(found), head, page, per_page)
    if not terms and len(filters) == 1:
        limit = start + per_page + 1
        rows = table.query(filters[0], newest_first=True, limit=limit, attributes=(SK, "n"))
        head, rows = _head(rows)
        return Page(_summaries(table, [row[SK] for row in rows[start:]]), head, page, per_page)
    postings: list[dict[str, int]] = []
    for term in terms:
        found_term = scores(term, table.query(word_partition(term), attributes=(SK, "m")))
        if not found_term:
            return Page((), 0, page, per_page)
        postings.append(found_term)
    limit_to: set[str] | None = None
    for pk in filters:
        sks = {row[SK] for row in table.query(pk, attributes=(SK,)) if row[SK] != COUNT_SK}
        limit_to = sks if limit_to is None else limit_to & sks
    if not postings:  # two filters, no words: newest first
        postings = [dict.fromkeys(limit_to or (), 0)]
    ranked = rank(postings, limit_to)
    return Page(_summaries(table, ranked[start : start + per_page]), len(ranked), page, per_page)


def _head(rows: list[codec.Item]) -> tuple[int, list[codec.Item]]:
    """Split the counter off a partition read newest first."""
    if rows and rows[0][SK] == COUNT_SK:
        return int(rows[0].get("n", 0)), rows[1:]
    return 0, rows


def _summaries(table: Table, sort_keys: list[str]) -> tuple[RecipeSummary, ...]:
    """Summaries of the recipes at these posting sort keys, in that order (one BatchGetItem)."""
    ids = [recipe_id_of(sk) for sk in sort_keys]
    items = table.batch_get([recipe_key(i) for i in ids], attributes=("summary",))
    by_id = {s.id: s for s in (codec.summary_of(i["summary"]) for i in items)}
    return tuple(by_id[i] for i in ids if i in by_id)


def count(table: Table) -> int:
    item = table.get(count_key(RECENT), attributes=("n",))
    return 0 if item is None else int(item.get("n", 0))


def tags(table: Table, limit: int) -> list[tuple[str, int]]:
    counted = [(unpart(i[SK]), int(i["n"])) for i in table.query(TAGS) if i.get("n", 0) > 0]
    return sorted(counted, key=lambda pair: (-pair[1], pair[0]))[: max(0, limit)]
