"""The data protocol beyond the shared contract: batching, typed errors, refusals, size limits.

`remote` is a RemoteStore calling `handle()` on the fresh SQLite store `sqlite` through JSON
(remote_fixtures.py); requests are counted by its transport.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from recipebox.domain.errors import Conflict, Invalid, NotFound, RecipeboxError, StorageUnavailable
from recipebox.domain.lists import ListItem
from recipebox.domain.recipes import Recipe
from recipebox.domain.users import Identity, User
from recipebox.store.protocol import Store
from recipebox.store.remote import InProcessTransport, RemoteStore, TooLarge, batch, handle
from recipebox.store.remote.wire import REQUEST_LIMIT
from recipebox.store.sql import SqlStore

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def recipe(title: str, minute: int = 0, **fields: Any) -> Recipe:
    moment = T0 + timedelta(minutes=minute)
    return Recipe(title=title, created_at=moment, updated_at=moment, **fields)


def add_user(store: Store, name: str = "ann") -> User:
    user = User(name=name, created_at=T0)
    return store.add_user(user, Identity("github", f"{name}-subject", user.id))


def request(*ops: tuple[str, dict[str, Any]], v: int = 1) -> dict[str, Any]:
    return {"v": v, "ops": [{"op": name, "args": args} for name, args in ops]}


class FixedTransport:
    """A service that always answers `body` (what a newer or broken service might send)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls = 0

    def send(self, payload: bytes) -> bytes:
        self.calls += 1
        return self.body

    def describe(self) -> str:
        return "fixed"

    def close(self) -> None:
        pass


# --- batching ---------------------------------------------------------------------------------
def test_a_batch_of_reads_is_one_request(remote: RemoteStore, sqlite: SqlStore) -> None:
    ann = add_user(remote)
    soup = remote.add_recipe(recipe("Soup", tags=["winter"]))
    remote.select_recipe(ann.id, soup.id, 2)
    before = remote.calls
    reads = remote.batch()
    found, popular, picked = reads.search_recipes("soup"), reads.tags(14), reads.selections(ann.id)
    missing = reads.get_recipe("01HXXXXXXXXXXXXXXXXXXXXXXX")
    assert remote.calls == before
    assert (found.value, popular.value, picked.value) == (
        sqlite.search_recipes("soup"),
        [("winter", 1)],
        sqlite.selections(ann.id),
    )
    assert remote.calls == before + 1
    with pytest.raises(NotFound):
        _ = missing.value
    assert remote.calls == before + 1


def test_a_batch_gives_the_same_values_on_a_local_store(sqlite: SqlStore) -> None:
    ann = add_user(sqlite)
    sqlite.add_recipe(recipe("Soup", tags=["winter"]))
    with batch(sqlite) as reads:
        user, popular = reads.get_user(ann.id), reads.tags()
        missing = reads.find_recipe_by_title("Stew")
    assert (user.value, popular.value) == (ann, [("winter", 1)])
    with pytest.raises(NotFound):
        _ = missing.value


# --- errors -----------------------------------------------------------------------------------
def raised(call: Any) -> RecipeboxError:
    with pytest.raises(RecipeboxError) as info:
        call()
    return info.value


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda s: s.get_recipe("01HXXXXXXXXXXXXXXXXXXXXXXX"), id="NotFound"),
        pytest.param(
            lambda s: s.add_user(User("bob"), Identity("github", "ann-subject", "x")), id="Conflict"
        ),
        pytest.param(lambda s: s.search_recipes(page=0), id="Invalid"),
        pytest.param(lambda s: s.load({"gadgets": [{}]}), id="Invalid-load"),
    ],
)
def test_errors_come_back_as_the_same_class_and_message(
    remote: RemoteStore, sqlite: SqlStore, call: Any
) -> None:
    add_user(sqlite)
    local, far = raised(lambda: call(sqlite)), raised(lambda: call(remote))
    assert (type(far), str(far)) == (type(local), str(local))
    assert type(far) in (NotFound, Conflict, Invalid)


def test_storage_unavailable_comes_back_too(tmp_path: Any) -> None:
    empty = SqlStore(f"sqlite:///{tmp_path / 'never-upgraded.db'}")
    try:
        local = raised(empty.check)
        far = raised(RemoteStore(InProcessTransport(empty)).check)
    finally:
        empty.close()
    assert (type(far), str(far)) == (StorageUnavailable, str(local))


def test_an_error_answers_its_own_operation_only(sqlite: SqlStore) -> None:
    response = handle(sqlite, request(("get_recipe", {"recipe_id": "nope"}), ("count_recipes", {})))
    assert response == {
        "v": 1,
        "results": [
            {"error": {"type": "NotFound", "message": response["results"][0]["error"]["message"]}},
            {"ok": 0},
        ],
    }


# --- refusals ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["close", "dump", "__init__", "_write", "run_batch", "url"])
def test_only_store_operations_are_served_and_a_refusal_runs_nothing(
    sqlite: SqlStore, name: str
) -> None:
    user = {"id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "name": "eve", "created_at": T0.isoformat()}
    response = handle(sqlite, request(("add_user", {"user": user}), (name, {})))
    assert response == {
        "v": 1,
        "error": {"type": "Invalid", "message": f"op 1: unknown operation {name!r}"},
    }
    with pytest.raises(NotFound):
        sqlite.get_user(user["id"])


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            request(("count_recipes", {}), v=2),
            "unsupported protocol version 2; this service speaks 1",
        ),
        (
            {"ops": [{"op": "count_recipes"}]},
            "unsupported protocol version None; this service speaks 1",
        ),
        ("count_recipes", "a request is a JSON object"),
        (request(), '"ops" must be a non-empty list'),
        ({"v": 1, "ops": ["count_recipes"]}, 'op 0: expected {"op": NAME, "args": {...}}'),
    ],
)
def test_malformed_requests_are_invalid(sqlite: SqlStore, document: Any, message: str) -> None:
    assert handle(sqlite, document) == {"v": 1, "error": {"type": "Invalid", "message": message}}


