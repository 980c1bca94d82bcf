"""Two clients checking off one list at the same time end in a serial outcome (issue 8).

Two clients, each with a store of its own (its own connection pool, or AWS HTTP client), as two
app servers have, are released together by a barrier and make 1,000 calls in all on one
user's list: check and uncheck manual items and merged lines, on the same eight keys so that
their writes really collide, and "toggle" the way the list page's form does without
JavaScript (read the list, send the opposite of what it showed: the server only ever sets a
value). Every call is recorded with the monotonic times it was sent and answered. The
programs run against the stores on every backend and, on SQLite, through the site too (the
list page's check form and the API's item, line and clear endpoints, each client on an app
of its own).

The verdict is a linearizability check: a search for one order of all the calls that keeps
each client's program order and real time (a call answered before another was sent comes
first), in which every read sees what the order implies and every write gets the answer it
got, and which ends in exactly the state read back afterwards. For "set to value" writes
that means each item and line ends with the last value one of the two clients wrote to it
(asserted first, for a readable message). Nothing else may change: no item lost, duplicated
or edited, no unknown key checked, another user's list untouched.

"Clear checked" is the one write whose effect depends on the state it meets (it deletes the
checked items and forgets the checked lines); a set on an item it deleted must then answer
not found. The SQL backends clear in one transaction that locks the list first, so histories
with clears must linearize as a whole. DynamoDB clears key by key (a Query, then conditional
deletes): there each key's history must linearize on its own, and
`test_dynamodb_clears_key_by_key` shows the whole-list outcome no serial order explains.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from recipebox.config import Settings
from recipebox.domain.errors import NotFound
from recipebox.domain.lists import ListItem
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.shopping import build_shopping_list
from recipebox.domain.users import User
from recipebox.store import open_store
from recipebox.store.dynamodb import DynamoStore
from recipebox.store.protocol import Store
from recipebox.web import create_app
from recipebox.web.api.tokens import issue_token

# The backends of STORE_BACKENDS (tests/conftest.py) with a database of their own; the remote
# stores forward every call to one of these.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("mariadb", id="mariadb", marks=pytest.mark.mariadb),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    pytest.param("dynamodb", id="dynamodb", marks=pytest.mark.dynamodb),
]
CALLS = 1000  # in all, half per client
SEED = 8
ITEM = "item:"  # the key prefix of manual items (recipebox.domain.shopping)
FOODS = ("flour", "eggs", "milk", "butter")

State = tuple[bool | None, ...]  # per key: checked or not; None for an item that is gone


@dataclass(frozen=True, slots=True)
class Call:
    """One recorded call: a write ("set", "clear") or a read of one key ("read")."""

    kind: str
    key: str  # "item:ID" or a line key; "" for a clear
    value: bool | None  # set: the value sent; read: the value seen (None: the item is gone)
    found: bool  # set: False when the store answered that the item is gone
    start: float
    end: float


# --- the list both clients work on ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Shared:
    user: User
    keys: tuple[str, ...]  # four items, then four merged lines
    initial: State
    other: User  # another user, whose list must not change


def seed_list(store: Store) -> Shared:
    ann, bob = store.add_user(User(name="ann")), store.add_user(User(name="bob"))
    lines = [IngredientLine(f"200 g {food}", food=food) for food in FOODS]
    pancakes = store.add_recipe(Recipe(title="Pancakes", ingredients=lines))
    for user in (ann, bob):
        store.select_recipe(user.id, pancakes.id, 4)
    items = [store.add_list_item(ListItem(ann.id, f"thing {n}", checked=n < 2)) for n in range(4)]
    store.add_list_item(ListItem(bob.id, "bob's thing", checked=True))
    shopping = build_shopping_list(store.shopping_data(ann.id))
    line_keys = sorted(line.key for line in shopping.lines if line.item_id is None)
    assert len(line_keys) == len(FOODS)
    for key in line_keys[:2]:
        store.set_line_checked(ann.id, key, True)
    store.set_line_checked(bob.id, line_keys[0], True)
    keys = (*(ITEM + item.id for item in items), *line_keys)
    return Shared(ann, keys, observe(store, ann.id, keys), bob)


def observe(store: Store, user_id: str, keys: Sequence[str]) -> State:
    """The list's state per key, after checking that it holds no key but `keys`, once each."""
    data = store.shopping_data(user_id)
    items = {ITEM + item.id: item.checked for item in data.items}
    assert len(items) == len(data.items), "an item is listed twice"
    assert set(items) | data.checked <= set(keys), "a key nobody wrote is on the list"
    return tuple(items.get(key) if key.startswith(ITEM) else key in data.checked for key in keys)


