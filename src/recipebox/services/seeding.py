"""Load the demo recipes and generate synthetic data, in batches with progress."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from recipebox.domain.errors import NotFound
from recipebox.domain.recipes import Recipe
from recipebox.domain.users import Identity
from recipebox.store.protocol import Store

T = TypeVar("T")
Progress = Callable[[int], None]
BATCH = 1000


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def load_demo(store: Store) -> int:
    """Add the demo recipes that are not there yet; return how many were added."""
    from recipebox.seed.demo import demo_recipes  # lazy: parses the demo recipes

    recipes = demo_recipes()
    existing = store.get_recipes(recipe.id for recipe in recipes)
    missing = [recipe for recipe in recipes if recipe.id not in existing]
    return store.add_recipes(missing) if missing else 0


def add_in_batches(
    store: Store, recipes: Iterable[Recipe], progress: Progress | None = None
) -> int:
    """Write recipes in batches of BATCH, reporting each batch to `progress`."""
    written = 0
    for batch in _batches(recipes, BATCH):
        written += store.add_recipes(batch)
        if progress is not None:
            progress(len(batch))
    return written


def find_recipe(store: Store, ref: str) -> Recipe:
    """A recipe by id, or else by exact title; NotFound names what was looked for."""
    try:
        return store.get_recipe(ref)
    except NotFound:
        pass
    try:
        return store.find_recipe_by_title(ref)
    except NotFound:
        raise NotFound(f"no recipe with id or title {ref!r}") from None


def seed_synthetic(
    store: Store,
    n: int,
    *,
    users: int = 100,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write `n` synthetic recipes, `users` local users and their Zipf-popular selections.

    Deterministic for a given seed; running it again replaces the same records.
    """
    from recipebox.domain import records
    from recipebox.seed import synthetic
    from recipebox.services.people import LOCAL_PROVIDER

    written = add_in_batches(store, synthetic.synthetic_recipes(n, seed=seed), progress)
    people = synthetic.synthetic_users(users, seed=seed)
    ids = synthetic.synthetic_recipe_ids(n, seed=seed)
    selections = [
        records.selection_to_record(user_id, selection)
        for user_id, selection in synthetic.synthetic_selections(people, ids, seed=seed)
    ]
    store.load(
        {
            "users": [records.user_to_record(user) for user in people],
            "identities": [
                records.identity_to_record(Identity(LOCAL_PROVIDER, user.name, user.id))
                for user in people
            ],
            "selections": selections,
        }
    )
    return {"recipes": written, "users": len(people), "selections": len(selections)}
