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
    system: System | None
    singular: str
    plural: str
    aliases: tuple[str, ...] = ()


# US customary volumes are defined from the US teaspoon: 1 tsp = 4.92892159375 ml exactly
# (1 US gallon = 231 cubic inches = 768 tsp); the avoirdupois pound is 453.59237 g exactly.
_TSP = Fraction("4.92892159375")
_LB = Fraction("453.59237")

# fmt: off
_MEASURES: tuple[tuple[str, str, Fraction, System, str, str, tuple[str, ...]], ...] = (
    ("mg", "mass", Fraction(1, 1000), "metric", "mg", "mg",
     ("milligram", "milligrams", "milligramme", "milligrammes")),
    ("g", "mass", Fraction(1), "metric", "g", "g",
     ("gram", "grams", "gramme", "grammes", "gr", "grm", "gm", "gms")),
    ("kg", "mass", Fraction(1000), "metric", "kg", "kg",
     ("kilogram", "kilograms", "kilogramme", "kilogrammes", "kilo", "kilos", "kgs")),
    ("oz", "mass", _LB / 16, "us", "oz", "oz", ("ounce", "ounces", "ozs")),
    ("lb", "mass", _LB, "us", "lb", "lb", ("pound", "pounds", "lbs")),
    ("ml", "volume", Fraction(1), "metric", "ml", "ml",
     ("milliliter", "milliliters", "millilitre", "millilitres", "mls", "cc")),
    ("cl", "volume", Fraction(10), "metric", "cl", "cl",
     ("centiliter", "centiliters", "centilitre", "centilitres")),
    ("dl", "volume", Fraction(100), "metric", "dl", "dl",
     ("deciliter", "deciliters", "decilitre", "decilitres")),
    ("l", "volume", Fraction(1000), "metric", "l", "l",
     ("liter", "liters", "litre", "litres", "ltr", "ltrs", "lt")),
    ("tsp", "volume", _TSP, "us", "tsp", "tsp",
     ("teaspoon", "teaspoons", "teaspoonful", "teaspoonfuls", "tsps", "teasp", "t")),
    ("tbsp", "volume", _TSP * 3, "us", "tbsp", "tbsp",
     ("tablespoon", "tablespoons", "tablespoonful", "tablespoonfuls", "tbs", "tbl", "tbsps",
      "tblsp", "tbls", "tblspn", "T")),
    ("fl oz", "volume", _TSP * 6, "us", "fl oz", "fl oz",
     ("fluid ounce", "fluid ounces", "fl. oz", "fl.oz", "floz", "fl ozs")),
    ("cup", "volume", _TSP * 48, "us", "cup", "cups", ("cupful", "cupfuls", "c")),
    ("pint", "volume", _TSP * 96, "us", "pint", "pints", ("pt", "pts")),
    ("quart", "volume", _TSP * 192, "us", "quart", "quarts", ("qt", "qts")),
    ("gallon", "volume", _TSP * 768, "us", "gallon", "gallons", ("gal", "gals")),
)

# Countable or vague units: each its own dimension, never converted.
_COUNTABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("piece", "pieces", ("pc", "pcs")),
    ("clove", "cloves", ()),
    ("can", "cans", ("tin", "tins")),
    ("jar", "jars", ()),
    ("bottle", "bottles", ()),
    ("package", "packages", ("pkg", "pkgs", "packet", "packets", "pack", "packs")),
    ("container", "containers", ("tub", "tubs")),
    ("carton", "cartons", ()),
    ("box", "boxes", ()),
    ("bag", "bags", ()),
    ("block", "blocks", ()),
    ("bar", "bars", ()),
    ("loaf", "loaves", ()),
    ("bunch", "bunches", ()),
    ("head", "heads", ()),
    ("bulb", "bulbs", ()),
    ("ear", "ears", ()),
    ("sprig", "sprigs", ()),
    ("stalk", "stalks", ("rib", "ribs")),
    ("stick", "sticks", ()),
    ("slice", "slices", ("rasher", "rashers")),
    ("strip", "strips", ()),
    ("sheet", "sheets", ()),
    ("fillet", "fillets", ("filet", "filets")),
    ("leaf", "leaves", ()),
    ("inch", "inches", ()),
    ("pinch", "pinches", ()),
    ("dash", "dashes", ()),
    ("splash", "splashes", ()),
    ("handful", "handfuls", ()),
    ("drop", "drops", ()),
    ("knob", "knobs", ()),
    ("cube", "cubes", ()),
    ("scoop", "scoops", ()),
    ("sachet", "sachets", ("envelope", "envelopes")),
)
# fmt: on

