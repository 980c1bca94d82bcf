"""Cooking units: a table of mass, volume and countable units, conversion and readable display.

Mass converts through grams and volume through millilitres; countable or vague units
(clove, can, pinch, ...) are each their own dimension and never convert. Display picks a
readable unit in the preferred system ("metric" or "us") and writes kitchen fractions
("1 ½ cups") for US units and short decimals ("1.2 kg") for metric ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from recipebox.domain.quantity import Quantity

System = Literal["metric", "us"]


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit. `factor` converts to the base of `dimension` (g for mass, ml for volume)."""

    key: str
    dimension: str
    factor: Fraction
    system: str | None
    singular: str
    plural: str
    aliases: tuple[str, ...] = ()


def _u(
    key: str,
    dimension: str,
    factor: Fraction | int | str,
    system: str | None,
    singular: str,
    plural: str,
    *aliases: str,
) -> Unit:
    return Unit(key, dimension, Fraction(factor), system, singular, plural, aliases)


# US customary volumes are defined from the US teaspoon: 1 tsp = 4.92892159375 ml exactly.
_TSP = Fraction("4.92892159375")

_TABLE: tuple[Unit, ...] = (
    _u("mg", "mass", "0.001", "metric", "mg", "mg", "milligram", "milligrams", "milligramme"),
    _u("g", "mass", 1, "metric", "g", "g", "gram", "grams", "gramme", "grammes", "gr", "grm"),
    _u("kg", "mass", 1000, "metric", "kg", "kg", "kilogram", "kilograms", "kilo", "kilos", "kgs"),
    _u("oz", "mass", "28.349523125", "us", "oz", "oz", "ounce", "ounces", "onz"),
    _u("lb", "mass", "453.59237", "us", "lb", "lb", "pound", "pounds", "lbs", "#"),
    _u("ml", "volume", 1, "metric", "ml", "ml", "milliliter", "milliliters", "millilitre",
       "millilitres", "mls", "cc"),
    _u("cl", "volume", 10, "metric", "cl", "cl", "centiliter", "centiliters", "centilitre",
       "centilitres"),
    _u("dl", "volume", 100, "metric", "dl", "dl", "deciliter", "deciliters", "decilitre",
       "decilitres"),
    _u("l", "volume", 1000, "metric", "l", "l", "liter", "liters", "litre", "litres", "ltr", "lt"),
    _u("tsp", "volume", _TSP, "us", "tsp", "tsp", "teaspoon", "teaspoons", "t", "tsps",
       "teasp"),
    _u("tbsp", "volume", _TSP * 3, "us", "tbsp", "tbsp", "tablespoon", "tablespoons", "T",
       "tbs", "tbl", "tbsps", "tblsp", "tbls"),
    _u("fl oz", "volume", _TSP * 6, "us", "fl oz", "fl oz", "fluid ounce", "fluid ounces",
       "fl. oz", "fl. oz.", "floz", "fl oz."),
    _u("cup", "volume", _TSP * 48, "us", "cup", "cups", "c", "cups", "C"),
    _u("pint", "volume", _TSP * 96, "us", "pint", "pints", "pt", "pts"),
    _u("quart", "volume", _TSP * 192, "us", "quart", "quarts", "qt", "qts"),
    _u("gallon", "volume", _TSP * 768, "us", "gallon", "gallons", "gal", "gals"),
)

# Countable or vague units: each its own dimension, never converted.
_COUNTABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("piece", "pieces", ("pc", "pcs")),
    ("clove", "cloves", ()),
    ("can", "cans", ("tin", "tins")),
    ("jar", "jars", ()),
    ("bottle", "bottles", ()),
    ("package", "packages", ("pkg", "pkgs", "packet", "packets", "pack", "packs")),
    ("box", "boxes", ()),
    ("bag", "bags", ()),
    ("bunch", "bunches", ()),
    ("head", "heads", ()),
    ("sprig", "sprigs", ()),
    ("stalk", "stalks", ("rib", "ribs")),
    ("stick", "sticks", ()),
    ("slice", "slices", ()),
    ("sheet", "sheets", ()),
    ("fillet", "fillets", ("filet", "filets")),
    ("leaf", "leaves", ()),
    ("pinch", "pinches", ()),
    ("dash", "dashes", ()),
    ("handful", "handfuls", ()),
    ("drop", "drops", ()),
    ("knob", "knobs", ()),
    ("cube", "cubes", ()),
    ("scoop", "scoops", ()),
    ("sachet", "sachets", ("envelope", "envelopes")),
)

UNITS: dict[str, Unit] = {unit.key: unit for unit in _TABLE}
for _singular, _plural, _aliases in _COUNTABLE:
    UNITS[_singular] = Unit(_singular, _singular, Fraction(1), None, _singular, _plural, _aliases)

_ALIASES: dict[str, str] = {}
_CASE_SENSITIVE: dict[str, str] = {"T": "tbsp", "t": "tsp", "C": "cup", "c": "cup"}
for _unit in UNITS.values():
    for _name in (_unit.key, _unit.singular, _unit.plural, *_unit.aliases):
        if _name not in _CASE_SENSITIVE:
            _ALIASES.setdefault(_name.lower(), _unit.key)


