"""Deterministic synthetic recipes, users and selections, for benchmarks and load tests.

Everything follows from `seed` and each record's index: the same call gives the same records,
recipe `i` is the same whatever `start` a batch began at, and another seed gives other ids.
Foods, heroes, cuisines and the recipes users pick are drawn with Zipf weights (a few
everywhere, most rare), as on a real recipe site. Ingredient lines are built directly, never
parsed, from amounts written as cooks write them, so 100,000 recipes take seconds.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from functools import cache
from typing import TypeVar

from recipebox.domain.lists import Selection
from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.units import UNITS, format_quantity, unit_label
from recipebox.domain.users import User
from recipebox.seed import crockford, vocabulary

_PLURAL_WHEN_MEASURED = frozenset({"root"})  # "1 lb carrots", but "1 carrot"
_HERO_KINDS = frozenset({"meat", "fish", "veg", "head", "bacon"})
_SIDEKICK_KINDS = frozenset({"count", "herb", "cheese", "beans", "root", "veg", "head", "nuts"})
# Which sentence of the method a food of each kind goes into.
_STEP_OF_KIND = {"oil": "fat", "butter": "fat", "count": "soft", "clove": "soft", "stalk": "soft",
                 "root": "soft", "aromatic": "soft", "spice": "spice", "liquid": "wet",
                 "tin": "wet", "beans": "wet", "sauce": "sauce", "paste": "sauce",
                 "herb": "garnish", "cheese": "garnish"}  # fmt: skip
_IRREGULAR = {"leaf": "leaves", "anise": "anise", "chili": "chilies", "avocado": "avocados",
              "jalapeño": "jalapeños", "bread": "bread"}  # fmt: skip

_ADJECTIVES = vocabulary.ADJECTIVES.split()
_DISH_TAGS = dict(dish.partition(":")[::2] for dish in vocabulary.DISHES.split())
_DISHES = list(_DISH_TAGS)
_DESSERTS = vocabulary.DESSERTS.split()
_CUISINES = vocabulary.CUISINES.split()
_COURSES = vocabulary.COURSES.split()
_EXTRA_TAGS = vocabulary.EXTRA_TAGS.split()
_FIRST_NAMES = vocabulary.FIRST_NAMES.split()
_LAST_NAMES = vocabulary.LAST_NAMES.split()

_T = TypeVar("_T")

_RECIPE_EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
_USER_EPOCH = datetime(2022, 6, 1, tzinfo=UTC)
_SELECTION_EPOCH = datetime(2024, 6, 1, tzinfo=UTC)

# One way to write a food: text before any comma, quantity, unit key, food as written, and
# the note the text already carries ("to taste").
_Variant = tuple[str, Quantity | None, str | None, str, str]


@dataclass(frozen=True, slots=True, eq=False)
class _Food:
    """A food with every line it can appear as, ready-made: lines are immutable and shared."""

    name: str
    kind: str
    title: str
    vegetarian: bool
    vegan: bool
    hero: bool
    us: tuple[IngredientLine, ...]
    metric: tuple[IngredientLine, ...]


@dataclass(frozen=True, slots=True)
class _Catalog:
    foods: tuple[_Food, ...]
    cum: list[float]
    heroes: tuple[_Food, ...]
    hero_cum: list[float]
    dessert_heroes: tuple[_Food, ...]
    dessert_base: tuple[_Food, ...]
    dessert_extras: tuple[_Food, ...]
    extras_cum: list[float]
    cuisine_cum: list[float]


def synthetic_recipes(n: int, *, seed: int = 0, start: int = 0) -> Iterator[Recipe]:
    """Yield recipes number `start` to `start + n - 1` of the synthetic set for `seed`."""
    catalog = _catalog()
    for index in range(start, start + n):
        yield _recipe(catalog, seed, index)


def synthetic_recipe_ids(n: int, *, seed: int = 0, start: int = 0) -> list[str]:
    """The ids of `synthetic_recipes(n, seed=seed, start=start)`, without building the recipes."""
    return [_identity(seed, index)[1] for index in range(start, start + n)]


def synthetic_users(u: int, *, seed: int = 0) -> list[User]:
    """Return `u` users with deterministic ids, unique names and sign-up dates."""
    users = []
    for index in range(u):
        rng = _rng(f"user:{seed}:{index}")
        created = _USER_EPOCH + timedelta(hours=index, seconds=rng.randrange(3600))
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        user_id = _ulid(created, rng.getrandbits(80))
        name = f"{first}.{last}.{index}".lower()
        users.append(User(name, f"{first} {last}", None, user_id, created))
    return users


def synthetic_selections(
    users: Sequence[User], recipe_ids: Sequence[str], *, seed: int = 0, per_user: int = 4
) -> Iterator[tuple[str, Selection]]:
    """Yield (user id, selection): 0 to 2 x `per_user` recipes each, popular ones far more often."""
    if not recipe_ids:
        return
    rng = _rng(f"selections:{seed}")
    ranked = list(recipe_ids)
    rng.shuffle(ranked)  # popularity is unrelated to age
    cum = _zipf(len(ranked))
    for user in users:
        wanted = min(rng.randint(0, 2 * per_user), len(ranked))
        chosen: dict[str, None] = {}
        while len(chosen) < wanted:
            chosen.update(dict.fromkeys(rng.choices(ranked, cum_weights=cum, k=wanted)))
        for recipe_id in itertools.islice(chosen, wanted):
            added = _SELECTION_EPOCH + timedelta(seconds=rng.randrange(90 * 86400))
            yield user.id, Selection(recipe_id, rng.choice((2, 4, 4, 4, 6, 8)), added)


def _zipf(n: int) -> list[float]:
    """Cumulative Zipf weights (exponent 1) for ranks 1..n, as `random.choices` takes them."""
    return list(itertools.accumulate(1 / rank for rank in range(1, n + 1)))


def _rng(key: str) -> random.Random:
    # A string seed is hashed (SHA-512), so no two keys share a stream. Reproducible on
    # purpose: nothing here is a secret.
    return random.Random(key)  # noqa: S311


def _pick(rng: random.Random, items: Sequence[_T]) -> _T:
    # Four times faster than `rng.choice`, which matters at a million lines.
    return items[int(rng.random() * len(items))]


def _ulid(moment: datetime, bits: int) -> str:
    return crockford(int(moment.timestamp()) * 1000 << 80 | bits, 26)


def _identity(seed: int, index: int) -> tuple[random.Random, str, datetime]:
    # One generator per recipe: recipe `index` does not depend on where a batch starts.
    rng = _rng(f"recipe:{seed}:{index}")
    created = _RECIPE_EPOCH + timedelta(seconds=300 * index + int(rng.random() * 300))
    return rng, _ulid(created, rng.getrandbits(80)), created


def _recipe(catalog: _Catalog, seed: int, index: int) -> Recipe:
    rng, recipe_id, created = _identity(seed, index)
    metric = rng.random() < 0.5
    dessert = rng.random() < 0.08
    if dessert:
        hero = _pick(rng, catalog.dessert_heroes)
        extras = rng.choices(catalog.dessert_extras, cum_weights=catalog.extras_cum, k=3)
        foods = list(dict.fromkeys((hero, *catalog.dessert_base, *extras)))
        dish = _pick(rng, _DESSERTS)
    else:
        hero = rng.choices(catalog.heroes, cum_weights=catalog.hero_cum)[0]
        foods = _draw_foods(rng, catalog, hero, 5 + int(rng.random() * 11))
        dish = _pick(rng, _DISHES)
    lines = [_pick(rng, food.metric if metric else food.us) for food in foods]
    hero_food = lines[0].food  # as written: "2 carrots" -> "carrots"
    sidekicks = [i for i in range(1, len(foods)) if foods[i].kind in _SIDEKICK_KINDS]
    second = _pick(rng, sidekicks) if sidekicks else 0
    adjective = _pick(rng, _ADJECTIVES)
    partner = f" and {lines[second].food}" if second else ""
    if dessert:
        title = f"{_pick(rng, ('Easy', 'Simple', 'Golden', 'Sticky'))} {hero.title} {dish}"
        steps = _dessert_steps(rng, hero_food, metric)
    else:
        title = _title(rng, adjective, hero, foods[second], lines[second], dish)
        steps = _steps(rng, foods, lines)
        lines.insert(int(rng.random() * len(lines)), lines.pop(0))  # the hero anywhere
        if rng.random() < 0.15:
            # As the parser names the section of "For the sauce:".
            section = _pick(rng, ("Sauce", "Dressing", "Marinade", "Topping"))
            half = len(lines) // 2
            lines[half:] = [replace(line, section=section) for line in lines[half:]]
    minutes = _pick(rng, (20, 30, 45, 60, 90))
    description = (
        f"{_pick(rng, _ADJECTIVES)} {dish.lower()} of {hero_food}{partner}, ready in about "
        f"{minutes} minutes. {_pick(rng, vocabulary.BLURBS)}"
    ).rstrip()
    return Recipe(
        title=title,
        servings=_pick(rng, (2, 4, 4, 4, 6, 6, 8, 12 if dessert else 4)),
        description=description,
        ingredients=lines,
        steps=steps,
        tags=_tags(rng, catalog, foods, dish, dessert),
        id=recipe_id,
        created_at=created,
        updated_at=created,
    )


def _draw_foods(rng: random.Random, catalog: _Catalog, hero: _Food, k: int) -> list[_Food]:
    chosen = {hero: None}
    while len(chosen) < k:
        chosen.update(dict.fromkeys(rng.choices(catalog.foods, cum_weights=catalog.cum, k=k)))
    return list(chosen)[:k]


def _title(
    rng: random.Random, adjective: str, hero: _Food, second: _Food, line: IngredientLine, dish: str
) -> str:
    pattern = 0 if second is hero else _pick(rng, (0, 0, 1, 2))
    if pattern == 0:
        return f"{adjective} {hero.title} {dish}"  # "Smoky Chickpea Stew"
    if pattern == 1:
        return f"{hero.title} {dish} with {_capitalised(line.food)}"  # "... with Lemons"
    return f"{adjective} {hero.title} and {second.title} {dish}"  # "... and Lemon Stew"


def _steps(rng: random.Random, foods: list[_Food], lines: list[IngredientLine]) -> list[str]:
    """A method that names the recipe's own ingredients; `lines[0]` is the hero."""
    groups: dict[str, list[str]] = {}
    for food, line in zip(foods[1:], lines[1:], strict=True):
        if step := _STEP_OF_KIND.get(food.kind):
            groups.setdefault(step, []).append(line.food)
    named = {step: _join(names[:3]) for step, names in groups.items()}
    pan, minutes = _pick(rng, ("pan", "pot", "skillet", "wok")), _pick(rng, (5, 8, 10, 15, 20))
    until = _pick(rng, ("until browned", "until tender", "turning once"))
    before = [
        f"Heat the {named['fat']} in a large {pan} over a medium heat." if "fat" in named else "",
        f"Add the {named['soft']} and cook for {minutes} minutes, stirring, until soft."
        if "soft" in named
        else "",
        f"Stir in the {named['spice']} and cook for 1 minute, until fragrant."
        if "spice" in named
        else "",
    ]
    after = [
        f"Pour in the {named['wet']}, bring to a simmer and cook for {minutes * 2} minutes."
        if "wet" in named
        else "",
        f"Stir in the {named['sauce']} and simmer for 2 minutes more." if "sauce" in named else "",
    ]
    before, after = [step for step in before if step], [step for step in after if step]
    target = 3 + int(rng.random() * 6)  # steps in all: these, the hero's, fillers, serving
    while len(before) + len(after) > target - 2:
        (before if before and (not after or rng.random() < 0.5) else after).pop()
    first = int(rng.random() * len(vocabulary.FILLERS))
    fillers = (vocabulary.FILLERS * 2)[first : first + target - 2 - len(before) - len(after)]
    finish = f"Scatter over the {named['garnish']} and serve" if "garnish" in named else "Serve"
    hero_step = f"Add the {lines[0].food} and cook for {minutes} minutes, {until}."
    return [*before, hero_step, *after, *fillers, f"{finish} {_pick(rng, vocabulary.SERVE)}."]