UNITS: dict[str, Unit] = {
    key: Unit(key, dimension, factor, system, singular, plural, aliases)
    for key, dimension, factor, system, singular, plural, aliases in _MEASURES
}
UNITS.update(
    (singular, Unit(singular, singular, Fraction(1), None, singular, plural, aliases))
    for singular, plural, aliases in _COUNTABLE
)

# "T" is a tablespoon and "t" a teaspoon; every other spelling is matched case-insensitively.
_CASE_SENSITIVE: dict[str, str] = {"T": "tbsp", "t": "tsp"}
_SPELLINGS: dict[str, str] = {
    name.lower(): unit.key
    for unit in UNITS.values()
    for name in (unit.key, unit.singular, unit.plural, *unit.aliases)
    if name not in _CASE_SENSITIVE
}


def lookup_unit(name: str) -> str | None:
    """Return the unit key for a written unit ("Tablespoons", "T", "g.", "fl. oz."), or None."""
    name = name.strip()
    if name.endswith("."):
        name = name[:-1]
    if name in _CASE_SENSITIVE:
        return _CASE_SENSITIVE[name]
    return _SPELLINGS.get(name.lower())


def unit_spellings() -> dict[str, str]:
    """Every written form a unit is recognised by, mapped to its key (for building parsers).

    Single letters are listed in the cases they are accepted in ("T", "t", "c", "C", "g", ...).
    """
    spellings = {name: key for name, key in _SPELLINGS.items() if len(name) > 1}
    for name, key in (*_SPELLINGS.items(), *_CASE_SENSITIVE.items()):
        if len(name) == 1:
            spellings[name] = key
            if name not in _CASE_SENSITIVE and name.upper() not in _CASE_SENSITIVE:
                spellings[name.upper()] = key
    return spellings


def dimension_of(unit: str | None) -> str:
    """The dimension a unit key belongs to; "count" for unit-less amounts."""
    return "count" if unit is None else UNITS[unit].dimension


def to_base(quantity: Quantity, unit: str) -> Quantity:
    """Convert to the base unit of the dimension (g, ml, or the countable unit itself)."""
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
_EIGHTHS = (Fraction(0), *sorted(_VULGAR), Fraction(1))
# A converted amount is approximate already: measuring cups and spoons, not eighths.
_COARSE = tuple(step for step in _EIGHTHS if step.denominator in (1, 2, 3, 4))


def _round_half_up(value: Fraction, step: Fraction) -> Fraction:
    return (value / step + Fraction(1, 2)).__floor__() * step


# format_number's rounding is mirrored by formatNumber in web/static/site.js (which rescales
# amounts in the browser): change both together.
def _kitchen_round(value: Fraction, steps: tuple[Fraction, ...] = _EIGHTHS) -> Fraction:
    """Round to kitchen fractions under ten (ties go down), whole numbers from ten.

    A positive amount never rounds to zero: it shows as the smallest fraction instead.
    """
    if value >= 10:
        return _round_half_up(value, Fraction(1))
    whole = value.__floor__()
    rest = value - whole
    rounded = whole + min(steps, key=lambda step: (abs(step - rest), step))
    return rounded if rounded or not value else Fraction(1, 8)


def _significant(value: Fraction, digits: int) -> Fraction:
    """Round a positive value to `digits` significant digits (half up)."""
    exponent = 0
    while value >= Fraction(10) ** (exponent + 1):
        exponent += 1
    while value < Fraction(10) ** exponent:
        exponent -= 1
    return _round_half_up(value, Fraction(10) ** (exponent - digits + 1))


def _decimal_round(value: Fraction) -> Fraction:
    """Round a metric amount: 2 decimals under ten, whole numbers above ("33 g", not "33.3 g")
    unless one exact decimal under a hundred was written ("12.5 g"); a positive amount keeps at
    least 1 significant digit ("0.004 g", never "0 g")."""
    if value >= 10:
        if value < 100 and (value * 10).denominator == 1:
            return value
        return _round_half_up(value, Fraction(1))
    rounded = _round_half_up(value, Fraction(1, 100))
    return rounded or (_significant(value, 1) if value > 0 else rounded)


def _metric_step(value: Fraction, unit: str) -> Fraction | None:
    """The resolution kitchen scales and jugs measure `value` of `unit` in (None: 2 digits)."""
    if unit == "g":
        return Fraction(1, 2) if value < 10 else Fraction(1) if value < 100 else Fraction(5)
    if unit == "ml":
        return Fraction(1, 2) if value < 10 else Fraction(5) if value < 100 else Fraction(10)
    return Fraction(1) if value >= 10 else None


