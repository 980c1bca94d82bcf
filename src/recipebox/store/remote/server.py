"""The data service: answer one protocol request with a store (pure; no I/O of its own).

The Lambda data function calls `handle(store, event)` with a store opened once per container;
the local data server calls it for each POST. Operations run in order, each as if called
alone (its own transaction); a domain error in one is that operation's result and does not
stop the others. Other exceptions are bugs or outages and propagate: Lambda reports them as a
function error, which the client raises as StorageUnavailable.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from typing import Any

from recipebox.domain.errors import Invalid, RecipeboxError
from recipebox.store.protocol import ENTITY_KINDS, Store
from recipebox.store.remote.wire import (
    DUMP_PAGE_RECORDS,
    OPS,
    RESPONSE_LIMIT,
    VERSION,
    Op,
    TooLarge,
    encoded_size,
    error_record,
)

Record = dict[str, Any]
# A dump page is ordered by these fields (each kind's primary key), so the cursor `after`
# is the key of the last record sent, whatever order the backend's `dump` yields.
DUMP_KEYS: dict[str, tuple[str, ...]] = {
    "users": ("id",),
    "identities": ("provider", "subject"),
    "recipes": ("id",),
    "selections": ("user_id", "recipe_id"),
    "list_items": ("id",),
    "checked": ("user_id", "line_key"),
    "staples": ("user_id",),
    "tokens": ("id",),
}
assert tuple(DUMP_KEYS) == ENTITY_KINDS
_ENVELOPE = 64  # bytes of {"v": 1, "results": [...]} and separators, rounded up


def handle(store: Store, request: Any, *, max_bytes: int = RESPONSE_LIMIT) -> dict[str, Any]:
    """Run the operations of `request` on `store`; return the response (JSON-ready)."""
    try:
        calls = _parse(request)
    except Invalid as exc:
        return {"v": VERSION, "error": error_record(exc)}
    results: list[dict[str, Any]] = []
    used = _ENVELOPE
    for n, (name, op, args) in enumerate(calls):
        if used > max_bytes:
            # An earlier result filled the response: say so rather than run a write whose
            # outcome could not be reported.
            skipped = TooLarge(f"op {n} ({name}) not run: earlier results filled the response")
            results.append({"error": error_record(skipped)})
            continue
        result = _run(store, name, op, args, budget=max_bytes - used)
        size = encoded_size(result) + 2
        if used + size > max_bytes:
            limit = f"{max_bytes / 1e6:.1f} MB"
            message = f"op {n} ({name}): result of {size:,} bytes does not fit in one response"
            result = {"error": error_record(TooLarge(f"{message} ({limit} at most); ask for less"))}
            size = max_bytes  # nothing after it runs
        results.append(result)
        used += size
    return {"v": VERSION, "results": results}


def _parse(request: Any) -> list[tuple[str, Op, dict[str, Any]]]:
    """Validate the whole request before running anything: a typo never half-runs a batch."""
    if not isinstance(request, dict):
        raise Invalid("a request is a JSON object")
    if request.get("v") != VERSION:
        raise Invalid(
            f"unsupported protocol version {request.get('v')!r}; this service speaks {VERSION}"
        )
    ops = request.get("ops")
    if not isinstance(ops, list) or not ops:
        raise Invalid('"ops" must be a non-empty list')
    calls = []
    for n, item in enumerate(ops):
        if not isinstance(item, dict) or not isinstance(item.get("op"), str):
            raise Invalid(f'op {n}: expected {{"op": NAME, "args": {{...}}}}')
        name = item["op"]
        op = OPS.get(name)  # the allow-list: never getattr on a name from the request
        if op is None:
            raise Invalid(f"op {n}: unknown operation {name[:80]!r}")
        try:
            args = op.decode_args(item.get("args", {}))
        except Invalid as exc:
            raise Invalid(f"op {n} ({name}): {exc}") from None
        calls.append((name, op, args))
    return calls


def _run(store: Store, name: str, op: Op, args: dict[str, Any], *, budget: int) -> dict[str, Any]:
    try:
        if name == "dump_page":
            value: Any = dump_page(store, **args, budget=budget)
        else:
            method: Callable[..., Any] = getattr(store, name)
            value = method(**args)
        return {"ok": op.result.encode(value)}
    except RecipeboxError as exc:
        return {"error": error_record(exc)}


def dump_page(
    store: Store,
    kind: str,
    after: list[str] | None = None,
    limit: int = DUMP_PAGE_RECORDS,
    *,
    budget: int = RESPONSE_LIMIT,
) -> Record:
    """The first `limit` records of `kind` after the key `after`, in key order, within `budget`.

    `Store.dump` has no cursor, so every page reads the whole kind once and keeps the smallest
    keys past `after` (a heap of `limit` records): memory stays at one page, reads grow with
    the table (a copy of N records in pages of P reads about N^2/P). Keyset paging keeps the
    cursor right when records are added or removed between pages.
    """
    if kind not in DUMP_KEYS:
        raise Invalid(f"unknown entity kind {kind!r}; use one of: {', '.join(ENTITY_KINDS)}")
    if limit < 1:
        raise Invalid("limit must be at least 1")
    fields = DUMP_KEYS[kind]

    def key(record: Record) -> tuple[str, ...]:
        return tuple(str(record[field]) for field in fields)

    start = tuple(after or ())
    remaining = 0

    def past_cursor() -> Iterator[Record]:
        nonlocal remaining
        for record in store.dump(kind):
            if key(record) > start:
                remaining += 1
                yield record

    smallest = heapq.nsmallest(limit, past_cursor(), key=key)
    page: list[Record] = []
    used = 64
    for record in smallest:
        size = encoded_size(record) + 2
        if used + size + encoded_size(key(record)) > budget:  # the cursor travels too
            break
        page.append(record)
        used += size
    if smallest and not page:
        raise TooLarge(f"a {kind} record of {size:,} bytes does not fit in one response")
    more = len(page) < remaining
    return {"records": page, "after": list(key(page[-1])) if more else None}
