"""The unit table: spellings, conversion, readable units and how amounts are written."""

from __future__ import annotations

from fractions import Fraction

import pytest

from recipebox.domain.quantity import Quantity
from recipebox.domain.units import (
    UNITS,
    System,
    best_unit,
    convert,
    dimension_of,
    format_amount,
    format_number,
    format_quantity,
    lookup_unit,
    to_base,
    unit_label,
    unit_spellings,
)


def q(low: str, high: str | None = None) -> Quantity:
    return Quantity(Fraction(low), None if high is None else Fraction(high))


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("cup", "cup"),
        ("Cups", "cup"),
        ("c", "cup"),
        ("C.", "cup"),
        ("T", "tbsp"),
        ("t", "tsp"),
        ("Tbsp.", "tbsp"),
        ("TBSP", "tbsp"),
        ("tablespoons", "tbsp"),
        ("tsp.", "tsp"),
        ("teaspoonful", "tsp"),
        ("g", "g"),
        ("G", "g"),
        ("grams", "g"),
        ("kilos", "kg"),
        ("L", "l"),
        ("litres", "l"),
        ("mL", "ml"),
        ("lbs.", "lb"),
        ("pounds", "lb"),
        ("ounces", "oz"),
        ("fl. oz.", "fl oz"),
        ("fluid ounces", "fl oz"),
        ("qt", "quart"),
        ("pints", "pint"),
        ("gal", "gallon"),
        ("cloves", "clove"),
        ("tins", "can"),
        ("packets", "package"),
        ("leaves", "leaf"),
        ("bunches", "bunch"),
        ("pinches", "pinch"),
        ("rashers", "slice"),
        ("ribs", "stalk"),
        ("envelope", "sachet"),
        ("tubs", "container"),
    ],
)
def test_looks_up_spellings_plurals_and_abbreviations(written: str, key: str) -> None:
    assert lookup_unit(written) == key


@pytest.mark.parametrize("written", ["onion", "large", "", "x", "tt", "of"])
def test_does_not_take_other_words_for_units(written: str) -> None:
    assert lookup_unit(written) is None


def test_capital_t_is_a_tablespoon_and_small_t_a_teaspoon() -> None:
    spellings = unit_spellings()
    assert (spellings["T"], spellings["t"], spellings["C"], spellings["c"]) == (
        "tbsp",
        "tsp",
        "cup",
        "cup",
    )


def test_every_spelling_looks_up_to_its_unit() -> None:
    assert all(lookup_unit(name) == key for name, key in unit_spellings().items())


def test_dimensions_of_measures_countables_and_bare_counts() -> None:
    assert [dimension_of(unit) for unit in ("g", "lb", "ml", "cup", "clove", "can", None)] == [
        "mass",
        "mass",
        "volume",
        "volume",
        "clove",
        "can",
        "count",
    ]


def test_converts_exactly_within_us_volumes() -> None:
    assert convert(q("3"), "tsp", "tbsp") == q("1")
    assert convert(q("16"), "tbsp", "cup") == q("1")
    assert convert(q("1"), "gallon", "cup") == q("16")
    assert convert(q("2"), "pint", "quart") == q("1")
    assert convert(q("1"), "fl oz", "tbsp") == q("2")


def test_converts_between_systems_by_the_legal_definitions() -> None:
    assert convert(q("1"), "lb", "g") == q("453.59237")
    assert convert(q("16"), "oz", "lb") == q("1")
    assert convert(q("1"), "tsp", "ml") == q("4.92892159375")
    assert convert(q("1"), "l", "ml") == q("1000")


def test_converts_ranges_at_both_ends() -> None:
    assert convert(q("1", "2"), "kg", "g") == q("1000", "2000")


def test_refuses_to_convert_across_dimensions() -> None:
    with pytest.raises(ValueError, match="cannot convert cup to g"):
        convert(q("1"), "cup", "g")
    with pytest.raises(ValueError, match="cannot convert clove to can"):
        convert(q("1"), "clove", "can")


def test_to_base_gives_grams_millilitres_or_the_countable_itself() -> None:
    assert [to_base(q("2"), unit) for unit in ("kg", "ml", "clove")] == [q("2000"), q("2"), q("2")]


@pytest.mark.parametrize(
    ("value", "kitchen", "written"),
    [
        ("3/2", True, "1 ½"),
        ("1/3", True, "⅓"),
        ("0.3333", True, "⅓"),
        ("2/3", True, "⅔"),
        ("7/8", True, "⅞"),
        ("0.97", True, "1"),
        ("1/16", True, "⅛"),
        ("12.4", True, "12"),
        ("12.5", True, "13"),
        ("0", True, "0"),
        ("750", False, "750"),
        ("1.25", False, "1.25"),
        ("1/3", False, "0.33"),
        ("12.34", False, "12"),
        ("12.5", False, "12.5"),
        ("236.5882", False, "237"),
        ("0.004", False, "0.004"),
        ("2.50", False, "2.5"),
    ],
)
def test_writes_numbers_as_kitchen_fractions_or_short_decimals(
    value: str, kitchen: bool, written: str
) -> None:
    assert format_number(Fraction(value), kitchen=kitchen) == written


def test_writes_quantities_and_ranges() -> None:
    assert [
        format_quantity(q("1", "2")),
        format_quantity(q("1/2", "1")),
        format_quantity(q("2")),
    ] == [
        "1-2",
        "½-1",
        "2",
    ]


