"""A user's list: selected recipes with servings, manual items, checked lines and pantry staples."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from recipebox.domain.ids import new_id
from recipebox.domain.recipes import Recipe

DEFAULT_STAPLES: tuple[str, ...] = ("salt", "pepper", "water", "oil")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Selection:
    """A recipe a user picked, with the servings wanted."""

    recipe_id: str
    servings: int
    added_at: datetime = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class ListItem:
    """A manual shopping-list item typed by the user ("paper towels", "2 lemons")."""

    user_id: str
    text: str
    checked: bool = False
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class ShoppingData:
    """Everything the shopping list of one user is computed from, read in one go.

    `checked` holds the keys of merged shopping lines the user checked off
    (see `recipebox.domain.shopping.ShoppingLine.key`). `staples` is None while the user
    kept the defaults.
    """

    selections: tuple[Selection, ...]
    recipes: dict[str, Recipe]
    items: tuple[ListItem, ...]
    checked: frozenset[str]
    staples: tuple[str, ...] | None

    @property
    def staple_foods(self) -> tuple[str, ...]:
        return DEFAULT_STAPLES if self.staples is None else self.staples
