"""Food names reduced to keys that shopping lines merge on, their display names and densities.

`food_key` turns what a recipe writes ("2 large Onions, finely chopped") into "onion": lower
case without accents or punctuation, leading amounts, size and preparation words dropped, the
last word made singular, synonyms mapped to one name. What changes the thing to buy stays:
colour ("red onion"), kind ("onion powder", "ground beef"), form ("dried basil").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from recipebox.domain.aisles import AISLE_OF, HERBS, aisle_of
from recipebox.domain.units import lookup_unit


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that describe size, freshness or preparation, not what to buy. A name the tables know
# as a whole keeps them ("ground beef", "crushed tomato").
_DESCRIPTORS = _words(
    """
    large small medium big jumbo extra fresh freshly chopped diced minced sliced grated shredded
    peeled crushed ground finely roughly coarsely thinly thickly halved quartered cubed trimmed
    rinsed drained softened melted beaten sifted packed lightly firmly loosely ripe organic
    boneless skinless raw uncooked heaping heaped level scant good quality fine coarse cold warm
    lukewarm cracked toasted roasted unsalted salted plain pitted seeded deseeded stemmed cored
    julienned very iced
    """
)

# Words that may stand before a food in place of a number ("a lemon", "about 2 cups").
_AMOUNT_WORDS = _words("a an about approx approximately around some few couple x to or and")
_NUMBER = re.compile(r"\d+[a-z]*$")  # "2", "400g"
# Where a name stops being the food: "butter or margarine", "flour for dusting".
_STOP_WORDS = _words("or for optional")
_STOP_PAIRS = frozenset({("to", "taste"), ("as", "needed"), ("if", "needed"), ("if", "desired")})

# Spellings of one word, unified wherever the word stands ("Kashmiri chilli powder").
_SPELLINGS = {"chilli": "chili", "chillies": "chilies", "yoghurt": "yogurt", "filo": "phyllo"}

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

# Plural last words that regular rules get wrong.
_INVARIANT = _words("oats grits greens molasses brussels swiss series species")
_IRREGULAR = {
    "leaves": "leaf",
    "loaves": "loaf",
    "halves": "half",
    "knives": "knife",
    "cookies": "cookie",
    "brownies": "brownie",
    "smoothies": "smoothie",
    "veggies": "veggie",
    "chilies": "chili",
    "quiches": "quiche",
    "brioches": "brioche",
    "bries": "brie",
    "fraiches": "fraiche",
}

_PLURALS = {singular: plural for plural, singular in _IRREGULAR.items()} | {
    "tomato": "tomatoes",
    "potato": "potatoes",
    "chili": "chilies",
}

# Synonyms and varieties sold as the same thing, by singular key.
_ALIASES = {
    "yellow onion": "onion",
    "brown onion": "onion",
    "spanish onion": "onion",
    "scallion": "green onion",
    "spring onion": "green onion",
    "all purpose flour": "flour",
    "ap flour": "flour",
    "plain flour": "flour",
    "white flour": "flour",
    "granulated sugar": "sugar",
    "white sugar": "sugar",
    "cane sugar": "sugar",
    "confectioner sugar": "powdered sugar",
    "confectioners sugar": "powdered sugar",
    "icing sugar": "powdered sugar",
    "superfine sugar": "caster sugar",
    "sweet butter": "butter",
    "black pepper": "pepper",
    "kosher salt": "salt",
    "sea salt": "salt",
    "table salt": "salt",
    "flaky salt": "salt",
    "flaky sea salt": "salt",
    "virgin olive oil": "olive oil",
    "evoo": "olive oil",
    "vegetable oil": "oil",
    "cooking oil": "oil",
    "neutral oil": "oil",
    "double cream": "heavy cream",
    "whipping cream": "heavy cream",
    "heavy whipping cream": "heavy cream",
    "coriander leaf": "cilantro",
    "fresh coriander": "cilantro",
    "flat leaf parsley": "parsley",
    "italian parsley": "parsley",
    "chicken broth": "chicken stock",
    "beef broth": "beef stock",
    "vegetable broth": "vegetable stock",
    "bicarbonate of soda": "baking soda",
    "bicarb": "baking soda",
    "cornflour": "cornstarch",
    "corn starch": "cornstarch",
    "courgette": "zucchini",
    "aubergine": "eggplant",
    "capsicum": "bell pepper",
    "chile": "chili",
    "beef mince": "ground beef",
    "lamb mince": "ground lamb",
    "pork mince": "ground pork",
    "chicken mince": "ground chicken",
    "turkey mince": "ground turkey",
    "garbanzo bean": "chickpea",
    "crushed red pepper": "red pepper flake",
    "red chili flake": "red pepper flake",
    "chili flake": "red pepper flake",
    "parmigiano reggiano": "parmesan",
    "mayo": "mayonnaise",
    "barbecue sauce": "bbq sauce",
    "lasagne": "lasagna",
    "celery rib": "celery stalk",
    "stock cube": "bouillon",
    "phyllo pastry": "phyllo",
    "phyllo dough": "phyllo",
    "cayenne pepper": "cayenne",
}

# Count nouns a food name may end in ("garlic cloves"): they are really the unit.
_COUNT_NOUNS = frozenset({"clove", "sprig", "stalk", "bunch", "head", "bulb"})


@dataclass(frozen=True, slots=True)
class Density:
    """How much a millilitre of a food weighs, and whether shops sell it by mass or volume."""

    grams_per_ml: Fraction
    sold_by: str


# The US cup, 48 US teaspoons of 4.92892159375 ml.
_CUP_ML = Fraction("236.5882365")


def _by_cup(grams: int) -> Fraction:
    return Fraction(grams) / _CUP_ML


# Usual kitchen values: dry goods as grams per US cup (spooned and levelled, sugar packed for
# brown sugar), liquids as grams per millilitre. Close enough to merge a shopping list.
_DENSITIES: dict[str, Density] = {
    "water": Density(Fraction(1), "volume"),
    "milk": Density(Fraction("1.03"), "volume"),
    "whole milk": Density(Fraction("1.03"), "volume"),
    "buttermilk": Density(Fraction("1.03"), "volume"),
    "heavy cream": Density(Fraction("0.99"), "volume"),
    "cream": Density(Fraction("0.99"), "volume"),
    "half and half": Density(Fraction("1.01"), "volume"),
    "oil": Density(Fraction("0.92"), "volume"),
    "olive oil": Density(Fraction("0.91"), "volume"),
    "chicken stock": Density(Fraction(1), "volume"),
    "beef stock": Density(Fraction(1), "volume"),
    "vegetable stock": Density(Fraction(1), "volume"),
    "coconut milk": Density(Fraction("0.97"), "volume"),
    "maple syrup": Density(Fraction("1.32"), "volume"),
    "honey": Density(Fraction("1.42"), "mass"),
    "molasses": Density(Fraction("1.42"), "mass"),
    "yogurt": Density(Fraction("1.03"), "mass"),
    "greek yogurt": Density(Fraction("1.05"), "mass"),
    "sour cream": Density(_by_cup(230), "mass"),
    "flour": Density(_by_cup(120), "mass"),
    "bread flour": Density(_by_cup(120), "mass"),
    "whole wheat flour": Density(_by_cup(113), "mass"),
    "cake flour": Density(_by_cup(114), "mass"),
    "almond flour": Density(_by_cup(96), "mass"),
    "cornmeal": Density(_by_cup(138), "mass"),
    "cornstarch": Density(_by_cup(112), "mass"),
    "cocoa powder": Density(_by_cup(84), "mass"),
    "sugar": Density(_by_cup(200), "mass"),
    "brown sugar": Density(_by_cup(213), "mass"),
    "powdered sugar": Density(_by_cup(120), "mass"),
    "caster sugar": Density(_by_cup(200), "mass"),
    "butter": Density(_by_cup(227), "mass"),
    "peanut butter": Density(_by_cup(270), "mass"),
    "rice": Density(_by_cup(185), "mass"),
    "white rice": Density(_by_cup(185), "mass"),
    "brown rice": Density(_by_cup(190), "mass"),
    "basmati rice": Density(_by_cup(185), "mass"),
    "rolled oats": Density(_by_cup(90), "mass"),
    "oats": Density(_by_cup(90), "mass"),
    "quinoa": Density(_by_cup(170), "mass"),
    "chocolate chip": Density(_by_cup(170), "mass"),
    "salt": Density(_by_cup(288), "mass"),
}

_KNOWN = AISLE_OF.keys() | _ALIASES.keys() | _DENSITIES.keys()


def _singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word in _INVARIANT or word.endswith(("ss", "us")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("oes", "ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _drop_amount(words: list[str]) -> list[str]:
    """Drop a leading amount and its unit: "2 cans of tomatoes" -> "tomatoes"."""
    start = 0
    while start < len(words) and (words[start] in _AMOUNT_WORDS or _NUMBER.match(words[start])):
        start += 1
    if start == 0:
        return words
    words = words[start:]
    at = 0
    while at < len(words) and words[at] in _DESCRIPTORS:
        at += 1
    # Single letters ("t", "c") are units only in their case-sensitive spelling.
    if at < len(words) - 1 and len(words[at]) > 1 and lookup_unit(words[at]) is not None:
        del words[at]
        if at < len(words) - 1 and words[at] == "of":
            del words[at]
    if len(words) > 1 and words[0] == "of":
        del words[0]
    return words


def _cut(words: list[str]) -> list[str]:
    for at in range(1, len(words)):
        if words[at] in _STOP_WORDS or tuple(words[at : at + 2]) in _STOP_PAIRS:
            return words[:at]
    return words


def _finish(words: list[str]) -> str:
    key = " ".join([*words[:-1], _singular(words[-1])])
    key = _ALIASES.get(key, key)
    head, _, last = key.rpartition(" ")
    # "basil leaves", "Thai basil leaves": the leaves are the herb.
    if last == "leaf" and head.rpartition(" ")[2] in HERBS:
        return head
    # "feta cheese" is feta; "cream cheese" is in the table as itself.
    if last == "cheese" and key not in AISLE_OF and AISLE_OF.get(head) == "dairy & eggs":
        return head
    return key


def _first_part(text: str) -> list[str]:
    """The words up to the first comma that follows a food word ("chicken, diced")."""
    words: list[str] = []
    for part in text.split(","):
        part_words = _NOT_WORD.sub(" ", part).split()
        words += part_words
        if any(word not in _DESCRIPTORS for word in part_words):
            break
    return words


@lru_cache(maxsize=8192)
def food_key(name: str) -> str:
    """Reduce a food name to the key shopping lines merge on ("2 Large Onions" -> "onion")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _BRACKETS.sub(" ", text).replace("&", " and ").replace("'", "")
    words = [_SPELLINGS.get(word, word) for word in _cut(_drop_amount(_first_part(text)))]
    if not words:
        return " ".join(_NOT_WORD.sub(" ", name.lower()).split())
    whole = _finish(words)
    if whole in _KNOWN:
        return whole
    kept = [word for word in words if word not in _DESCRIPTORS]
    return _finish(kept) if kept else whole