def _dessert_steps(rng: random.Random, hero: str, metric: bool) -> list[str]:
    oven = _pick(rng, ("180°C (160°C fan)", "190°C (170°C fan)") if metric else ("350°F", "375°F"))
    steps = [
        f"Heat the oven to {oven} and butter a baking dish.",
        "Beat the butter and sugar until pale and fluffy, then beat in the eggs.",
        "Fold in the flour and baking powder until just combined.",
        f"Stir in the {hero} and spread the mixture in the dish.",
        f"Bake for {_pick(rng, (25, 30, 40, 50))} minutes, until golden and set.",
        "Cool for 10 minutes before serving.",
    ]
    return steps[:2] + steps[3:] if rng.random() < 0.3 else steps


def _tags(
    rng: random.Random, catalog: _Catalog, foods: list[_Food], dish: str, dessert: bool
) -> list[str]:
    cuisine = rng.choices(_CUISINES, cum_weights=catalog.cuisine_cum)[0]
    tags = [cuisine, "dessert", "baking"] if dessert else [cuisine, _pick(rng, _COURSES)]
    if all(food.vegetarian for food in foods):
        tags.append("vegan" if all(food.vegan for food in foods) else "vegetarian")
    if _DISH_TAGS.get(dish):
        tags.append(_DISH_TAGS[dish])
    tags.extend(_pick(rng, _EXTRA_TAGS) for _ in range(_pick(rng, (0, 1, 1, 2))))
    return list(dict.fromkeys(tags))


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@cache
def _catalog() -> _Catalog:
    foods = tuple(_food(entry) for entry in vocabulary.FOODS.split())
    by_name = {food.name: food for food in foods}

    def named(words: str) -> tuple[_Food, ...]:
        return tuple(by_name[_spaced(word)] for word in words.split())

    heroes = tuple(food for food in foods if food.hero)
    extras = named(vocabulary.DESSERT_EXTRAS)
    return _Catalog(
        foods=foods,
        cum=_zipf(len(foods)),
        heroes=heroes,
        hero_cum=_zipf(len(heroes)),
        dessert_heroes=named(vocabulary.DESSERT_HEROES),
        dessert_base=named(vocabulary.DESSERT_BASE),
        dessert_extras=extras,
        extras_cum=_zipf(len(extras)),
        cuisine_cum=_zipf(len(_CUISINES)),
    )


