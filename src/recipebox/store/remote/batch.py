"""Batches: collect several store reads, send them in one request, use the results afterwards.

A page that needs a search, the popular tags and the user's selections asks for all three
first and reads the values after, so a remote store answers them in one invoke:

    reads = batch(store)
    found = reads.search_recipes(query, page=page)
    popular = reads.tags(limit=14)
    found.value, popular.value   # the first `.value` sends the batch

`batch(store)` works with every backend: for a local one the calls simply run when the batch
is sent. Each call is still its own transaction; a call's error is raised by its `.value`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from recipebox.domain.errors import Invalid, RecipeboxError
from recipebox.domain.lists import Selection, ShoppingData
from recipebox.domain.recipes import Page, Recipe
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.store.protocol import Store
from recipebox.store.remote.wire import OPS

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Call:
    """One operation with its (Python) keyword arguments."""

    op: str
    args: dict[str, Any] = field(default_factory=dict)


Outcome = tuple[Any, RecipeboxError | None]  # (value, None) or (None, error)
Runner = Callable[[Sequence[Call]], list[Outcome]]


class Pending(Generic[T]):
    """The result of a batched call; `.value` sends the batch if it has not gone yet."""

    __slots__ = ("_batch", "_error", "_settled", "_value")

    def __init__(self, batch: Batch) -> None:
        self._batch = batch
        self._settled = False
        self._value: Any = None
        self._error: RecipeboxError | None = None

    def settle(self, outcome: Outcome) -> None:
        self._value, self._error = outcome
        self._settled = True

    @property
    def value(self) -> T:
        if not self._settled:
            self._batch.send()
        if self._error is not None:
            raise self._error
        value: T = self._value
        return value


class Batch:
    """Read calls collected until `send()` (or the first `.value`), then run as one request."""

    def __init__(self, run: Runner) -> None:
        self._run = run
        self._calls: list[Call] = []
        self._pending: list[Pending[Any]] = []

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.send()

    def send(self) -> None:
        """Run the collected calls (one request for a remote store); later calls start anew."""
        calls, pending = self._calls, self._pending
        self._calls, self._pending = [], []
        if not calls:
            return
        try:
            outcomes = self._run(calls)
        except RecipeboxError as exc:  # the whole request failed: every call failed
            outcomes = [(None, exc)] * len(calls)
        for waiting, outcome in zip(pending, outcomes, strict=True):
            waiting.settle(outcome)

    def add(self, op: str, **args: Any) -> Pending[Any]:
        if op not in OPS or op == "dump_page":  # dump_page is the remote client's own
            raise Invalid(f"unknown operation {op!r}")
        self._calls.append(Call(op, args))
        pending: Pending[Any] = Pending(self)
        self._pending.append(pending)
        return pending

    # --- the reads a page combines ----------------------------------------------------------
    def get_recipe(self, recipe_id: str) -> Pending[Recipe]:
        return self.add("get_recipe", recipe_id=recipe_id)

    def get_recipes(self, recipe_ids: Iterable[str]) -> Pending[dict[str, Recipe]]:
        return self.add("get_recipes", recipe_ids=list(recipe_ids))

    def find_recipe_by_title(self, title: str) -> Pending[Recipe]:
        return self.add("find_recipe_by_title", title=title)

    def search_recipes(
        self,
        query: str = "",
        *,
        tag: str | None = None,
        owner_id: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Pending[Page]:
        return self.add(
            "search_recipes",
            query=query,
            tag=tag,
            owner_id=owner_id,
            page=page,
            per_page=per_page,
        )

    def count_recipes(self) -> Pending[int]:
        return self.add("count_recipes")

    def tags(self, limit: int = 50) -> Pending[list[tuple[str, int]]]:
        return self.add("tags", limit=limit)

    def get_user(self, user_id: str) -> Pending[User]:
        return self.add("get_user", user_id=user_id)

    def user_for_identity(self, provider: str, subject: str) -> Pending[User | None]:
        return self.add("user_for_identity", provider=provider, subject=subject)

    def user_for_token(self, token_hash: str) -> Pending[User | None]:
        return self.add("user_for_token", token_hash=token_hash)

    def identities(self, user_id: str) -> Pending[list[Identity]]:
        return self.add("identities", user_id=user_id)

    def selections(self, user_id: str) -> Pending[list[Selection]]:
        return self.add("selections", user_id=user_id)

    def shopping_data(self, user_id: str) -> Pending[ShoppingData]:
        return self.add("shopping_data", user_id=user_id)

    def tokens(self, user_id: str) -> Pending[list[AccessToken]]:
        return self.add("tokens", user_id=user_id)


def run_locally(store: Store, calls: Sequence[Call]) -> list[Outcome]:
    """Run `calls` one by one on a local store, each error kept as that call's outcome."""
    outcomes: list[Outcome] = []
    for call in calls:
        method: Callable[..., Any] = getattr(store, call.op)  # call.op is in OPS (Batch.add)
        try:
            outcomes.append((method(**call.args), None))
        except RecipeboxError as exc:
            outcomes.append((None, exc))
    return outcomes


def batch(store: Store) -> Batch:
    """A batch for `store`: one request on a remote store, plain calls on any other."""
    run: Runner | None = getattr(store, "run_batch", None)
    if run is None:
        return Batch(lambda calls: run_locally(store, calls))
    return Batch(run)
