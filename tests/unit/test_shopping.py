"""The shopping list: scaling, merging, aisles, staples, manual items and checked lines."""

import json
import random
from collections import Counter, defaultdict
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from recipebox.domain.foods import density_of, food_and_unit
from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.shopping import (
    RecipeRef,
    ShoppingLine,
    ShoppingList,
    Source,
    build_shopping_list,
)
from recipebox.domain.units import UNITS, System, to_base


def ing(
    text: str, amount: str | None = None, unit: str | None = None, food: str = ""
) -> IngredientLine:
    """An ingredient line as the parser would leave it; `amount` as in `Quantity.to_json`."""
    quantity = None if amount is None else Quantity.from_json(amount)
    return IngredientLine(text=text, quantity=quantity, unit=unit, food=food or text)


def recipe(title: str, *lines: IngredientLine, servings: int = 4) -> Recipe:
    return Recipe(title=title, servings=servings, ingredients=list(lines), id=title.lower())


def shopping_data(
    *picked: tuple[Recipe, int],
    items: tuple[ListItem, ...] = (),
    checked: frozenset[str] = frozenset(),
    staples: tuple[str, ...] | None = None,
) -> ShoppingData:
    return ShoppingData(
        selections=tuple(Selection(r.id, servings) for r, servings in picked),
        recipes={r.id: r for r, _ in picked},
        items=items,
        checked=checked,
        staples=staples,
    )


def build(*recipes: Recipe, system: System | None = None) -> ShoppingList:
    """The list of `recipes`, each at its own servings."""
    return build_shopping_list(shopping_data(*((r, r.servings) for r in recipes)), system)


def amounts(shopping: ShoppingList) -> dict[str, str]:
    return {line.key: line.amount for line in shopping.lines}


def test_merges_cups_and_tablespoons() -> None:
    shopping = build(
        recipe("Stir fry", ing("2 tbsp soy sauce", "2", "tbsp", "soy sauce")),
        recipe("Noodles", ing("1/4 cup soy sauce", "1/4", "cup", "soy sauce")),
        recipe("Rice", ing("6 tsp soy sauce", "6", "tsp", "soy sauce")),
    )
    [line] = shopping.lines
    assert (line.key, line.quantity, line.unit, line.amount) == (
        "soy sauce|volume",
        Quantity(Fraction(1, 2)),
        "cup",
        "½ cup",
    )


def test_merges_grams_and_kilograms() -> None:
    shopping = build(
        recipe("Mash", ing("1.5 kg potatoes", "3/2", "kg", "potatoes")),
        recipe("Roast", ing("500 g potatoes", "500", "g", "potatoes")),
    )
    [line] = shopping.lines
    assert (line.key, line.quantity, line.unit, line.amount) == (
        "potato|mass",
        Quantity(Fraction(2)),
        "kg",
        "2 kg",
    )


def test_merges_flour_in_cups_and_grams_by_its_density() -> None:
    shopping = build(
        recipe("Pancakes", ing("1 cup flour", "1", "cup", "all-purpose flour")),
        recipe("Bread", ing("130 g plain flour", "130", "g", "plain flour")),
    )
    [line] = shopping.lines
    assert (line.key, line.quantity, line.unit, line.amount) == (
        "flour|mass",
        Quantity(Fraction(250)),
        "g",
        "250 g",
    )
    assert line.sources == (Source("pancakes", "1 cup flour"), Source("bread", "130 g plain flour"))


def test_keeps_mass_and_volume_apart_without_a_density() -> None:
    shopping = build(
        recipe("Gratin", ing("1 cup grated cheddar", "1", "cup", "grated cheddar")),
        recipe("Toast", ing("100 g cheddar", "100", "g", "cheddar")),
    )
    assert amounts(shopping) == {"cheddar|mass": "100 g", "cheddar|volume": "1 cup"}


def test_keeps_onions_apart_from_onion_powder() -> None:
    shopping = build(
        recipe("Soup", ing("2 onions", "2", None, "onions")),
        recipe("Stew", ing("1 large onion, diced", "1", None, "large onion")),
        recipe("Rub", ing("1 tsp onion powder", "1", "tsp", "onion powder")),
    )
    assert [(g.aisle, [(line.name, line.amount) for line in g.lines]) for g in shopping.aisles] == [
        ("produce", [("Onions", "3")]),
        ("spices", [("Onion powder", "1 tsp")]),
    ]


