"""Recipes and their ingredient lines, and scaling a recipe to other servings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from recipebox.domain.ids import new_id
from recipebox.domain.quantity import Quantity


@dataclass(frozen=True, slots=True)
class IngredientLine:
    """One ingredient line as written, with what the parser understood of it.

    `text` is always the original line; `unit` is a key of `recipebox.domain.units.UNITS`
    (or None for unit-less lines such as "3 eggs"); `food` is the food as written
    ("all-purpose flour"); `note` holds the rest ("sifted"). A line the parser could not
    understand keeps its text with `quantity` None and `food` equal to the text.
    """

    text: str
    quantity: Quantity | None = None
    unit: str | None = None
    food: str = ""
    note: str = ""
    section: str | None = None

    def scaled(self, factor: Fraction) -> IngredientLine:
        """Return the line with its quantity multiplied by `factor`."""
        if self.quantity is None or factor == 1:
            return self
        return dataclasses.replace(self, quantity=self.quantity.scaled(factor))


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(slots=True)
class Recipe:
    """A recipe. `owner_id` is the user who may edit it (None for shared demo recipes)."""

    title: str
    servings: int = 4
    description: str = ""
    ingredients: list[IngredientLine] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source_url: str | None = None
    image_url: str | None = None
    owner_id: str | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)

    def scaled(self, servings: int) -> Recipe:
        """Return a copy with every quantity rescaled from `self.servings` to `servings`."""
        if servings <= 0:
            raise ValueError("servings must be positive")
        factor = Fraction(servings, self.servings)
        return dataclasses.replace(
            self,
            servings=servings,
            ingredients=[line.scaled(factor) for line in self.ingredients],
        )


@dataclass(frozen=True, slots=True)
class RecipeSummary:
    """What a recipe card or a search hit shows."""

    id: str
    title: str
    description: str
    servings: int
    tags: tuple[str, ...]
    image_url: str | None
    owner_id: str | None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of recipe summaries; `total` counts every match.

    With `total_is_estimate`, `total` is a lower bound ("1,000+"): a full-text query matched
    more recipes than the store counts exactly.
    """

    items: tuple[RecipeSummary, ...]
    total: int
    page: int
    per_page: int
    total_is_estimate: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