@pytest.mark.parametrize(
    ("amount", "system", "key"),
    [
        (to_base(q("2"), "tsp").low, "us", "tsp"),
        (to_base(q("3"), "tsp").low, "us", "tbsp"),
        (to_base(q("3"), "tbsp").low, "us", "tbsp"),
        (to_base(q("4"), "tbsp").low, "us", "cup"),
        (to_base(q("15.9"), "tbsp").low, "us", "cup"),
        (to_base(q("15"), "cup").low, "us", "cup"),
        (to_base(q("16"), "cup").low, "us", "gallon"),
        (to_base(q("15"), "oz").low, "us", "oz"),
        (to_base(q("16"), "oz").low, "us", "lb"),
        (Fraction(999), "metric", "g"),
        (Fraction("999.9"), "metric", "kg"),
        (Fraction(1000), "metric", "kg"),
    ],
)
def test_best_unit_climbs_the_ladder_of_the_system(
    amount: Fraction, system: System, key: str
) -> None:
    dimension = "volume" if key in ("tsp", "tbsp", "cup", "gallon") else "mass"
    assert best_unit(amount, dimension, system) == key


def test_best_unit_of_a_countable_is_itself_and_of_a_bare_count_an_error() -> None:
    assert best_unit(Fraction(3), "clove", "metric") == "clove"
    with pytest.raises(ValueError, match="no unit for dimension 'count'"):
        best_unit(Fraction(3), "count", "us")


def test_labels_are_plural_above_one() -> None:
    labels = [unit_label("cup", Fraction(n)) for n in ("1/2", "1", "3/2")]
    assert labels == ["cup", "cup", "cups"]
    assert [unit_label("leaf", Fraction(2)), unit_label("g", Fraction(2))] == ["leaves", "g"]


@pytest.mark.parametrize(
    ("quantity", "unit", "written"),
    [
        (q("3/2"), "cup", "1 ½ cups"),
        (q("1/3"), "cup", "⅓ cup"),
        (q("0.3333"), "cup", "⅓ cup"),
        (q("1"), "cup", "1 cup"),
        (q("1", "2"), "clove", "1-2 cloves"),
        (q("1/2", "1"), "tsp", "½-1 tsp"),
        (q("750"), "g", "750 g"),
        (q("1200"), "g", "1200 g"),
        (q("1.2"), "kg", "1.2 kg"),
        (q("3"), "tsp", "3 tsp"),
        (q("12.5"), "g", "12.5 g"),
        (q("2"), "can", "2 cans"),
        (q("3"), None, "3"),
        (q("3/2"), None, "1 ½"),
        (None, "pinch", "pinch"),
        (None, None, ""),
    ],
)
def test_without_a_system_keeps_the_unit_and_tidies_the_number(
    quantity: Quantity | None, unit: str | None, written: str
) -> None:
    assert format_amount(quantity, unit) == written


@pytest.mark.parametrize(
    ("quantity", "unit", "written"),
    [
        (q("1"), "cup", "240 ml"),
        (q("1/2"), "cup", "120 ml"),
        (q("1/3"), "cup", "80 ml"),
        (q("1/4"), "cup", "60 ml"),
        (q("1"), "tbsp", "15 ml"),
        (q("1"), "tsp", "5 ml"),
        (q("1/2"), "tsp", "2.5 ml"),
        (q("4"), "cup", "950 ml"),
        (q("1"), "gallon", "3.8 l"),
        (q("1"), "oz", "28 g"),
        (q("8"), "oz", "225 g"),
        (q("1"), "lb", "455 g"),
        (q("3"), "lb", "1.4 kg"),
        (q("2", "3"), "tbsp", "30-45 ml"),
        (q("1200"), "g", "1.2 kg"),
        (q("750"), "g", "750 g"),
        (q("0.5"), "kg", "500 g"),
        (q("1500"), "ml", "1.5 l"),
        (q("2"), "clove", "2 cloves"),
        (q("3"), None, "3"),
    ],
)
def test_metric_display_converts_us_amounts_to_what_a_cook_measures(
    quantity: Quantity, unit: str | None, written: str
) -> None:
    assert format_amount(quantity, unit, "metric") == written


@pytest.mark.parametrize(
    ("quantity", "unit", "written"),
    [
        (q("3"), "tsp", "1 tbsp"),
        (q("2"), "tsp", "2 tsp"),
        (q("16"), "tbsp", "1 cup"),
        (q("4"), "tbsp", "¼ cup"),
        (q("2"), "tbsp", "2 tbsp"),
        (q("6"), "cup", "6 cups"),
        (q("32"), "cup", "2 gallons"),
        (q("2"), "pint", "4 cups"),
        (q("1"), "quart", "4 cups"),
        (q("8"), "fl oz", "1 cup"),
        (q("24"), "oz", "1 ½ lb"),
        (q("12"), "oz", "12 oz"),
        (q("500"), "ml", "2 cups"),
        (q("250"), "ml", "1 cup"),
        (q("15"), "ml", "1 tbsp"),
        (q("5"), "ml", "1 tsp"),
        (q("1"), "l", "4 ¼ cups"),
        (q("100"), "g", "3 ½ oz"),
        (q("1"), "kg", "2 ¼ lb"),
        (q("1", "2"), "clove", "1-2 cloves"),
    ],
)
def test_us_display_picks_spoons_cups_ounces_and_pounds(
    quantity: Quantity, unit: str | None, written: str
) -> None:
    assert format_amount(quantity, unit, "us") == written


def test_every_unit_writes_in_both_systems() -> None:
    for key in UNITS:
        for system in (None, "metric", "us"):
            assert format_amount(q("3/2"), key, system)