@lru_cache(maxsize=8192)
def food_and_unit(name: str, unit: str | None) -> tuple[str, str | None]:
    """The food key of `name` and the line's unit, reading a trailing count noun as the unit
    ("2 garlic cloves" -> "garlic", "clove"; "10 g garlic cloves" -> "garlic", "g")."""
    key = food_key(name)
    head, _, last = key.rpartition(" ")
    if head and last in _COUNT_NOUNS and key not in AISLE_OF and aisle_of(head) != "other":
        counted = lookup_unit(last)
        if counted is not None:
            return head, unit or counted
    return key, unit


def density_of(food: str) -> Density | None:
    """The density of a food key, when mass and volume of it may be added up."""
    return _DENSITIES.get(food)


@lru_cache(maxsize=64)
def staple_keys(staples: tuple[str, ...]) -> frozenset[str]:
    """The food keys of a user's pantry staples."""
    return frozenset(food_key(staple) for staple in staples)


def is_staple(food: str, staples: frozenset[str]) -> bool:
    """Whether a food key is a staple; "salt and pepper" is when both are."""
    return food in staples or (
        " and " in food and all(part in staples for part in food.split(" and "))
    )


def display_name(food: str, *, plural: bool = False) -> str:
    """The name a food key is shown by: "olive oil" -> "Olive oil", "3 Tomatoes" (plural)."""
    if plural and food:
        head, space, last = food.rpartition(" ")
        food = head + space + _plural(last)
    return food[:1].upper() + food[1:]


def _plural(word: str) -> str:
    if word in _PLURALS:
        return _PLURALS[word]
    # Italian plurals are plural already ("spaghetti", "zucchini"); "tofus" would read as
    # singular "tofus" ("-us" words do not change).
    if word.endswith(("s", "i", "u")) or word in _INVARIANT:
        return word
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"