def test_counts_garlic_cloves_however_they_are_written() -> None:
    shopping = build(
        recipe("Pasta", ing("2 garlic cloves", "2", None, "garlic cloves")),
        recipe("Curry", ing("3 cloves garlic, minced", "3", "clove", "garlic")),
    )
    assert amounts(shopping) == {"garlic|clove": "5 cloves"}


def test_keeps_unparsed_and_amountless_lines() -> None:
    shopping = build(
        recipe(
            "Secret",
            ing("Grandma's secret spice mix"),
            ing("parsley, to garnish", food="parsley"),
            ing("1 bunch parsley", "1", "bunch", "parsley"),
        )
    )
    by_key = {line.key: line for line in shopping.lines}
    assert sorted(by_key) == ["grandmas secret spice mix|any", "parsley|bunch"]
    mix = by_key["grandmas secret spice mix|any"]
    assert (mix.aisle, mix.quantity, mix.amount, mix.unquantified) == ("other", None, "", True)
    parsley = by_key["parsley|bunch"]
    assert (parsley.amount, parsley.unquantified, [s.text for s in parsley.sources]) == (
        "1 bunch",
        True,
        ["parsley, to garnish", "1 bunch parsley"],
    )


def test_puts_pantry_staples_in_their_own_section() -> None:
    soup = recipe(
        "Soup",
        ing("salt and pepper to taste", food="salt and pepper"),
        ing("2 cups water", "2", "cup", "water"),
        ing("1 tbsp vegetable oil", "1", "tbsp", "vegetable oil"),
        ing("1 tbsp olive oil", "1", "tbsp", "olive oil"),
        ing("1 carrot", "1", None, "carrot"),
    )
    default = build_shopping_list(shopping_data((soup, 4)))
    assert [line.key for line in default.staples] == [
        "oil|volume",
        "salt and pepper|any",
        "water|volume",
    ]
    assert [line.key for line in default.lines if line not in default.staples] == [
        "carrot|count",
        "olive oil|volume",
    ]
    custom = build_shopping_list(shopping_data((soup, 4), staples=("Olive Oil", "Salt")))
    assert [line.key for line in custom.staples] == ["olive oil|volume"]


def test_lists_manual_items_on_their_own_lines() -> None:
    lemons = ListItem(user_id="u", text="2 lemons", checked=True, id="I1")
    towels = ListItem(user_id="u", text="paper towels", id="I2")
    shopping = build_shopping_list(
        shopping_data(
            (recipe("Tart", ing("1 lemon", "1", None, "lemon")), 4), items=(lemons, towels)
        )
    )
    assert [(g.aisle, [line.key for line in g.lines]) for g in shopping.aisles] == [
        ("produce", ["item:I1", "lemon|count"]),
        ("other", ["item:I2"]),
    ]
    assert shopping.aisles[0].lines[0] == ShoppingLine(
        key="item:I1",
        food="lemon",
        name="2 lemons",
        aisle="produce",
        dimension="item",
        quantity=None,
        unit=None,
        amount="",
        unquantified=False,
        checked=True,
        recipes=(),
        sources=(Source(None, "2 lemons"),),
        item_id="I1",
    )


def test_checks_merged_lines_by_key() -> None:
    pie = recipe("Pie", ing("200 g flour", "200", "g", "flour"), ing("2 eggs", "2", None, "eggs"))
    item = ListItem(user_id="u", text="foil", checked=True, id="I1")
    shopping = build_shopping_list(
        shopping_data((pie, 4), items=(item,), checked=frozenset({"flour|mass", "gone|count"}))
    )
    assert {line.key: line.checked for line in shopping.lines} == {
        "egg|count": False,
        "flour|mass": True,
        "item:I1": True,
    }
    assert (shopping.total, shopping.checked_count) == (3, 2)


def test_scales_each_recipe_to_the_servings_wanted() -> None:
    cake = recipe("Cake", ing("3 eggs", "3", None, "eggs"), servings=4)
    flan = recipe("Flan", ing("2 eggs", "2", None, "eggs"), servings=2)
    shopping = build_shopping_list(shopping_data((cake, 6), (flan, 1)))
    [line] = shopping.lines
    assert (line.name, line.quantity, line.amount) == (
        "Eggs",
        Quantity(Fraction(11, 2)),
        "6",
    )  # buy whole eggs; the exact need stays in quantity
    assert line.recipes == (RecipeRef("cake", "Cake", 6), RecipeRef("flan", "Flan", 1))