def _approximate_round(value: Fraction, unit: str) -> Fraction:
    """Round a converted amount to what a cook measures: "240 ml", "1.4 kg", "2 cups"."""
    if value <= 0:
        return Fraction(0)
    if UNITS[unit].system == "us":
        return _kitchen_round(value, _COARSE)
    step = _metric_step(value, unit)
    rounded = _significant(value, 2) if step is None else _round_half_up(value, step)
    return rounded or _significant(value, 1)


def _number_text(value: Fraction, kitchen: bool) -> str:
    """Write an already rounded number."""
    whole = value.__floor__()
    rest = value - whole
    if rest == 0:
        return str(whole)
    if kitchen and rest in _VULGAR:
        return _VULGAR[rest] if whole == 0 else f"{whole} {_VULGAR[rest]}"
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def format_number(value: Fraction, *, kitchen: bool = True) -> str:
    """Write a number readably: "1 ½", "⅓", "12" (kitchen) or "1.25", "750" (decimal)."""
    rounded = _kitchen_round(value) if kitchen else _decimal_round(value)
    return _number_text(rounded, kitchen)


def format_quantity(quantity: Quantity, *, kitchen: bool = True) -> str:
    """Write a quantity or range ("1-2", "1 ½")."""
    low = format_number(quantity.low, kitchen=kitchen)
    if not quantity.is_range or quantity.high is None:
        return low
    return f"{low}-{format_number(quantity.high, kitchen=kitchen)}"


# Display ladders: the readable units of each system, smallest first, each used from the
# amount (in the base unit) given. US volume stays in cups up to a gallon, as recipes do
# ("8 cups water"); quarts and pints are read but not chosen.
_LADDERS: dict[tuple[str, System], tuple[tuple[str, Fraction], ...]] = {
    ("mass", "metric"): (("g", Fraction(0)), ("kg", Fraction(1000))),
    ("mass", "us"): (("oz", Fraction(0)), ("lb", _LB)),
    ("volume", "metric"): (("ml", Fraction(0)), ("l", Fraction(1000))),
    ("volume", "us"): (
        ("tsp", Fraction(0)),
        ("tbsp", _TSP * 3),
        ("cup", _TSP * 12),  # from a quarter cup
        ("gallon", _TSP * 768),
    ),
}


def best_unit(base_amount: Fraction, dimension: str, system: System) -> str:
    """The readable unit for an amount given in the dimension's base unit.

    Countable dimensions have one unit, returned as is; "count" (no unit) is a ValueError.
    """
    ladder = _LADDERS.get((dimension, system))
    if ladder is None:
        if dimension not in UNITS:
            raise ValueError(f"no unit for dimension {dimension!r}")
        return dimension
    chosen = ladder[0][0]
    for key, threshold in ladder[1:]:
        # Judge the amount as the smaller unit would show it: 15.9 tbsp would read "16 tbsp",
        # so it is "1 cup"; 999 g reads "999 g" and stays.
        factor = UNITS[chosen].factor
        if _display_round(base_amount / factor, chosen) * factor >= threshold:
            chosen = key
    return chosen


def _display_round(value: Fraction, unit: str) -> Fraction:
    return _decimal_round(value) if UNITS[unit].system == "metric" else _kitchen_round(value)


def unit_label(unit: str, amount: Fraction) -> str:
    """The unit's display name, plural when `amount` is more than one."""
    spec = UNITS[unit]
    return spec.plural if amount > 1 else spec.singular


def format_amount(
    quantity: Quantity | None,
    unit: str | None,
    system: System | None = None,
) -> str:
    """Write quantity and unit readably ("1 ½ cups", "750 g", "1.2 kg", "2 cloves").

    With `system` None the unit stays as written and only the number is tidied. With a
    system, mass and volume are shown in that system's most readable unit ("3 tsp" ->
    "1 tbsp", "500 ml" -> "2 cups" in "us"); a converted amount is rounded to what a
    cook can measure ("1 cup" -> "240 ml"). Countable units never change.
    """
    if quantity is None:
        return "" if unit is None else UNITS[unit].singular
    if unit is None:
        return format_quantity(quantity)
    spec = UNITS[unit]
    values = [quantity.low] if quantity.high is None else [quantity.low, quantity.high]
    kitchen = spec.system != "metric"
    if system is not None and spec.system is not None:
        target = UNITS[best_unit(quantity.low * spec.factor, spec.dimension, system)]
        values = [value * spec.factor / target.factor for value in values]
        if target.system != spec.system:
            values = [_approximate_round(value, target.key) for value in values]
        spec, kitchen = target, target.system != "metric"
    rounded = [_display_round(value, spec.key) for value in values]
    number = _number_text(rounded[0], kitchen)
    if len(rounded) == 2 and rounded[1] != rounded[0]:
        number = f"{number}-{_number_text(rounded[1], kitchen)}"
    return f"{number} {unit_label(spec.key, rounded[-1])}"