def snapshot(store: Store, shared: Shared) -> tuple[Any, ...]:
    """What no check may change: all of the list but its checks, and another user's list."""
    data = store.shopping_data(shared.user.id)
    items = {item.id: (item.text, item.created_at) for item in data.items}
    return data.selections, data.recipes, data.staples, items, store.shopping_data(shared.other.id)


def assert_kept(store: Store, shared: Shared, before: tuple[Any, ...]) -> None:
    *same, items, others = snapshot(store, shared)
    assert (*same, others) == (*before[:3], before[4])
    assert items.items() <= before[3].items()  # a clear may delete items, never edit one


# --- clients ----------------------------------------------------------------------------------
class Client(Protocol):
    def set(self, key: str, value: bool) -> bool:
        """Set the key; False when the item is gone."""

    def read(self, key: str) -> bool | None: ...

    def clear(self) -> None: ...


class StoreClient:
    """A client calling a store directly, as the site's views do."""

    def __init__(self, store: Store, user_id: str) -> None:
        self.store, self.user_id = store, user_id

    def set(self, key: str, value: bool) -> bool:
        try:
            if key.startswith(ITEM):
                self.store.set_item_checked(self.user_id, key.removeprefix(ITEM), value)
            else:
                self.store.set_line_checked(self.user_id, key, value)
        except NotFound:
            return False
        return True

    def read(self, key: str) -> bool | None:
        data = self.store.shopping_data(self.user_id)
        if key.startswith(ITEM):
            return next((i.checked for i in data.items if ITEM + i.id == key), None)
        return key in data.checked

    def clear(self) -> None:
        self.store.clear_checked(self.user_id)


class WebClient:
    """A client of the site: the list page's check form and the API's check endpoints."""

    def __init__(self, store: Store, user: User, rng: random.Random) -> None:
        app = create_app(Settings(database_url="sqlite://", secret_key="k"), store=store)
        with app.app_context():
            _, secret = issue_token(store, user, "shopping")
        self.http, self.rng = app.test_client(), rng
        self.headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}

    def set(self, key: str, value: bool) -> bool:
        verb = "check" if value else "uncheck"
        via = self.rng.choice(["form", "api"])
        if via == "form":
            form = {"key": key, "checked": "1" if value else "0"}
            response = self.http.post("/list/check", data=form, headers=self.headers)
        elif key.startswith(ITEM) and self.rng.random() < 0.5:
            path = f"/api/v1/shopping-list/items/{key.removeprefix(ITEM)}/{verb}"
            response = self.http.post(path, headers=self.headers)
        else:
            path = f"/api/v1/shopping-list/lines/{quote(key, safe='')}/{verb}"
            response = self.http.post(path, headers=self.headers)
        assert response.status_code in (200, 204, 404), (via, key, response.status_code)
        return response.status_code != 404

    def read(self, key: str) -> bool | None:
        response = self.http.get("/api/v1/shopping-list", headers=self.headers)
        assert response.status_code == 200
        body: dict[str, Any] = response.get_json()
        lines = [line for aisle in body["aisles"] for line in aisle["lines"]]
        return next((line["checked"] for line in lines if line["key"] == key), None)

    def clear(self) -> None:
        response = self.http.post("/api/v1/shopping-list/clear-checked", headers=self.headers)
        assert response.status_code == 204