def lookup_unit(name: str) -> str | None:
    """Return the unit key for a written unit ("Tablespoons", "T", "g."), or None."""
    name = name.strip()
    if name in _CASE_SENSITIVE:
        return _CASE_SENSITIVE[name]
    name = name.lower()
    if name in _ALIASES:
        return _ALIASES[name]
    if name.endswith(".") and name[:-1] in _ALIASES:
        return _ALIASES[name[:-1]]
    return None


def dimension_of(unit: str | None) -> str:
    """The dimension a unit key belongs to; "count" for unit-less amounts."""
    return "count" if unit is None else UNITS[unit].dimension


def to_base(quantity: Quantity, unit: str) -> Quantity:
    """Convert to the base unit of the dimension (g or ml)."""
    return quantity.scaled(UNITS[unit].factor)


def convert(quantity: Quantity, from_unit: str, to_unit: str) -> Quantity:
    """Convert between two units of the same dimension (ValueError otherwise)."""
    src, dst = UNITS[from_unit], UNITS[to_unit]
    if src.dimension != dst.dimension:
        raise ValueError(f"cannot convert {src.key} to {dst.key}")
    return quantity.scaled(src.factor / dst.factor)


# --- display -------------------------------------------------------------------------------

_VULGAR = {
    Fraction(1, 8): "⅛",
    Fraction(1, 4): "¼",
    Fraction(1, 3): "⅓",
    Fraction(3, 8): "⅜",
    Fraction(1, 2): "½",
    Fraction(5, 8): "⅝",
    Fraction(2, 3): "⅔",
    Fraction(3, 4): "¾",
    Fraction(7, 8): "⅞",
}
_KITCHEN_STEPS = sorted(_VULGAR)


def _kitchen_round(value: Fraction) -> Fraction:
    """Round to the nearest kitchen fraction (eighths, thirds) for values under ten."""
    if value >= 10:
        return Fraction(round(value))
    whole = value.numerator // value.denominator
    rest = value - whole
    candidates = [Fraction(0), *_KITCHEN_STEPS, Fraction(1)]
    best = min(candidates, key=lambda c: (abs(c - rest), c))
    return whole + best


def format_number(value: Fraction, *, kitchen: bool = True) -> str:
    """Write a number readably: "1 ½", "⅓", "12" (kitchen) or "1.2", "750" (decimal)."""
    if not kitchen:
        if value >= 100:
            return str(round(value))
        text = f"{float(value):.2f}" if value < 10 else f"{float(value):.1f}"
        text = text.rstrip("0").rstrip(".")
        return text or "0"
    value = _kitchen_round(value)
    whole = value.numerator // value.denominator
    rest = value - whole
    if rest == 0:
        return str(whole)
    frac = _VULGAR[rest]
    return frac if whole == 0 else f"{whole} {frac}"


def format_quantity(quantity: Quantity, *, kitchen: bool = True) -> str:
    """Write a quantity or range ("1-2", "1 ½")."""
    low = format_number(quantity.low, kitchen=kitchen)
    if not quantity.is_range or quantity.high is None:
        return low
    return f"{low}-{format_number(quantity.high, kitchen=kitchen)}"


# Display ladders: the readable units of each system, smallest first, with the smallest
# value each is used from.
_LADDERS: dict[tuple[str, str], tuple[tuple[str, Fraction], ...]] = {
    ("mass", "metric"): (("g", Fraction(0)), ("kg", Fraction(1000))),
    ("mass", "us"): (("oz", Fraction(0)), ("lb", Fraction("453.59237"))),
    ("volume", "metric"): (("ml", Fraction(0)), ("l", Fraction(1000))),
    ("volume", "us"): (
        ("tsp", Fraction(0)),
        ("tbsp", _TSP * 3),
        ("cup", _TSP * 12),  # from a quarter cup
        ("quart", _TSP * 192 * 4),  # from a gallon's worth in quarts... keep cups below 4 quarts
        ("gallon", _TSP * 768 * 2),
    ),
}


def best_unit(base_amount: Fraction, dimension: str, system: System) -> str:
    """The readable unit for an amount given in the dimension's base unit."""
    ladder = _LADDERS[(dimension, system)]
    chosen = ladder[0][0]
    for key, threshold in ladder:
        if base_amount >= threshold:
            chosen = key
    return chosen


def unit_label(unit: str, amount: Fraction) -> str:
    """The unit's display name, plural when `amount` is more than one."""
    spec = UNITS[unit]
    return spec.plural if amount > 1 else spec.singular


def format_amount(
    quantity: Quantity | None,
    unit: str | None,
    system: System | None = None,
) -> str:
    """Write quantity and unit readably, converting to `system` when the unit converts.

    `system` None keeps the unit as written, only tidying the number.
    """
    if quantity is None:
        return "" if unit is None else UNITS[unit].singular
    if unit is None:
        return format_quantity(quantity)
    spec = UNITS[unit]
    if spec.dimension in ("mass", "volume"):
        target_system: System = system or ("metric" if spec.system == "metric" else "us")
        if system is not None or spec.key not in ("mg", "cl", "dl", "pint", "fl oz"):
            target = best_unit(quantity.low * spec.factor, spec.dimension, target_system)
            if system is None and UNITS[target].system != spec.system:
                target = spec.key
            quantity = convert(quantity, spec.key, target)
            spec = UNITS[target]
    kitchen = spec.system != "metric"
    number = format_quantity(quantity, kitchen=kitchen)
    label = unit_label(spec.key, quantity.high or quantity.low)
    if spec.system == "metric":
        return f"{number} {label}"
    return f"{number} {label}"
