"""The demo recipes: enough of them, complete, stable ids, and lines that merge across recipes."""

from __future__ import annotations

import json
from importlib.resources import files

from recipebox.domain.recipes import Recipe
from recipebox.domain.records import recipe_to_record
from recipebox.domain.units import UNITS
from recipebox.seed.demo import demo_id, demo_recipes

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def _written() -> list[dict[str, object]]:
    text = files("recipebox.seed").joinpath("demo.json").read_text(encoding="utf-8")
    records: list[dict[str, object]] = json.loads(text)
    return records


def _by_title() -> dict[str, Recipe]:
    return {recipe.title: recipe for recipe in demo_recipes()}


def test_ships_at_least_forty_recipes_with_unique_titles() -> None:
    titles = [recipe.title for recipe in demo_recipes()]
    assert len(titles) >= 40
    assert len(set(titles)) == len(titles)


def test_every_recipe_is_complete() -> None:
    for recipe in demo_recipes():
        assert recipe.ingredients, recipe.title
        assert len(recipe.steps) >= 3, recipe.title
        assert recipe.description, recipe.title
        assert recipe.tags, recipe.title
        assert recipe.servings > 0, recipe.title
        assert (recipe.source_url, recipe.image_url, recipe.owner_id) == (None, None, None)


def test_keeps_every_ingredient_line_as_written() -> None:
    for record, recipe in zip(_written(), demo_recipes(), strict=True):
        written = record["ingredients"]
        assert isinstance(written, list)
        lines = [line for line in written if not line.endswith(":")]
        assert [line.text for line in recipe.ingredients] == lines, recipe.title


def test_ids_and_dates_are_the_same_on_every_load() -> None:
    first = [recipe_to_record(recipe) for recipe in demo_recipes()]
    second = [recipe_to_record(recipe) for recipe in demo_recipes()]
    assert first == second


def test_ids_are_ulid_shaped_unique_and_derived_from_the_title() -> None:
    recipes = demo_recipes()
    ids = [recipe.id for recipe in recipes]
    assert len(set(ids)) == len(ids)
    for recipe in recipes:
        assert recipe.id == demo_id(recipe.title)
        assert len(recipe.id) == 26
        assert set(recipe.id) <= CROCKFORD
        assert recipe.id.startswith("0DEM0")


def test_newest_first_lists_the_file_in_order() -> None:
    dates = [recipe.created_at for recipe in demo_recipes()]
    assert dates == sorted(dates, reverse=True)
    assert len(set(dates)) == len(dates)


def test_three_headline_recipes_share_onion_garlic_tomatoes_and_olive_oil() -> None:
    recipes = _by_title()
    for title in ("Spaghetti Bolognese", "Chicken Tikka Masala", "Shakshuka"):
        lines = recipes[title].ingredients
        pairs = {(line.food, line.unit) for line in lines}
        assert {("garlic", "clove"), ("chopped tomatoes", "can"), ("olive oil", "tbsp")} <= pairs
        assert any(line.food.endswith("onion") and line.unit is None for line in lines), title


def test_many_recipes_share_onion_and_garlic() -> None:
    sharing = [
        recipe.title
        for recipe in demo_recipes()
        if any("garlic" in line.food for line in recipe.ingredients)
        and any("onion" in line.food for line in recipe.ingredients)
    ]
    assert len(sharing) >= 10


def test_uses_metric_and_us_units() -> None:
    systems = {
        UNITS[line.unit].system
        for recipe in demo_recipes()
        for line in recipe.ingredients
        if line.unit is not None
    }
    assert {"metric", "us"} <= systems


def test_has_sections_ranges_and_amounts_to_taste() -> None:
    lines = [line for recipe in demo_recipes() for line in recipe.ingredients]
    assert any(line.section for line in lines)
    assert any(line.quantity is not None and line.quantity.is_range for line in lines)
    assert any(line.quantity is None and "to taste" in line.text for line in lines)


def test_covers_the_cuisines_and_courses_of_a_real_site() -> None:
    tags = {tag for recipe in demo_recipes() for tag in recipe.tags}
    assert {
        "italian", "mexican", "indian", "thai", "japanese", "chinese", "french",
        "middle-eastern", "american", "british", "greek", "korean", "vietnamese", "ethiopian",
        "vegetarian", "vegan", "baking", "breakfast", "soup", "salad", "dessert", "quick",
    } <= tags  # fmt: skip
