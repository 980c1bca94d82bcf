"""Batch requests retry what DynamoDB leaves unprocessed, with capped exponential backoff.

DynamoDB returns UnprocessedItems / UnprocessedKeys when a partition is throttled; moto never
does. `HoldsBackHalf` stands in for the throttling only: it sends the first half of a batch to
the real (moto) client and hands the rest back as unprocessed, so every item still travels
through the retry code to the server.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from recipebox.domain.errors import StorageUnavailable
from recipebox.domain.recipes import Recipe
from recipebox.store.dynamodb import DynamoStore
from recipebox.store.dynamodb.table import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_ATTEMPTS,
    WRITE_BATCH,
    Table,
    backoff,
)


class HoldsBackHalf:
    """A DynamoDB client that answers its first `times` batch requests only half-done."""

    def __init__(self, client: Any, times: int = 1) -> None:
        self.client = client
        self.times = times
        self.writes: list[int] = []  # requests per BatchWriteItem call
        self.gets: list[int] = []  # keys per BatchGetItem call

    def call(self, operation: str, params: dict[str, Any], *, idempotent: bool) -> Any:
        if operation == "BatchWriteItem":
            return self.batch_write_item(params["RequestItems"], idempotent)
        if operation == "BatchGetItem":
            return self.batch_get_item(params["RequestItems"], idempotent)
        return self.client.call(operation, params, idempotent=idempotent)

    def batch_write_item(self, request_items: dict[str, list[Any]], idempotent: bool) -> Any:
        assert idempotent  # unconditional puts and deletes: safe to send again
        ((table, requests),) = request_items.items()
        self.writes.append(len(requests))
        if self.times <= 0:
            return self.send("BatchWriteItem", {table: requests}, idempotent)
        self.times -= 1
        half = len(requests) // 2
        done = self.send("BatchWriteItem", {table: requests[:half]}, idempotent) if half else {}
        return {**done, "UnprocessedItems": {table: requests[half:]}}

    def batch_get_item(self, request_items: dict[str, dict[str, Any]], idempotent: bool) -> Any:
        assert idempotent
        ((table, request),) = request_items.items()
        self.gets.append(len(request["Keys"]))
        if self.times <= 0:
            return self.send("BatchGetItem", {table: request}, idempotent)
        self.times -= 1
        half = len(request["Keys"]) // 2
        held = {table: {**request, "Keys": request["Keys"][half:]}}
        response = self.send(
            "BatchGetItem", {table: {**request, "Keys": request["Keys"][:half]}}, idempotent
        )
        return {**response, "UnprocessedKeys": held}

    def send(self, operation: str, request_items: Any, idempotent: bool) -> Any:
        return self.client.call(operation, {"RequestItems": request_items}, idempotent=idempotent)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def throttled(store: DynamoStore, times: int = 1) -> tuple[Table, HoldsBackHalf, list[float]]:
    """A Table on the store's table whose client holds back half of `times` batches."""
    client = HoldsBackHalf(store.client, times)
    waits: list[float] = []
    return Table(store.table_name, lambda: client, sleep=waits.append), client, waits


def items(n: int) -> list[dict[str, Any]]:
    return [{"pk": "TEST", "sk": f"{i:04d}", "n": i} for i in range(n)]


def test_batch_write_retries_unprocessed_items_after_a_backoff(dynamodb: DynamoStore) -> None:
    table, client, waits = throttled(dynamodb)
    assert table.batch_write(items(60)) == 60
    assert client.writes == [WRITE_BATCH, WRITE_BATCH - WRITE_BATCH // 2, WRITE_BATCH, 10]
    assert len(waits) == 1
    assert 0 <= waits[0] <= BACKOFF_BASE
    assert dynamodb.table.query("TEST") == items(60)


def test_batch_write_gives_up_when_throttling_persists(dynamodb: DynamoStore) -> None:
    table, client, waits = throttled(dynamodb, times=1000)
    with pytest.raises(StorageUnavailable, match="throttled"):
        table.batch_write(items(25))
    assert client.writes == [25, 13, 7, 4, 2] + [1] * (MAX_ATTEMPTS - 5)
    assert len(waits) == MAX_ATTEMPTS - 1


def test_batch_get_retries_unprocessed_keys(dynamodb: DynamoStore) -> None:
    dynamodb.table.batch_write(items(150))
    table, client, waits = throttled(dynamodb, times=2)
    found = table.batch_get([{"pk": "TEST", "sk": f"{i:04d}"} for i in range(150)])
    assert sorted(found, key=lambda item: item["sk"]) == items(150)
    assert client.gets == [100, 50, 25, 50]
    assert len(waits) == 2


def test_add_recipes_survives_throttling(dynamodb: DynamoStore) -> None:
    table, client, _ = throttled(dynamodb, times=3)
    dynamodb.table = table
    recipes = [Recipe(title=f"Recipe {n}", tags=["batch"]) for n in range(40)]
    assert dynamodb.add_recipes(recipes) == 40
    assert max(client.writes) == WRITE_BATCH
    assert dynamodb.count_recipes() == 40
    assert dynamodb.get_recipes(r.id for r in recipes) == {r.id: r for r in recipes}
    assert dynamodb.search_recipes(tag="batch").total == 40


def test_backoff_is_jittered_exponential_and_capped() -> None:
    random.seed(6)
    for attempt in range(12):
        limit = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
        waits = [backoff(attempt) for _ in range(200)]
        assert all(0 <= wait <= limit for wait in waits)
        assert max(waits) > limit / 2