INT, BOOL = "(integer): expected an integer", "(boolean): expected a boolean"
BAD_ARGUMENTS = [
    ("select_recipe", {"user_id": "u", "recipe_id": "r", "servings": "2"}, f"{INT}, got str"),
    ("search_recipes", {"page": True}, f"argument 'page' {INT}, got bool"),
    ("set_line_checked", {"user_id": "u", "line_key": "k", "checked": 1}, f"{BOOL}, got int"),
    ("get_recipe", {}, "missing argument 'recipe_id'"),
    ("get_recipe", {"recipe_id": "r", "sql": "DROP"}, "unknown argument(s): sql"),
    ("add_recipe", {"recipe": {"title": "no id"}}, "argument 'recipe' (recipe): 'id'"),
    ("set_staples", {"user_id": "u", "staples": "salt"}, "expected a list, got str"),
]  # fmt: skip


@pytest.mark.parametrize(("op", "args", "message"), BAD_ARGUMENTS)
def test_arguments_are_checked_before_anything_runs(
    sqlite: SqlStore, op: str, args: dict[str, Any], message: str
) -> None:
    response = handle(sqlite, request((op, args)))
    assert response["error"]["type"] == "Invalid"
    assert response["error"]["message"].startswith(f"op 0 ({op}): ")
    assert response["error"]["message"].endswith(message)


def test_a_service_speaking_another_version_is_unavailable() -> None:
    store = RemoteStore(FixedTransport(b'{"v": 2, "results": [{"ok": 0}]}'))
    with pytest.raises(StorageUnavailable, match="speaks protocol 2, this client 1"):
        store.count_recipes()


@pytest.mark.parametrize(
    "body", [b"<html>502</html>", b'{"v": 1, "results": []}', b'{"v": 1, "results": [{"ok": "x"}]}']
)
def test_a_malformed_answer_is_unavailable(body: bytes) -> None:
    with pytest.raises(StorageUnavailable, match="malformed response"):
        RemoteStore(FixedTransport(body)).count_recipes()


# --- sizes ------------------------------------------------------------------------------------
def big_recipes(n: int, size: int) -> list[Recipe]:
    return [recipe(f"Recipe {k}", k, description="x" * size) for k in range(n)]


def test_a_result_too_large_is_refused_and_later_operations_do_not_run(sqlite: SqlStore) -> None:
    ann = add_user(sqlite)
    sqlite.add_recipes(big_recipes(30, 1000))
    small = RemoteStore(InProcessTransport(sqlite, max_bytes=20_000))
    assert small.search_recipes(per_page=10).total == 30
    with pytest.raises(
        TooLarge, match=r"op 0 \(search_recipes\): result of [\d,]+ bytes does not fit"
    ):
        small.search_recipes(per_page=30)
    reads = small.batch()
    page = reads.search_recipes(per_page=30)
    after = reads.shopping_data(ann.id)
    with pytest.raises(TooLarge):
        _ = page.value
    with pytest.raises(TooLarge, match=r"op 1 \(shopping_data\) not run"):
        _ = after.value
    assert isinstance(TooLarge("x"), Invalid)


def test_dump_pages_follow_the_cursor_within_the_limit(sqlite: SqlStore) -> None:
    many = big_recipes(40, 1000)
    sqlite.add_recipes(many)
    small = RemoteStore(InProcessTransport(sqlite, max_bytes=20_000))
    dumped = list(small.dump("recipes"))
    assert dumped == sorted(sqlite.dump("recipes"), key=lambda record: record["id"])
    assert len(dumped) == 40
    assert small.calls >= 40 * 1000 // 20_000


def test_a_dump_page_is_keyed_so_new_records_do_not_shift_it(remote: RemoteStore) -> None:
    ann = add_user(remote)
    items = [remote.add_list_item(ListItem(ann.id, f"item {n}")) for n in range(3)]
    pages = remote._call("dump_page", kind="list_items", after=None, limit=2)
    first = sorted(item.id for item in items)[:2]
    assert [record["id"] for record in pages["records"]] == first
    remote.add_list_item(ListItem(ann.id, "early", id="00000000000000000000000000"))
    rest = remote._call("dump_page", kind="list_items", after=pages["after"], limit=2)
    assert [record["id"] for record in rest["records"]] == sorted(item.id for item in items)[2:]
    assert rest["after"] is None


def test_a_load_larger_than_one_request_is_refused_unsent(remote: RemoteStore) -> None:
    records = [
        {"id": str(n), "description": "y" * 100_000} for n in range(REQUEST_LIMIT // 100_000 + 1)
    ]
    before = remote.calls
    with pytest.raises(TooLarge, match="load these records in parts"):
        remote.load({"recipes": records})
    assert remote.calls == before


def test_add_recipes_is_split_into_requests(remote: RemoteStore) -> None:
    before = remote.calls
    assert remote.add_recipes(recipe(f"R{n}", n) for n in range(2345)) == 2345
    assert remote.calls - before == 3
    assert remote.count_recipes() == 2345