def _food(entry: str) -> _Food:
    spec, _, kind_flags = entry.partition("/")
    kind, name = kind_flags.rstrip("*+!"), _spaced(spec)
    us, _, metric = vocabulary.KINDS[kind].partition(";")
    notes = vocabulary.NOTES[kind].split("|") if kind in vocabulary.NOTES else []
    vegetarian = "*" not in kind_flags and kind not in ("meat", "fish", "bacon")
    return _Food(
        name=name,
        kind=kind,
        title=_title_case(name),
        vegetarian=vegetarian,
        vegan=vegetarian and "+" not in kind_flags and kind not in ("cheese", "butter", "dairy"),
        hero="!" in kind_flags or kind in _HERO_KINDS,
        us=tuple(_lines(_variants(name, kind, us), notes)),
        metric=tuple(_lines(_variants(name, kind, metric or us), notes)),
    )


def _lines(variants: Iterator[_Variant], notes: list[str]) -> Iterator[IngredientLine]:
    """Every variant, plain and with each note; plain twice as often as noted in all."""
    for text, quantity, unit, food, note in variants:
        for _ in range(2 * len(notes) if not note else 0):
            yield IngredientLine(text, quantity, unit, food)
        for extra in notes if not note else ():
            yield IngredientLine(f"{text}, {extra}", quantity, unit, food, extra)
        if note or not notes:
            yield IngredientLine(text, quantity, unit, food, note)