def test_adds_ranges_low_to_low_and_high_to_high() -> None:
    shopping = build(
        recipe("Salsa", ing("1-2 chillies", "1-2", None, "chillies")),
        recipe("Curry", ing("3 chillies", "3", None, "chillies")),
    )
    [line] = shopping.lines
    assert (line.quantity, line.amount) == (Quantity(Fraction(4), Fraction(5)), "4-5")


def test_groups_lines_by_aisle_in_shop_order_and_by_name_within() -> None:
    shopping = build(
        recipe(
            "Everything",
            ing("1 bottle white wine", "1", "bottle", "white wine"),
            ing("2 tomatoes", "2", None, "tomatoes"),
            ing("1 tsp cumin", "1", "tsp", "cumin"),
            ing("200 g chicken thighs", "200", "g", "chicken thighs"),
            ing("1 apple", "1", None, "apple"),
            ing("100 ml milk", "100", "ml", "milk"),
            ing("1 can chopped tomatoes", "1", "can", "chopped tomatoes"),
            ing("a handful of coriander", "1", "handful", "coriander"),
        )
    )
    assert [(g.aisle, [line.name for line in g.lines]) for g in shopping.aisles] == [
        ("produce", ["Apple", "Coriander", "Tomatoes"]),
        ("dairy & eggs", ["Milk"]),
        ("meat & fish", ["Chicken thigh"]),
        ("pantry", ["Tomato"]),
        ("spices", ["Cumin"]),
        ("drinks", ["White wine"]),
    ]


def test_converts_to_the_system_asked_for() -> None:
    stock = recipe("Soup", ing("1 cup stock", "1", "cup", "chicken stock"))
    [metric] = build(stock, system="metric").lines
    assert (metric.quantity, metric.unit, metric.amount) == (
        Quantity(Fraction("236.5882365")),
        "ml",
        "240 ml",
    )
    [us] = build(stock, system="us").lines
    assert (us.quantity, us.unit, us.amount) == (Quantity(Fraction(1)), "cup", "1 cup")


def test_skips_recipes_deleted_since_they_were_selected() -> None:
    data = shopping_data((recipe("Toast", ing("1 loaf bread", "1", None, "bread")), 2))
    gone = ShoppingData(
        selections=(Selection("deleted", 2), *data.selections),
        recipes=data.recipes,
        items=(),
        checked=frozenset(),
        staples=None,
    )
    assert [ref.id for ref in build_shopping_list(gone).recipes] == ["toast"]


def test_serialises_to_json_ready_data() -> None:
    shopping = build(recipe("Toast", ing("1-2 slices bread", "1-2", "slice", "bread"), servings=1))
    assert json.loads(json.dumps(shopping.to_dict())) == {
        "system": None,
        "total": 1,
        "checked": 0,
        "recipes": [{"id": "toast", "title": "Toast", "servings": 1}],
        "aisles": [
            {
                "aisle": "bakery",
                "lines": [
                    {
                        "key": "bread|slice",
                        "food": "bread",
                        "name": "Bread",
                        "aisle": "bakery",
                        "dimension": "slice",
                        "quantity": "1-2",
                        "unit": "slice",
                        "amount": "1-2 slices",
                        "unquantified": False,
                        "checked": False,
                        "item_id": None,
                        "recipes": [{"id": "toast", "title": "Toast"}],
                        "sources": [{"recipe_id": "toast", "text": "1-2 slices bread"}],
                    }
                ],
            }
        ],
        "staples": [],
    }


# --- properties -----------------------------------------------------------------------------

_FOODS = ("flour", "milk", "onions", "garlic cloves", "soy sauce", "cheddar", "salt", "eggs")
_UNITS = (None, "g", "kg", "oz", "lb", "ml", "l", "tsp", "tbsp", "cup", "clove", "bunch", "can")


def _quantity(numerator: int, denominator: int, spread: Fraction | None) -> Quantity:
    low = Fraction(numerator, denominator)
    return Quantity(low, None if spread is None else low + spread)


_QUANTITIES = st.none() | st.builds(
    _quantity,
    st.integers(0, 40),
    st.sampled_from((1, 2, 3, 4, 8)),
    st.sampled_from((None, Fraction(0), Fraction(1, 2), Fraction(3))),
)
_LINES = st.lists(
    st.tuples(_QUANTITIES, st.sampled_from(_UNITS), st.sampled_from(_FOODS)), min_size=1, max_size=6
)


