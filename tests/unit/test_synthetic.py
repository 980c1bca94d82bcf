"""Synthetic data: deterministic, realistic in shape, and read the same way the parser reads it."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction

from recipebox.domain.parsing import parse_ingredient
from recipebox.domain.records import recipe_to_record, selection_to_record, user_to_record
from recipebox.domain.units import UNITS
from recipebox.seed.synthetic import (
    synthetic_recipe_ids,
    synthetic_recipes,
    synthetic_selections,
    synthetic_users,
)

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def _records(n: int, *, seed: int, start: int = 0) -> list[dict[str, object]]:
    return [recipe_to_record(r) for r in synthetic_recipes(n, seed=seed, start=start)]


def test_same_seed_gives_identical_records() -> None:
    assert _records(200, seed=7) == _records(200, seed=7)


def test_another_seed_gives_other_recipes_and_ids() -> None:
    first, second = _records(200, seed=1), _records(200, seed=2)
    assert [r["title"] for r in first] != [r["title"] for r in second]
    assert not {r["id"] for r in first} & {r["id"] for r in second}


def test_a_batch_starting_later_gives_the_same_recipes() -> None:
    assert _records(10, seed=3, start=25) == _records(40, seed=3)[25:35]


def test_recipe_ids_come_without_building_recipes() -> None:
    expected = [recipe.id for recipe in synthetic_recipes(50, seed=4, start=10)]
    assert synthetic_recipe_ids(50, seed=4, start=10) == expected


def test_ids_are_unique_ulids_in_creation_order() -> None:
    recipes = list(synthetic_recipes(1000, seed=5))
    ids = [recipe.id for recipe in recipes]
    assert all(len(i) == 26 and set(i) <= CROCKFORD for i in ids)
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # the time part of a ULID is its creation date
    assert [r.created_at for r in recipes] == sorted(r.created_at for r in recipes)


def test_is_a_lazy_generator() -> None:
    recipes = synthetic_recipes(10**12)
    assert isinstance(recipes, Iterator)
    assert len(list(itertools.islice(recipes, 3))) == 3


def test_recipes_have_the_shape_of_real_ones() -> None:
    for recipe in synthetic_recipes(500, seed=6):
        assert 5 <= len(recipe.ingredients) <= 15, recipe.title
        assert 3 <= len(recipe.steps) <= 8, recipe.title
        assert recipe.title
        assert recipe.description
        assert recipe.tags
        assert len({line.food for line in recipe.ingredients}) == len(recipe.ingredients)
        assert recipe.servings > 0
        assert recipe.owner_id is None


def test_lines_are_what_the_parser_reads_from_their_text() -> None:
    lines = [line for recipe in synthetic_recipes(300, seed=8) for line in recipe.ingredients]
    assert [parse_ingredient(line.text, line.section) for line in lines] == lines
    assert any(line.section for line in lines)
    assert any(line.quantity is not None and line.quantity.is_range for line in lines)
    assert any(line.quantity is None and line.note == "to taste" for line in lines)


def test_popular_foods_are_far_more_common_than_the_median_food() -> None:
    counts = Counter(
        food
        for recipe in synthetic_recipes(1000, seed=9)
        for food in {line.food for line in recipe.ingredients}
    )
    assert len(counts) > 250
    assert counts.most_common(1)[0][1] >= 20 * statistics.median(counts.values())


def test_about_half_the_recipes_are_metric() -> None:
    recipes = list(synthetic_recipes(1000, seed=10))
    metric = [
        recipe
        for recipe in recipes
        if any(line.unit and UNITS[line.unit].system == "metric" for line in recipe.ingredients)
    ]
    assert 0.4 <= len(metric) / len(recipes) <= 0.6
    systems = {UNITS[line.unit].system for r in recipes for line in r.ingredients if line.unit}
    assert {"metric", "us"} <= systems


def test_amounts_are_kitchen_fractions_or_round_metric_numbers() -> None:
    for recipe in synthetic_recipes(300, seed=11):
        for line in recipe.ingredients:
            if line.quantity is None:
                continue
            amount = line.quantity.low
            if line.unit in ("g", "ml"):
                assert amount % 5 == 0, line.text
            elif line.unit in ("kg", "l"):
                assert amount in (1, Fraction(3, 2), 2), line.text
            else:
                assert amount.denominator in (1, 2, 3, 4), line.text


def test_users_are_deterministic_with_unique_names_and_ids() -> None:
    users = synthetic_users(300, seed=1)
    assert [user_to_record(u) for u in users] == [
        user_to_record(u) for u in synthetic_users(300, seed=1)
    ]
    assert len({u.name for u in users}) == len({u.id for u in users}) == 300
    assert not {u.id for u in users} & {u.id for u in synthetic_users(300, seed=2)}


def test_selections_are_deterministic_and_favour_popular_recipes() -> None:
    users = synthetic_users(1000, seed=3)
    recipe_ids = synthetic_recipe_ids(2000, seed=3)
    picked = list(synthetic_selections(users, recipe_ids, seed=3))
    again = list(synthetic_selections(users, recipe_ids, seed=3))
    assert [selection_to_record(*s) for s in picked] == [selection_to_record(*s) for s in again]
    assert len({(user_id, s.recipe_id) for user_id, s in picked}) == len(picked)
    assert {s.recipe_id for _, s in picked} <= set(recipe_ids)
    assert {s.servings for _, s in picked} <= {2, 4, 6, 8}
    counts = Counter(s.recipe_id for _, s in picked)
    median = statistics.median(counts.get(recipe_id, 0) for recipe_id in recipe_ids)
    assert counts.most_common(1)[0][1] >= 100 * max(median, 1)


def test_selections_of_no_recipes_are_empty() -> None:
    assert list(synthetic_selections(synthetic_users(5), [])) == []
