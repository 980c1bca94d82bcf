"""copy-data: every record from one backend to another, resumable, verified by checksums."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from recipebox.domain.lists import ListItem
from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.seed.synthetic import synthetic_recipes
from recipebox.services.copy import CopyMismatch, CopyReport, copy_data, fingerprint
from recipebox.store.protocol import ENTITY_KINDS, Store
from recipebox.store.remote import InProcessTransport, RemoteStore
from recipebox.store.sql import SqlStore

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
Dump = dict[str, list[dict[str, Any]]]


def dumped(store: Store) -> Dump:
    return {kind: sorted(store.dump(kind), key=repr) for kind in ENTITY_KINDS}


def populate(store: Store) -> None:
    """Some of everything: 5 users, 2 with a second identity, 21 recipes, lists, tokens."""
    crepes = Recipe(
        title="Crêpes 🥞 for two",
        servings=2,
        ingredients=[
            IngredientLine("1 1/2 cups flour", Quantity(Fraction(3, 2)), "cup", "flour", "", "Mix"),
            IngredientLine("1-2 eggs", Quantity(Fraction(1), Fraction(2)), None, "eggs", "beaten"),
        ],
        steps=["Whisk.", "Fry."],
        tags=["breakfast", "French"],
        created_at=datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        updated_at=T0,
    )  # fmt: skip
    recipes = [crepes, *synthetic_recipes(20, seed=7)]
    store.add_recipes(recipes)
    for n in range(5):
        user = User(name=f"user{n}", display_name=f"User {n}", created_at=T0 + timedelta(n))
        store.add_user(user, Identity("github", f"gh-{n}", user.id))
        if n % 2:
            store.link_identity(Identity("google", f"g-{n}", user.id))
        for k in range(n + 1):
            store.select_recipe(user.id, recipes[(7 * n + k) % len(recipes)].id, k + 1)
        for k in range(3):
            item = store.add_list_item(ListItem(user.id, f"item {k} of {n}", created_at=T0))
            store.set_item_checked(user.id, item.id, k == 0)
        for key in ("flour|g", "eggs|", "ü" * 200)[: n % 4]:
            store.set_line_checked(user.id, key, True)
        if n < 2:
            store.set_staples(user.id, ["salt", "olive oil"][: n + 1])
            store.add_token(AccessToken(user.id, "laptop", f"{n}" * 64, created_at=T0))


def assert_verified(report: CopyReport, source: Store) -> None:
    expected = {kind: fingerprint(source.dump(kind)) for kind in ENTITY_KINDS}
    assert [(k.kind, k.count, k.checksum) for k in report.kinds] == [
        (kind, expected[kind].count, expected[kind].checksum) for kind in ENTITY_KINDS
    ]


@pytest.mark.mariadb
def test_mariadb_to_dynamodb_to_sqlite_loses_nothing(
    mariadb: SqlStore, dynamodb: Store, sqlite: SqlStore
) -> None:
    populate(mariadb)
    seen: list[tuple[str, int]] = []
    into_dynamodb = copy_data(
        mariadb, dynamodb, lambda kind, n: seen.append((kind, n)), chunk_records=7
    )
    into_sqlite = copy_data(dynamodb, sqlite, chunk_records=7)
    original = dumped(mariadb)
    assert [len(original[kind]) for kind in ENTITY_KINDS] == [5, 7, 21, 15, 15, 6, 2, 2]
    assert dumped(dynamodb) == original
    assert dumped(sqlite) == original
    assert into_dynamodb == into_sqlite
    assert (into_sqlite.count, into_sqlite.written) == (73, 73)
    assert_verified(into_sqlite, mariadb)
    assert [n for kind, n in seen if kind == "recipes"] == [7, 14, 21, 21]
    # The targets rebuilt their indexes: search, tags and lists answer as the source does.
    for target in (dynamodb, sqlite):
        assert target.search_recipes("crêpes") == mariadb.search_recipes("crêpes")
        assert target.tags() == mariadb.tags()
        user = mariadb.user_for_identity("google", "g-3")
        assert user is not None
        assert target.shopping_data(user.id) == mariadb.shopping_data(user.id)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[RemoteStore]:
    """A second, empty SQLite store behind the data protocol (copy-data to a remote store)."""
    backend = SqlStore(f"sqlite:///{tmp_path / 'target.db'}")
    backend.upgrade()
    yield RemoteStore(InProcessTransport(backend))
    backend.close()


class Interrupted(Exception):
    pass


def test_an_interrupted_copy_is_finished_by_running_it_again(
    sqlite: SqlStore, target: RemoteStore
) -> None:
    populate(sqlite)
    chunks: list[tuple[str, int]] = []

    def stop_after_three(kind: str, n: int) -> None:
        chunks.append((kind, n))
        if len(chunks) == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        copy_data(sqlite, target, stop_after_three, chunk_records=4)
    assert chunks == [("users", 4), ("users", 5), ("identities", 4)]
    already = sum(len(records) for records in dumped(target).values())
    assert already == 5 + 4

    report = copy_data(sqlite, target, chunk_records=4)
    assert (report.count, report.written) == (73, 73 - already)
    assert dumped(target) == dumped(sqlite)
    assert_verified(report, sqlite)


def test_copying_again_writes_nothing_and_repairs_changed_records(
    sqlite: SqlStore, target: RemoteStore
) -> None:
    populate(sqlite)
    first = copy_data(sqlite, target)
    assert copy_data(sqlite, target).written == 0
    user = target.user_for_identity("github", "gh-2")
    assert user is not None
    target.update_user(User(name="renamed", id=user.id, created_at=user.created_at))
    again = copy_data(sqlite, target)
    assert [(k.kind, k.written) for k in again.kinds if k.written] == [("users", 1)]
    totals = [(k.kind, k.count, k.checksum) for k in again.kinds]
    assert totals == [(k.kind, k.count, k.checksum) for k in first.kinds]
    assert dumped(target) == dumped(sqlite)


def test_a_target_holding_other_records_fails_verification_naming_the_kind(
    sqlite: SqlStore, target: RemoteStore
) -> None:
    populate(sqlite)
    target.add_user(User("stray", created_at=T0))
    with pytest.raises(CopyMismatch, match=r"^users: the source has 5 records .*, the target 6 "):
        copy_data(sqlite, target)


def test_the_checksum_ignores_the_order_of_records(sqlite: SqlStore) -> None:
    populate(sqlite)
    records = list(sqlite.dump("recipes"))
    forward, backward = fingerprint(records), fingerprint(reversed(records))
    assert (forward.count, forward.checksum) == (backward.count, backward.checksum)
    assert fingerprint(records[1:]).checksum != forward.checksum
