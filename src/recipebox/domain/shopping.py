"""The shopping list: the selected recipes scaled, like foods merged, lines grouped by aisle.

Merging. Recipe lines merge by food key (`recipebox.domain.foods.food_key`) and dimension:
mass with mass (added up in grams), volume with volume (millilitres), one countable unit with
itself ("garlic|clove") and unit-less counts together ("egg|count"), exactly, with ranges
adding low to low and high to high. A food with a known density merges its mass and volume
lines into one, shown in the dimension the food is sold by (flour by mass, milk by volume); a
food with only one of the two keeps it. A line without an amount ("salt to taste") joins the
food's line with an amount when there is one (`unquantified` says so), else stands alone.

Keys. A merged line's key is f"{food}|{dimension}" ("flour|mass", "garlic|clove",
"salt|any" for amount-less lines); a manual item's is f"item:{id}" (food keys hold no ":").
Flour in cups alone is "flour|volume", and becomes "flour|mass" once a recipe adds grams.

Aisles come from the food (`recipebox.domain.aisles`), except that canned or jarred produce,
meat and fish go to the pantry and a herb bought by the bunch or handful is produce. Manual
items are never merged: each is its own line with its own `checked`, placed by the food its
text names. Recipe foods among the pantry staples go to `staples` ("check you have").
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

from recipebox.domain.aisles import AISLES, aisle_of
from recipebox.domain.foods import (
    density_of,
    display_name,
    food_and_unit,
    food_key,
    is_staple,
    staple_keys,
)
from recipebox.domain.lists import ListItem, ShoppingData
from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine
from recipebox.domain.units import UNITS, System, best_unit, convert, format_amount, format_quantity

_ANY = "any"  # the dimension of lines without an amount
_ONE = Fraction(1)
_CONVERTIBLE = ("mass", "volume")
# Which line of a food an amount-less line joins: the first present in this order.
_JOIN_ORDER = {"mass": 0, "volume": 1, "count": 2}
_BASE_UNIT = {"mass": "g", "volume": "ml"}
# A unit of the other system, to convert from when a line mixes systems.
_FOREIGN_UNIT: dict[tuple[str, System], str] = {
    ("mass", "metric"): "oz",
    ("volume", "metric"): "tsp",
    ("mass", "us"): "g",
    ("volume", "us"): "ml",
}
# Canned or jarred fruit, vegetables, meat and fish are sold in the pantry aisle; herbs
# bought by the bunch are fresh ("a handful of coriander" is leaves, not the ground spice).
_CONTAINERS = frozenset({"can", "jar"})
_FRESH = frozenset({"bunch", "handful", "sprig"})


MAX_KEY = 200


def line_key(food: str, dimension: str) -> str:
    """The stable key of a merged line; long ones (unparsed text) end in a digest to fit storage."""
    key = f"{food}|{dimension}"
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{key[: MAX_KEY - 17]}#{digest}"


@dataclass(frozen=True, slots=True)
class RecipeRef:
    """A selected recipe, with the servings wanted."""

    id: str
    title: str
    servings: int


@dataclass(frozen=True, slots=True)
class Source:
    """One input of a shopping line: the ingredient line as written (or the manual item)."""

    recipe_id: str | None
    text: str


@dataclass(frozen=True, slots=True)
class ShoppingLine:
    """One line of the list: a food's merged amount, or a manual item (`item_id` set).

    `quantity` is exact and in `unit` (None for counts), `amount` is it written readably;
    both are empty when no source gave an amount. `unquantified` says some source gave none
    ("salt to taste"). `recipes` and `sources` follow the order the recipes were selected in.
    """

    key: str
    food: str
    name: str
    aisle: str
    dimension: str
    checked: bool
    sources: tuple[Source, ...]
    quantity: Quantity | None = None
    unit: str | None = None
    amount: str = ""
    unquantified: bool = False
    recipes: tuple[RecipeRef, ...] = ()
    item_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The line as JSON-ready data; quantities exact ("3/2", "1-2")."""
        return {
            "key": self.key,
            "food": self.food,
            "name": self.name,
            "aisle": self.aisle,
            "dimension": self.dimension,
            "quantity": None if self.quantity is None else self.quantity.to_json(),
            "unit": self.unit,
            "amount": self.amount,
            "unquantified": self.unquantified,
            "checked": self.checked,
            "item_id": self.item_id,
            "recipes": [{"id": ref.id, "title": ref.title} for ref in self.recipes],
            "sources": [{"recipe_id": s.recipe_id, "text": s.text} for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class AisleGroup:
    """The lines of one aisle, sorted by name."""

    aisle: str
    lines: tuple[ShoppingLine, ...]


@dataclass(frozen=True, slots=True)
class ShoppingList:
    """Aisles in shop order (empty ones left out), then the staples to check at home."""

    aisles: tuple[AisleGroup, ...]
    staples: tuple[ShoppingLine, ...]
    recipes: tuple[RecipeRef, ...]
    system: System | None = None

    @property
    def lines(self) -> tuple[ShoppingLine, ...]:
        return (*(line for group in self.aisles for line in group.lines), *self.staples)

    @property
    def total(self) -> int:
        return sum(len(group.lines) for group in self.aisles) + len(self.staples)

    @property
    def checked_count(self) -> int:
        return sum(line.checked for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        """The list as JSON-ready data, for the CLI's --json and the API."""
        return {
            "system": self.system,
            "total": self.total,
            "checked": self.checked_count,
            "recipes": [
                {"id": ref.id, "title": ref.title, "servings": ref.servings} for ref in self.recipes
            ],
            "aisles": [
                {"aisle": group.aisle, "lines": [line.to_dict() for line in group.lines]}
                for group in self.aisles
            ],
            "staples": [line.to_dict() for line in self.staples],
        }


# A rational number as (numerator, denominator), not normalised: accumulating plain integers
# and adding them up once (`_exact_sum`) is several times faster than adding Fractions.
_Term = tuple[int, int]


@dataclass(slots=True)
class _Total:
    """What one food adds up to in one dimension, as terms in the dimension's base unit."""

    food: str
    dimension: str
    lows: list[_Term] = field(default_factory=list)
    highs: list[_Term] = field(default_factory=list)
    ranged: bool = False
    metric: int = 0
    us: int = 0
    unquantified: bool = False
    absorbed: bool = False  # sources from another total were appended, out of order
    # (position of the recipe in the selections, of the line in the recipe), recipe id, text
    sources: list[tuple[tuple[int, int], str, str]] = field(default_factory=list)

    def absorb(self, other: _Total, factor: Fraction) -> None:
        """Add `other`, its amounts multiplied by `factor` into this dimension."""
        num, den = factor.numerator, factor.denominator
        self.lows += [(n * num, d * den) for n, d in other.lows]
        self.highs += [(n * num, d * den) for n, d in other.highs]
        self.ranged |= other.ranged
        self.metric += other.metric
        self.us += other.us
        self.unquantified |= other.unquantified
        self.sources += other.sources
        self.absorbed = True


def build_shopping_list(data: ShoppingData, system: System | None = None) -> ShoppingList:
    """Merge the user's selected recipes, manual items and staples into one shopping list.

    `system` converts masses and volumes to "metric" or "us"; None shows each line in the
    system most of its sources were written in (metric on a tie).
    """
    totals: dict[tuple[str, str], _Total] = {}
    refs: dict[str, RecipeRef] = {}
    for position, selection in enumerate(data.selections):
        recipe = data.recipes.get(selection.recipe_id)
        if recipe is None:  # deleted since it was selected
            continue
        refs.setdefault(recipe.id, RecipeRef(recipe.id, recipe.title, selection.servings))
        factor = Fraction(selection.servings, recipe.servings) if recipe.servings > 0 else _ONE
        for index, ingredient in enumerate(recipe.ingredients):
            _add(totals, ingredient, factor, recipe.id, (position, index))
    _merge_by_density(totals)
    _join_unquantified(totals)

    staples = staple_keys(data.staple_foods)
    by_aisle: dict[str, list[ShoppingLine]] = {}
    staple_lines: list[ShoppingLine] = []
    for total in totals.values():
        line = _line(total, refs, data.checked, system)
        if is_staple(total.food, staples):
            staple_lines.append(line)
        else:
            by_aisle.setdefault(line.aisle, []).append(line)
    for item in data.items:
        line = _item_line(item)
        by_aisle.setdefault(line.aisle, []).append(line)

    return ShoppingList(
        aisles=tuple(
            AisleGroup(aisle, tuple(sorted(by_aisle[aisle], key=_order)))
            for aisle in AISLES
            if aisle in by_aisle
        ),
        staples=tuple(sorted(staple_lines, key=_order)),
        recipes=tuple(refs.values()),
        system=system,
    )


@lru_cache(maxsize=8192)
def _kind(name: str, unit: str | None) -> tuple[str, str, int, int, str | None]:
    """A line's food key and dimension, its unit's factor to the base unit as a term, and
    the unit's system."""
    food, unit = food_and_unit(name, unit)
    food = food or name
    spec = None if unit is None else UNITS.get(unit)
    if unit is None:
        return food, "count", 1, 1, None
    if spec is None:  # a unit unknown to the table counts as its own countable unit
        return food, unit, 1, 1, None
    return food, spec.dimension, spec.factor.numerator, spec.factor.denominator, spec.system


def _add(
    totals: dict[tuple[str, str], _Total],
    line: IngredientLine,
    factor: Fraction,
    recipe_id: str,
    order: tuple[int, int],
) -> None:
    food, dimension, unit_num, unit_den, unit_system = _kind(line.food or line.text, line.unit)
    quantity = line.quantity
    if quantity is None:
        dimension = _ANY
    total = totals.get((food, dimension))
    if total is None:
        total = totals[(food, dimension)] = _Total(food, dimension)
    total.sources.append((order, recipe_id, line.text))
    if quantity is None:
        total.unquantified = True
        return
    if unit_system == "metric":
        total.metric += 1
    elif unit_system == "us":
        total.us += 1
    num, den = factor.numerator * unit_num, factor.denominator * unit_den
    low, high = quantity.low, quantity.high
    term = (low.numerator * num, low.denominator * den)
    total.lows.append(term)
    if high is None or high == low:
        total.highs.append(term)
    else:
        total.highs.append((high.numerator * num, high.denominator * den))
        total.ranged = True


def _exact_sum(terms: list[_Term]) -> _Term:
    """Add terms up exactly, in lowest terms."""
    if len(terms) == 1:
        total, common = terms[0]
    else:
        common = math.lcm(*(den for _, den in terms))
        total = sum(num * (common // den) for num, den in terms)
    divisor = math.gcd(total, common)
    return total // divisor, common // divisor


def _merge_by_density(totals: dict[tuple[str, str], _Total]) -> None:
    """Fold a food's mass and volume together when its density is known."""
    for food, dimension in list(totals):
        if dimension != "mass" or (food, "volume") not in totals:
            continue
        density = density_of(food)
        if density is None:
            continue
        mass, volume = totals.pop((food, "mass")), totals.pop((food, "volume"))
        if density.sold_by == "mass":
            mass.absorb(volume, density.grams_per_ml)
            totals[(food, "mass")] = mass
        else:
            volume.absorb(mass, 1 / density.grams_per_ml)
            totals[(food, "volume")] = volume


def _join_unquantified(totals: dict[tuple[str, str], _Total]) -> None:
    """Let "salt to taste" join the food's line with an amount, if it has one."""
    dimensions: dict[str, list[str]] = {}
    for food, dimension in totals:
        dimensions.setdefault(food, []).append(dimension)
    for food, present in dimensions.items():
        if _ANY not in present or len(present) == 1:
            continue
        # Sorted, so the choice does not depend on the order recipes were selected in.
        target = min((d for d in present if d != _ANY), key=lambda d: (_JOIN_ORDER.get(d, 3), d))
        totals[(food, target)].absorb(totals.pop((food, _ANY)), _ONE)


def _line(
    total: _Total,
    refs: dict[str, RecipeRef],
    checked: frozenset[str],
    system: System | None,
) -> ShoppingLine:
    if total.absorbed:
        total.sources.sort(key=lambda source: source[0])
    recipe_ids = dict.fromkeys([recipe_id for _, recipe_id, _ in total.sources])
    quantity, unit, amount = _amount(total, system)
    aisle = aisle_of(total.food)
    if unit in _CONTAINERS and aisle in ("produce", "meat & fish"):
        aisle = "pantry"
    elif unit in _FRESH and aisle == "spices":
        aisle = "produce"
    key = line_key(total.food, total.dimension)
    most = None if quantity is None else quantity.high or quantity.low
    return ShoppingLine(
        key=key,
        food=total.food,
        name=display_name(total.food, plural=unit is None and most is not None and most > 1),
        aisle=aisle,
        dimension=total.dimension,
        quantity=quantity,
        unit=unit,
        amount=amount,
        unquantified=total.unquantified,
        checked=key in checked,
        recipes=tuple([refs[recipe_id] for recipe_id in recipe_ids]),
        sources=tuple([Source(recipe_id, text) for _, recipe_id, text in total.sources]),
    )


def _amount(total: _Total, system: System | None) -> tuple[Quantity | None, str | None, str]:
    """The total as an exact quantity in a readable unit, and written out."""
    if total.dimension == _ANY:
        return None, None, ""
    low = _exact_sum(total.lows)
    high = _exact_sum(total.highs) if total.ranged else None
    if total.dimension not in _CONVERTIBLE:
        return _readable(low, high, total.dimension, None, converted=False)
    chosen: System = system or ("metric" if total.metric >= total.us else "us")
    converted = bool(total.us if chosen == "metric" else total.metric)
    return _readable(low, high, total.dimension, chosen, converted=converted)


# Cached: a list is rebuilt after every check-off, with the same amounts, and finding a
# readable unit and writing the amount cost far more than adding it up.
@lru_cache(maxsize=4096)
def _readable(
    low: _Term,
    high: _Term | None,
    dimension: str,
    system: System | None,
    *,
    converted: bool,
) -> tuple[Quantity, str | None, str]:
    """An amount in base units as a quantity in a readable unit, and written out.

    `converted` says part of it was written in the other system than `system`.
    """
    quantity = Quantity(Fraction(*low), None if high is None else Fraction(*high))
    if system is None:  # a count or a countable unit, written as it is
        # A shop sells whole onions, cloves and cans: show what to buy, keep the exact need.
        shown = _whole(quantity) if dimension not in _VAGUE_UNITS else quantity
        if dimension == "count":
            return quantity, None, format_quantity(shown)
        if dimension not in UNITS:
            return quantity, dimension, f"{format_quantity(shown)} {dimension}"
        return quantity, dimension, format_amount(shown, dimension)
    unit = best_unit(quantity.low, dimension, system)
    if not converted:
        quantity = convert(quantity, _BASE_UNIT[dimension], unit)
        return quantity, unit, format_amount(quantity, unit)
    # Let units convert from the other system, which rounds to what a cook can measure
    # ("1 cup" -> "240 ml").
    foreign = _FOREIGN_UNIT[(dimension, system)]
    written = format_amount(convert(quantity, _BASE_UNIT[dimension], foreign), foreign, system)
    return convert(quantity, _BASE_UNIT[dimension], unit), unit, written


# Countable units nobody buys whole: a pinch of salt stays "⅛ pinch" rather than "1 pinch".
_VAGUE_UNITS = frozenset(
    {
        "pinch",
        "dash",
        "handful",
        "drop",
        "splash",
        "knob",
        "scoop",
        "sprig",
        "leaf",
        "inch",
        "strip",
        "slice",
    }
)


def _whole(quantity: Quantity) -> Quantity:
    """Round up to whole items (2 ⅛ onions -> 3), ranges too."""
    high = None if quantity.high is None else Fraction(math.ceil(quantity.high))
    return Quantity(Fraction(math.ceil(quantity.low)), high)


def _item_line(item: ListItem) -> ShoppingLine:
    food = food_key(item.text)
    return ShoppingLine(
        key=f"item:{item.id}",
        food=food,
        name=item.text.strip(),
        aisle=aisle_of(food),
        dimension="item",
        checked=item.checked,
        sources=(Source(None, item.text),),
        item_id=item.id,
    )


def _order(line: ShoppingLine) -> tuple[str, str]:
    return line.food, line.key