def shop(
    client: Client, keys: Sequence[str], rng: random.Random, calls: int, clears: float
) -> list[Call]:
    """Make `calls` random calls: sets, toggles (a read, then a set) and, rarely, clears."""
    history: list[Call] = []

    def record(kind: str, key: str = "", value: bool | None = None) -> bool | None:
        start = time.monotonic()
        if kind == "clear":
            client.clear()
            answer: bool | None = True
        elif kind == "read":
            answer = value = client.read(key)
        else:
            answer = client.set(key, bool(value))
        history.append(Call(kind, key, value, answer is not False, start, time.monotonic()))
        return answer

    while len(history) < calls:
        key, roll = rng.choice(keys), rng.random()
        if roll < clears:
            record("clear")
        elif roll < 0.2:
            seen = record("read", key)
            if seen is not None and len(history) < calls:
                record("set", key, not seen)
        else:
            record("set", key, rng.random() < 0.5)
    return history


def race(
    clients: Sequence[Client], keys: Sequence[str], calls: int, clears: float = 0.0
) -> list[list[Call]]:
    """Run one program per client, all released at once; re-raise the first failure."""
    start = threading.Barrier(len(clients))
    histories: list[list[Call]] = [[] for _ in clients]
    failures: list[BaseException] = []

    def run(n: int) -> None:
        rng = random.Random(f"{SEED}-{n}")
        try:
            start.wait()
            histories[n] = shop(clients[n], keys, rng, calls // len(clients), clears)
        except BaseException as exc:  # a thread's exception would otherwise vanish
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return histories


# --- the serial model -------------------------------------------------------------------------
def apply(keys: Sequence[str], state: State, call: Call) -> State | None:
    """The state after `call`, or None when its recorded answer is impossible in `state`."""
    if call.kind == "clear":
        return tuple(
            (None if value else value) if key.startswith(ITEM) else False
            for key, value in zip(keys, state, strict=True)
        )
    at = keys.index(call.key)
    if call.kind == "read":
        return state if state[at] == call.value else None
    if state[at] is None:  # an item a clear deleted: the store must have said so
        return state if not call.found else None
    if not call.found:
        return None
    return (*state[:at], call.value, *state[at + 1 :])


def linearize(
    keys: Sequence[str], initial: State, final: State, histories: Sequence[Sequence[Call]]
) -> str | None:
    """None when one order of the calls explains everything; else where every order fails."""
    first, second = histories
    stack, seen, best = [(0, 0, initial)], set(), (0, 0)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        i, j, state = node
        best = max(best, (i, j), key=sum)
        if i == len(first) and j == len(second):
            if state == final:
                return None
            continue
        for mine, theirs, at, other in ((first, second, i, j), (second, first, j, i)):
            if at == len(mine):
                continue
            call = mine[at]
            if other < len(theirs) and theirs[other].end < call.start:
                continue  # their next call was answered before this one was sent
            after = apply(keys, state, call)
            if after is not None:
                stack.append((i + 1, j, after) if mine is first else (i, j + 1, after))
    i, j = best
    nearby = (first[i : i + 2], second[j : j + 2])
    return f"no serial order explains the history after calls {i} and {j}: next {nearby}"


def linearize_per_key(
    keys: Sequence[str], initial: State, final: State, histories: Sequence[Sequence[Call]]
) -> str | None:
    """Like `linearize`, for each key's calls (and every clear) on their own."""
    for at, key in enumerate(keys):
        own = [[c for c in history if c.key in (key, "")] for history in histories]
        failure = linearize((key,), initial[at : at + 1], final[at : at + 1], own)
        if failure:
            return f"{key}: {failure}"
    return None


def last_written(history: Sequence[Call], key: str) -> bool | None:
    values = [c.value for c in history if c.kind == "set" and c.key == key and c.found]
    return values[-1] if values else None


def collisions(histories: Sequence[Sequence[Call]]) -> int:
    """How many pairs of writes to the same key, one per client, were in flight together."""
    first, second = ([c for c in h if c.kind == "set"] for h in histories)
    return sum(
        a.key == b.key and a.start < b.end and b.start < a.end for a in first for b in second
    )


# --- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(params=BACKENDS)
def stores(request: pytest.FixtureRequest) -> Iterator[tuple[Store, Store]]:
    """A fresh store and a second one on the same database, with its own connections."""
    first: Store = request.getfixturevalue(request.param)
    second = open_store(request.getfixturevalue(f"{request.param}_url"))
    try:
        second.check()  # connect (DynamoDB: build the client) before the race
        yield first, second
    finally:
        second.close()


def assert_serial(
    store: Store, shared: Shared, histories: list[list[Call]], *, whole: bool = True
) -> None:
    final = observe(store, shared.user.id, shared.keys)
    assert collisions(histories) > 0, "the clients never wrote the same key at once"
    check = linearize if whole else linearize_per_key
    assert check(shared.keys, shared.initial, final, histories) is None


# --- races ------------------------------------------------------------------------------------
def test_two_clients_checking_one_list_end_in_a_serial_outcome(
    stores: tuple[Store, Store],
) -> None:
    first, second = stores
    shared = seed_list(first)
    before = snapshot(first, shared)
    histories = race([StoreClient(s, shared.user.id) for s in stores], shared.keys, CALLS)
    assert sum(map(len, histories)) == CALLS
    final = observe(second, shared.user.id, shared.keys)
    for at, key in enumerate(shared.keys):  # last writer wins, key by key
        written = {last_written(h, key) for h in histories} - {None}
        assert final[at] in (written or {shared.initial[at]}), key
    assert_serial(second, shared, histories)
    assert_kept(second, shared, before)


# The site adds no storage of its own: one engine shows that its endpoints keep the guarantee.
@pytest.mark.parametrize("stores", ["sqlite"], indirect=True)
def test_two_clients_of_the_site_checking_one_list_end_in_a_serial_outcome(
    stores: tuple[Store, Store],
) -> None:
    first, second = stores
    shared = seed_list(first)
    before = snapshot(first, shared)
    clients = [WebClient(s, shared.user, random.Random(n)) for n, s in enumerate(stores)]
    histories = race(clients, shared.keys, CALLS, clears=0.01)
    assert sum(map(len, histories)) == CALLS
    assert_serial(second, shared, histories)
    assert_kept(second, shared, before)


def test_clearing_while_checking_ends_in_a_serial_outcome(stores: tuple[Store, Store]) -> None:
    first, second = stores
    shared = seed_list(first)
    before = snapshot(first, shared)
    clients = [StoreClient(s, shared.user.id) for s in stores]
    histories = race(clients, shared.keys, CALLS // 2, clears=0.02)
    assert any(c.kind == "clear" for h in histories for c in h)
    assert_serial(second, shared, histories, whole=not isinstance(first, DynamoStore))
    assert_kept(second, shared, before)


# --- the model itself -------------------------------------------------------------------------
X, LINE = "item:x", "flour|mass"


def call(kind: str, key: str, value: bool | None, start: float, end: float) -> Call:
    return Call(kind, key, value, True, start, end)


def test_the_check_takes_writes_in_flight_together_in_either_order() -> None:
    ours, theirs = [call("set", X, True, 0, 2)], [call("set", X, False, 1, 3)]
    for final in (True, False):
        assert linearize((X,), (False,), (final,), [ours, theirs]) is None


def test_the_check_finds_a_write_lost_or_read_back_stale() -> None:
    ours, theirs = [call("set", X, True, 0, 1)], [call("set", X, False, 2, 3)]
    assert linearize((X,), (False,), (True,), [ours, theirs])  # answered first, yet last
    stale = [call("set", X, True, 0, 1), call("read", X, False, 2, 3)]
    assert linearize((X,), (False,), (True,), [stale, []])


def test_the_check_finds_a_clear_that_saw_half_of_a_clients_calls() -> None:
    # PostgreSQL before the fix in SqlStore.clear_checked: the clear kept an item checked
    # during it but forgot a line checked after that item.
    clear = [call("clear", "", None, 0, 10)]
    client = [call("set", X, True, 1, 2), call("set", LINE, True, 3, 4)]
    args = ((X, LINE), (False, False), (True, False), [clear, client])
    assert linearize(*args)
    assert linearize_per_key(*args) is None


# --- the races that random timing rarely hits, forced -----------------------------------------
def serial_outcomes(shared: Shared, clear: Call, calls: Sequence[Call]) -> set[State]:
    """The end states of every order that keeps `calls` in order, with `clear` anywhere."""
    outcomes = set()
    for at in range(len(calls) + 1):
        state: State | None = shared.initial
        for each in (*calls[:at], clear, *calls[at:]):
            assert state is not None
            state = apply(shared.keys, state, each)
        assert state is not None
        outcomes.add(state)
    return outcomes


# Sessions of this database waiting for a row lock.
LOCK_WAITS = {
    "mariadb": "SELECT COUNT(*) FROM information_schema.innodb_trx t"
    " JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id"
    " WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()",
    "postgres": "SELECT COUNT(*) FROM pg_stat_activity"
    " WHERE wait_event_type = 'Lock' AND datname = current_database()",
}


def wait_for_a_lock_wait(url: str, server: str) -> None:
    """Return once a session of the database waits for a lock (fail after 10 s)."""
    watcher = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with watcher.connect() as conn:
            deadline = time.monotonic() + 10
            while not conn.scalar(sa.text(LOCK_WAITS[server])):
                assert time.monotonic() < deadline, "nobody waited for the lock"
                time.sleep(0.02)
    finally:
        watcher.dispose()


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("mariadb", marks=pytest.mark.mariadb),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ],
)
def test_a_clear_held_up_by_a_lock_sees_the_list_at_one_moment(
    request: pytest.FixtureRequest, server: str
) -> None:
    clearing: Store = request.getfixturevalue(server)
    url: str = request.getfixturevalue(f"{server}_url")
    shared = seed_list(clearing)
    ann, checked, unchecked, line = shared.user.id, shared.keys[0], shared.keys[2], shared.keys[7]
    other, locker = open_store(url), sa.create_engine(url, poolclass=NullPool)
    failures: list[BaseException] = []

    def run(*steps: Callable[[], object]) -> threading.Thread:
        def go() -> None:
            try:
                for step in steps:
                    step()
            except BaseException as exc:  # reported below, in the test's thread
                failures.append(exc)

        thread = threading.Thread(target=go)
        thread.start()
        return thread

    try:
        with locker.connect() as lock:  # another transaction holds a checked item's row
            lock.execute(
                sa.text("SELECT id FROM list_items WHERE id = :id FOR UPDATE"),
                {"id": checked.removeprefix(ITEM)},
            )
            clear = run(lambda: clearing.clear_checked(ann))
            wait_for_a_lock_wait(url, server)  # the clear's, for that row
            writes = run(
                lambda: other.set_item_checked(ann, unchecked.removeprefix(ITEM), True),
                lambda: other.set_line_checked(ann, line, True),
            )
            writes.join(0.5)
            lock.commit()
        clear.join()
        writes.join()
    finally:
        other.close()
        locker.dispose()
    assert failures == []
    calls = [call("set", unchecked, True, 0, 0), call("set", line, True, 0, 0)]
    outcomes = serial_outcomes(shared, call("clear", "", None, 0, 0), calls)
    assert observe(clearing, ann, shared.keys) in outcomes


