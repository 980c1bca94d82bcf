"""DynamoDB backend behaviour beyond the shared contract: request counts, concurrency, limits.

Runs against moto in server mode (see dynamo_fixtures.py); the `dynamodb` fixture is a fresh
DynamoStore on a table of its own.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from recipebox.domain.errors import Invalid, NotFound, StorageUnavailable
from recipebox.domain.lists import ListItem
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.users import Identity, User
from recipebox.store import open_store
from recipebox.store.dynamodb import IAM_ACTIONS, DynamoStore
from recipebox.store.dynamodb.keys import KIND, SK, table_spec

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def recipe(title: str, minute: int = 0, **fields: Any) -> Recipe:
    return Recipe(title=title, created_at=T0 + timedelta(minutes=minute), **fields)


@contextmanager
def requests(store: DynamoStore) -> Iterator[list[str]]:
    """Record the name of every DynamoDB API call the store makes inside the block."""
    calls: list[str] = []
    listeners = store.client.on_call
    listeners.append(calls.append)
    try:
        yield calls
    finally:
        listeners.remove(calls.append)


def add_user(store: DynamoStore, name: str) -> User:
    user = User(name=name, created_at=T0)
    return store.add_user(user, Identity("github", f"{name}-subject", user.id))


@pytest.fixture
def cookbook(dynamodb: DynamoStore) -> list[Recipe]:
    book = [
        recipe("Lemon tart", 1, description="A sharp custard.", tags=["dessert"]),
        recipe("Almond cake", 2, description="Moist, with lemon zest.", tags=["dessert"]),
        recipe("Roast chicken", 3, tags=["dinner"]),
    ]
    dynamodb.add_recipes(book)
    return book


# --- request counts ----------------------------------------------------------------------
def test_home_page_is_one_query(dynamodb: DynamoStore, cookbook: list[Recipe]) -> None:
    with requests(dynamodb) as calls:
        first = dynamodb.search_recipes("", per_page=2)
        second = dynamodb.search_recipes("", per_page=2, page=2)
    assert calls == ["Query", "Query"]
    assert [r.title for r in first.items + second.items] == [
        "Roast chicken",
        "Almond cake",
        "Lemon tart",
    ]
    assert (first.total, second.total) == (3, 3)


def test_search_is_one_query_per_word_and_one_batch_get(
    dynamodb: DynamoStore, cookbook: list[Recipe]
) -> None:
    with requests(dynamodb) as calls:
        found = dynamodb.search_recipes("lemon tart")
    assert calls == ["Query", "Query", "BatchGetItem"]
    assert [r.title for r in found.items] == ["Lemon tart"]


def test_tag_page_is_one_query_and_one_batch_get(
    dynamodb: DynamoStore, cookbook: list[Recipe]
) -> None:
    with requests(dynamodb) as calls:
        found = dynamodb.search_recipes(tag="dessert")
    assert calls == ["Query", "BatchGetItem"]
    assert ([r.title for r in found.items], found.total) == (["Almond cake", "Lemon tart"], 2)


def test_single_reads_are_one_request_each(dynamodb: DynamoStore, cookbook: list[Recipe]) -> None:
    with requests(dynamodb) as calls:
        assert dynamodb.get_recipe(cookbook[0].id) == cookbook[0]
        assert dynamodb.count_recipes() == 3
        assert dynamodb.tags() == [("dessert", 2), ("dinner", 1)]
    assert calls == ["GetItem", "GetItem", "Query"]


def test_shopping_data_is_one_query_and_one_batch_get(
    dynamodb: DynamoStore, cookbook: list[Recipe]
) -> None:
    ann = add_user(dynamodb, "ann")
    for r in cookbook:
        dynamodb.select_recipe(ann.id, r.id, 2)
    dynamodb.add_list_item(ListItem(ann.id, "coffee"))
    dynamodb.set_line_checked(ann.id, "flour|g", True)
    dynamodb.set_staples(ann.id, ["salt"])
    with requests(dynamodb) as calls:
        data = dynamodb.shopping_data(ann.id)
    assert calls == ["Query", "BatchGetItem"]
    assert data.recipes == {r.id: r for r in cookbook}
    assert (len(data.selections), len(data.items), data.checked, data.staples) == (
        3,
        1,
        frozenset({"flour|g"}),
        ("salt",),
    )


def test_more_than_100_selected_recipes_take_one_batch_get_per_100(
    dynamodb: DynamoStore,
) -> None:
    ann = add_user(dynamodb, "ann")
    many = [recipe(f"Dish {n}", n) for n in range(101)]
    dynamodb.add_recipes(many)
    # Loaded in batches: moto copies the whole table for every action of a transaction.
    selections = [
        {"user_id": ann.id, "recipe_id": r.id, "servings": 1, "added_at": T0.isoformat()}
        for r in many
    ]
    dynamodb.load({"selections": selections})
    with requests(dynamodb) as calls:
        data = dynamodb.shopping_data(ann.id)
    assert calls == ["Query", "BatchGetItem", "BatchGetItem"]
    assert len(data.recipes) == len(data.selections) == 101


# --- concurrency ---------------------------------------------------------------------------
def run_together(*jobs: Callable[[], None]) -> None:
    """Run the jobs in threads released at the same moment; re-raise the first failure."""
    start = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def test_concurrent_checks_on_one_list_are_never_lost(
    dynamodb: DynamoStore, dynamodb_url: str
) -> None:
    ann = add_user(dynamodb, "ann")
    items = [dynamodb.add_list_item(ListItem(ann.id, f"item {n}")) for n in range(20)]
    other = DynamoStore(dynamodb_url)  # a second process, say
    other.client  # noqa: B018 - create the client before the threads share it

    def shopper(store: DynamoStore, name: str, mine: list[ListItem]) -> Callable[[], None]:
        def shop() -> None:
            for n in range(30):
                store.set_line_checked(ann.id, f"{name}{n}", True)
                if n % 3 == 0:
                    store.set_line_checked(ann.id, f"{name}{n}", False)
            for item in mine:
                store.set_item_checked(ann.id, item.id, True)

        return shop

    try:
        run_together(shopper(dynamodb, "a", items[::2]), shopper(other, "b", items[1::2]))
    finally:
        other.close()
    data = dynamodb.shopping_data(ann.id)
    expected = {f"{name}{n}" for name in "ab" for n in range(30) if n % 3}
    assert data.checked == frozenset(expected)
    assert all(item.checked for item in data.items)


def test_an_update_racing_another_retries_and_keeps_the_index_exact(
    dynamodb: DynamoStore, dynamodb_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    soup = dynamodb.add_recipe(recipe("Tomato soup", tags=["soup"]))
    other = DynamoStore(dynamodb_url)
    mine = recipe("Leek soup", id=soup.id, tags=["leek"])
    theirs = recipe("Onion soup", id=soup.id, tags=["onion"])
    read = dynamodb.table.get
    raced = []

    def read_then_race(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        if not raced:  # another writer commits between our read and our write
            raced.append(other.update_recipe(theirs))
        return found

    monkeypatch.setattr(dynamodb.table, "get", read_then_race)
    try:
        dynamodb.update_recipe(mine)
    finally:
        other.close()
    assert raced == [theirs]
    assert dynamodb.get_recipe(soup.id) == mine
    assert dynamodb.tags() == [("leek", 1)]
    assert [r.title for r in dynamodb.search_recipes("soup").items] == ["Leek soup"]
    assert dynamodb.search_recipes("onion").total == 0
    assert dynamodb.search_recipes("tomato").total == 0


# --- sizes and transaction limits ------------------------------------------------------------
def wordy_recipe(words: int) -> Recipe:
    """A recipe whose description has `words` words with distinct 3-letter beginnings."""
    letters = "bcdfghjklmnpqrstvwxz"
    vocabulary = [f"{a}{b}{c}um" for a in letters for b in "aeiou" for c in letters][:words]
    return recipe("Wordy stew", description=" ".join(vocabulary), tags=["big"])


def test_a_recipe_with_more_index_items_than_a_transaction_holds(
    dynamodb: DynamoStore,
) -> None:
    big = dynamodb.add_recipe(wordy_recipe(250))
    last_word = big.description.split()[-1]
    assert [r.title for r in dynamodb.search_recipes(last_word).items] == ["Wordy stew"]
    dynamodb.update_recipe(recipe("Small stew", id=big.id))
    assert dynamodb.search_recipes(last_word).total == 0
    dynamodb.delete_recipe(big.id)
    leftovers = [i for i in dynamodb.table.query("RECENT") if i[SK] != "~COUNT"]
    assert (leftovers, dynamodb.search_recipes("stew").total, dynamodb.tags()) == ([], 0, [])


def test_a_recipe_over_400_kb_is_invalid_and_nothing_is_written(dynamodb: DynamoStore) -> None:
    huge = recipe("Huge", steps=["stir " * 90_000])
    with pytest.raises(Invalid, match="400 KB"):
        dynamodb.add_recipe(huge)
    with pytest.raises(NotFound):
        dynamodb.get_recipe(huge.id)
    assert dynamodb.count_recipes() == 0


def test_foods_are_searchable_and_accents_fold(dynamodb: DynamoStore) -> None:
    creme = recipe("Crème brûlée", ingredients=[IngredientLine("2 eggs", food="eggs")])
    dynamodb.add_recipe(creme)
    assert [r.id for r in dynamodb.search_recipes("creme brulee egg").items] == [creme.id]


# --- the table: upgrade, check, errors ------------------------------------------------------
def test_upgrade_is_idempotent_and_check_describes_the_table(dynamodb: DynamoStore) -> None:
    dynamodb.upgrade()
    dynamodb.upgrade()
    assert dynamodb.check() == f"dynamodb table {dynamodb.table_name} (us-east-1)"


def test_upgrade_adds_a_missing_index(dynamodb_url: str) -> None:
    store = DynamoStore(dynamodb_url)
    old = table_spec(store.table_name)
    del old["GlobalSecondaryIndexes"]
    old["AttributeDefinitions"] = [
        a for a in old["AttributeDefinitions"] if a["AttributeName"] != KIND
    ]
    store.client.call("CreateTable", old, idempotent=False)
    try:
        with pytest.raises(StorageUnavailable, match="db upgrade"):
            store.check()
        store.upgrade()
        assert store.check().startswith("dynamodb table")
        store.add_user(User(name="ann", created_at=T0))
        assert [r["name"] for r in store.dump("users")] == ["ann"]
    finally:
        store.client.call("DeleteTable", {"TableName": store.table_name}, idempotent=False)
        store.close()


def test_a_missing_table_says_how_to_create_it(dynamodb_url: str) -> None:
    store = DynamoStore(dynamodb_url)
    try:
        with pytest.raises(StorageUnavailable, match=r"does not exist: run `recipebox db upgrade`"):
            store.check()
        with pytest.raises(StorageUnavailable, match="does not exist"):
            store.get_recipe("01HXXXXXXXXXXXXXXXXXXXXXXX")
    finally:
        store.close()


def test_an_unreachable_endpoint_is_storage_unavailable(moto_server: str) -> None:
    store = DynamoStore("dynamodb://recipes?region=us-east-1&endpoint_url=http://127.0.0.1:9")
    try:
        with pytest.raises(StorageUnavailable, match="recipes"):
            store.count_recipes()
    finally:
        store.close()


def test_open_store_picks_dynamodb_without_connecting() -> None:
    store = open_store("dynamodb://recipes?region=eu-west-1", pool="lambda")
    assert isinstance(store, DynamoStore)
    assert (store.table_name, store.region, store.table._client) == ("recipes", "eu-west-1", None)
    with pytest.raises(Invalid):
        open_store("dynamodb://recipes?regoin=eu-west-1")
    with pytest.raises(Invalid):
        open_store("dynamodb://x?region=eu-west-1")


def test_importing_the_store_registry_does_not_import_boto3() -> None:
    code = "import sys, recipebox.store; print('boto3' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_iam_actions_cover_every_request_the_store_makes(
    dynamodb: DynamoStore, cookbook: list[Recipe]
) -> None:
    with requests(dynamodb) as calls:
        ann = add_user(dynamodb, "ann")
        dynamodb.link_identity(Identity("google", "g-1", ann.id))
        dynamodb.unlink_identity(ann.id, "google")
        dynamodb.select_recipe(ann.id, cookbook[0].id, 2)
        dynamodb.set_item_checked(ann.id, dynamodb.add_list_item(ListItem(ann.id, "tea")).id, True)
        dynamodb.clear_checked(ann.id)
        dynamodb.search_recipes("lemon", tag="dessert")
        dynamodb.update_recipe(recipe("Lime tart", id=cookbook[0].id))
        dynamodb.delete_recipe(cookbook[1].id)
        dynamodb.load({kind: list(dynamodb.dump(kind)) for kind in ("users", "recipes")})
        dynamodb.check()
    # IAM authorises each action inside a transaction as its own Put/Update/Delete/ConditionCheck.
    transact = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
    needed = {f"dynamodb:{op}" for op in calls if op != "TransactWriteItems"} | transact
    assert needed | {"dynamodb:ConditionCheckItem"} == set(IAM_ACTIONS)