def _variants(name: str, kind: str, options: str) -> Iterator[_Variant]:
    for option in options.split("|"):
        unit, *amounts = option.split()
        if unit == "?":
            yield f"{name}, to taste", None, None, name, "to taste"
        for amount in amounts:
            low, _, high = amount.partition("-")
            quantity = Quantity(Fraction(low), Fraction(high) if high else None)
            metric = unit != "-" and UNITS[unit].system == "metric"
            number = format_quantity(quantity, kitchen=not metric)
            many = quantity.high is not None or quantity.low > 1
            if unit == "-":
                written = _plural(name) if many else name
                yield f"{number} {written}", quantity, None, written, ""
            else:
                written = _plural(name) if kind in _PLURAL_WHEN_MEASURED else name
                label = unit_label(unit, quantity.high or quantity.low)
                yield f"{number} {label} {written}", quantity, unit, written, ""


def _spaced(spec: str) -> str:
    return spec.replace("_", " ")


def _plural(name: str) -> str:
    head, _, last = name.rpartition(" ")
    if last in _IRREGULAR:
        last = _IRREGULAR[last]
    elif last.endswith(("s", "sh", "ch", "x", "o")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def _capitalised(name: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in name.split())


def _title_case(name: str) -> str:
    """The name as a title word: singular, capitalised ("cherry tomatoes" -> "Cherry Tomato")."""
    if name.endswith("ies"):
        name = name[:-3] + "y"
    elif name.endswith(("oes", "shes", "ches")):
        name = name[:-2]
    elif name.endswith("s") and not name.endswith(("ss", "us")):
        name = name[:-1]
    return _capitalised(name)