def test_dynamodb_clears_key_by_key(
    dynamodb: DynamoStore, dynamodb_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = seed_list(dynamodb)
    ann, checked, line = shared.user.id, shared.keys[0], shared.keys[7]
    other = open_store(dynamodb_url)
    delete, client = dynamodb.table.delete, list[Call]()

    def delete_after_the_other_client(*args: Any, **kwargs: Any) -> Any:
        # Between the clear's Query and its first conditional delete, the other client
        # checks a line and unchecks an item the Query saw checked.
        if not client:
            for key, value in ((line, True), (checked, False)):
                start = time.monotonic()
                assert StoreClient(other, ann).set(key, value)
                client.append(call("set", key, value, start, time.monotonic()))
        return delete(*args, **kwargs)

    monkeypatch.setattr(dynamodb.table, "delete", delete_after_the_other_client)
    try:
        start = time.monotonic()
        dynamodb.clear_checked(ann)
        clear = [call("clear", "", None, start, time.monotonic())]
    finally:
        other.close()
    final = observe(dynamodb, ann, shared.keys)
    assert final[0] is False  # kept, unchecked: the clear met it after the other client
    assert final[7] is True  # kept, checked: the clear's Query ran before it was checked
    args = (shared.keys, shared.initial, final, [clear, client])
    assert linearize(*args)  # no single moment of the clear explains both
    assert linearize_per_key(*args) is None