def _picked(
    drawn: list[tuple[list[tuple[Quantity | None, str | None, str]], int, int]],
) -> list[tuple[Recipe, int]]:
    """Recipes R0, R1, ... from (lines, servings, servings wanted), each line text unique."""
    picked = []
    for number, (lines, servings, wanted) in enumerate(drawn):
        ingredients = [
            IngredientLine(f"r{number} l{index} {unit} {food}", quantity, unit, food)
            for index, (quantity, unit, food) in enumerate(lines)
        ]
        picked.append(
            (Recipe(f"R{number}", servings, ingredients=ingredients, id=f"R{number}"), wanted)
        )
    return picked


_RECIPES = st.lists(
    st.tuples(_LINES, st.integers(1, 8), st.integers(1, 9)), min_size=1, max_size=5
).map(_picked)
_ITEMS = st.lists(st.sampled_from(("2 lemons", "milk", "paper towels")), max_size=3)


def _with_items(picked: list[tuple[Recipe, int]], texts: list[str]) -> ShoppingData:
    items = tuple(ListItem("u", text, id=f"I{n}") for n, text in enumerate(texts))
    return shopping_data(*picked, items=items, checked=frozenset({"flour|mass", "egg|count"}))


def _unordered(shopping: ShoppingList) -> dict[str, object]:
    """The list, with what follows the selection order (sources, recipes) sorted."""
    data = shopping.to_dict()
    for line in [line for group in data["aisles"] for line in group["lines"]] + data["staples"]:
        line["sources"].sort(key=lambda source: source["text"])
        line["recipes"].sort(key=lambda ref: ref["id"])
    data["recipes"].sort(key=lambda ref: ref["id"])
    return data


@given(_RECIPES, _ITEMS, st.randoms(use_true_random=False))
def test_order_of_selected_recipes_does_not_change_the_list(
    picked: list[tuple[Recipe, int]], texts: list[str], rng: random.Random
) -> None:
    shuffled = rng.sample(picked, len(picked))
    assert _unordered(build_shopping_list(_with_items(shuffled, texts))) == _unordered(
        build_shopping_list(_with_items(picked, texts))
    )


def _in_base(food: str, quantity: Quantity, unit: str | None) -> tuple[tuple[str, str], Quantity]:
    """A food's amount in its base unit, mass and volume as grams when its density is known."""
    dimension = "count" if unit is None else UNITS[unit].dimension
    base = quantity if unit is None else to_base(quantity, unit)
    density = density_of(food)
    if density is not None and dimension == "volume":
        return (food, "mass"), base.scaled(density.grams_per_ml)
    return (food, dimension), base


def _totals(amounts: list[tuple[str, Quantity, str | None]]) -> dict[tuple[str, str], Quantity]:
    """Add up (food, quantity, unit) per food and base dimension, leaving out zeros."""
    lows: defaultdict[tuple[str, str], Fraction] = defaultdict(Fraction)
    highs: defaultdict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for food, quantity, unit in amounts:
        key, base = _in_base(food, quantity, unit)
        lows[key] += base.low
        highs[key] += base.low if base.high is None else base.high
    return {key: Quantity(lows[key], highs[key]) for key in lows if highs[key]}


@given(_RECIPES)
def test_keeps_the_total_of_each_food_and_dimension(picked: list[tuple[Recipe, int]]) -> None:
    inputs = []
    for chosen, servings in picked:
        for line in chosen.scaled(servings).ingredients:
            if line.quantity is not None:
                food, unit = food_and_unit(line.food, line.unit)
                inputs.append((food, line.quantity, unit))
    merged = [
        (line.food, line.quantity, line.unit)
        for line in build_shopping_list(shopping_data(*picked)).lines
        if line.quantity is not None
    ]
    assert _totals(merged) == _totals(inputs)


@given(_RECIPES, _ITEMS)
def test_every_input_line_is_in_exactly_one_output_line(
    picked: list[tuple[Recipe, int]], texts: list[str]
) -> None:
    shopping = build_shopping_list(_with_items(picked, texts))
    inputs = [line.text for chosen, _ in picked for line in chosen.ingredients] + texts
    outputs = [source.text for line in shopping.lines for source in line.sources]
    assert Counter(outputs) == Counter(inputs)
    assert len({line.key for line in shopping.lines}) == shopping.total


def test_long_unparsed_lines_get_keys_that_fit_storage() -> None:
    from recipebox.domain.shopping import MAX_KEY, line_key

    long_food = "a very long unparsed line " * 20
    key = line_key(long_food, "any")
    assert len(key) == MAX_KEY
    assert key != line_key(long_food + "x", "any")
    assert line_key("flour", "mass") == "flour|mass"
