"""Food keys, aisles and densities: the vocabulary the shopping list merges and groups by."""

from fractions import Fraction

import pytest

from recipebox.domain.aisles import AISLE_OF, AISLES, aisle_of
from recipebox.domain.foods import (
    Density,
    density_of,
    display_name,
    food_and_unit,
    food_key,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Onions", "onion"),
        ("onion", "onion"),
        ("large onion", "onion"),
        ("2 yellow onions", "onion"),
        ("2 large Onions, finely chopped", "onion"),
        ("1 or 2 onions", "onion"),
        ("½ cup sugar", "sugar"),
        ("2 x 400g cans chopped tomatoes", "tomato"),
        ("a handful of mixed nuts", "mixed nut"),
        ("boneless, skinless chicken thighs", "chicken thigh"),
        ("unsalted butter, softened", "butter"),
        ("Cheddar cheese (grated)", "cheddar"),
        ("salt to taste", "salt"),
        ("flour for dusting", "flour"),
        ("butter or margarine", "butter"),
        ("3 cloves garlic", "garlic"),
        ("fresh basil leaves", "basil"),
    ],
)
def test_drops_amounts_sizes_preparation_and_alternatives(name: str, key: str) -> None:
    assert food_key(name) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("tomatoes", "tomato"),
        ("potatoes", "potato"),
        ("berries", "berry"),
        ("cherry tomatoes", "cherry tomato"),
        ("bay leaves", "bay leaf"),
        ("peaches", "peach"),
        ("radishes", "radish"),
        ("anchovies", "anchovy"),
        ("cookies", "cookie"),
        ("chilies", "chili"),
        ("olives", "olive"),
        ("hummus", "hummus"),
        ("couscous", "couscous"),
        ("asparagus", "asparagus"),
        ("molasses", "molasses"),
        ("rolled oats", "rolled oats"),
        ("brussels sprouts", "brussels sprout"),
    ],
)
def test_makes_the_last_word_singular(name: str, key: str) -> None:
    assert food_key(name) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("red onion", "red onion"),
        ("onion powder", "onion powder"),
        ("ground beef", "ground beef"),
        ("ground ginger", "ground ginger"),
        ("crushed tomatoes", "crushed tomato"),
        ("frozen peas", "frozen pea"),
        ("dried oregano", "dried oregano"),
        ("whole wheat flour", "whole wheat flour"),
    ],
)
def test_keeps_colours_kinds_and_forms_apart(name: str, key: str) -> None:
    assert food_key(name) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("all-purpose flour", "flour"),
        ("extra-virgin olive oil", "olive oil"),
        ("freshly ground black pepper", "pepper"),
        ("kosher salt", "salt"),
        ("vegetable oil", "oil"),
        ("scallions", "green onion"),
        ("courgettes", "zucchini"),
        ("ground cinnamon", "cinnamon"),
        ("crushed red pepper", "red pepper flake"),
        ("Salt & Pepper", "salt and pepper"),
        ("feta cheese", "feta"),
        ("cream cheese", "cream cheese"),
        ("beef mince", "ground beef"),
        ("Kashmiri chilli powder", "kashmiri chili powder"),
        ("Thai basil leaves", "thai basil"),
        ("greek yoghurt", "greek yogurt"),
        ("jalapeño", "jalapeno"),
        ("Crème fraîche", "creme fraiche"),
    ],
)
def test_maps_synonyms_and_spellings_to_one_key(name: str, key: str) -> None:
    assert food_key(name) == key


@pytest.mark.parametrize(
    ("name", "unit", "expected"),
    [
        ("garlic cloves", None, ("garlic", "clove")),
        ("garlic", "clove", ("garlic", "clove")),
        ("garlic cloves", "g", ("garlic", "g")),
        ("celery ribs", None, ("celery", "stalk")),
        ("thyme sprigs", None, ("thyme", "sprig")),
        ("whole cloves", None, ("whole clove", None)),
        ("spare ribs", None, ("spare rib", None)),
        ("onions", None, ("onion", None)),
    ],
)
def test_reads_a_trailing_count_noun_as_the_unit(
    name: str, unit: str | None, expected: tuple[str, str | None]
) -> None:
    assert food_and_unit(name, unit) == expected


@pytest.mark.parametrize(
    ("food", "aisle"),
    [
        ("onion", "produce"),
        ("onion powder", "spices"),
        ("cheddar", "dairy & eggs"),
        ("smoked cheddar cheese", "dairy & eggs"),
        ("chicken thigh", "meat & fish"),
        ("chicken tender", "meat & fish"),
        ("chicken stock", "pantry"),
        ("jalapeno pepper", "produce"),
        ("pepper", "spices"),
        ("baguette", "bakery"),
        ("frozen spinach", "frozen"),
        ("canned pumpkin", "pantry"),
        ("dried basil", "spices"),
        ("dried apricot", "pantry"),
        ("white wine", "drinks"),
        ("paper towel", "other"),
        ("", "other"),
    ],
)
def test_places_a_food_in_an_aisle(food: str, aisle: str) -> None:
    assert aisle_of(food) == aisle


def test_aisles_are_in_shop_order() -> None:
    assert AISLES == (
        "produce",
        "dairy & eggs",
        "meat & fish",
        "bakery",
        "pantry",
        "spices",
        "frozen",
        "drinks",
        "other",
    )


def test_aisle_table_is_written_in_food_keys() -> None:
    assert {name: food_key(name) for name in AISLE_OF if food_key(name) != name} == {}
    assert set(AISLE_OF.values()) == set(AISLES) - {"other"}
    assert len(AISLE_OF) > 300


def test_knows_densities_of_foods_bought_by_mass_or_volume() -> None:
    assert density_of("flour") == Density(Fraction(120) / Fraction("236.5882365"), "mass")
    assert density_of("milk") == Density(Fraction("1.03"), "volume")
    assert density_of(food_key("granulated sugar")) == density_of("sugar")
    assert density_of("onion") is None


def test_shows_a_food_key_capitalised_and_if_asked_plural() -> None:
    assert [display_name(food) for food in ("olive oil", "egg", "")] == ["Olive oil", "Egg", ""]
    assert [
        display_name(food, plural=True)
        for food in ("egg", "cherry tomato", "berry", "peach", "bay leaf", "zucchini", "oats")
    ] == ["Eggs", "Cherry tomatoes", "Berries", "Peaches", "Bay leaves", "Zucchini", "Oats"]


def test_reads_every_plural_it_writes() -> None:
    plurals = {food: display_name(food, plural=True) for food in AISLE_OF}
    assert {food: plural for food, plural in plurals.items() if food_key(plural) != food} == {}
