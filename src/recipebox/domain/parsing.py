"""Read ingredient lines ("2 1/2 cups all-purpose flour, sifted") into quantity, unit, food, note.

Rule-based on purpose: the usual statistical parser, ingredient-parser-nlp, downloads NLTK
data when it is imported, which cannot happen offline (Lambda, CI, air-gapped installs). Sets
and precompiled regular expressions also keep bulk imports fast (about 20 µs a line).

A line is read left to right: a lead-in ("Optional:", "Juice of", "about", "a few"); the
quantity ("2 1/2", "1-2", "one", "a"), exact, a range for "1-2" or "1 to 2"; a package size
("1 (400 g) can", "2 x 400g tins", "28-ounce can"); size words of the unit ("1 large can",
"2 heaping tbsp"); the unit and an "of"; a second amount added to the first ("1 cup plus
2 tbsp") or an alternative one ("100g/3½oz"). The rest, up to the first comma, is the food.

The note gathers, in the order they are written: the lead-in, package size, size words and
alternative amount; bracketed text; what follows the comma; trailing phrases ("to taste",
"for serving", "or 1 tsp dried"); and preparation words leading or ending the food ("finely
chopped", "packed", "coriander leaves chopped"). "ground" and "crushed" alone are product
forms and stay ("ground beef", "crushed red pepper"), as does everything after a can, jar or
package ("1 can diced tomatoes"). Size adjectives of the food stay too ("large eggs"): the
shopping list normalises foods. Nothing is dropped but the words of the amount ("of", "x",
"to" between numbers, "plus" between amounts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

from recipebox.domain.ingredient_notes import TIDY, split_food
from recipebox.domain.numerals import NUMBER, RANGE, range_value
from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine
from recipebox.domain.units import UNITS, unit_spellings


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SPELLINGS = unit_spellings()
# Spellings as `_unit_key` normalises them: lower case, dots as spaces ("fl. oz." -> "fl oz").
_UNIT_WORDS = {
    " ".join(name.replace(".", " ").split()).lower(): key
    for name, key in _SPELLINGS.items()
    if len(name) > 1
}
_UNIT_LETTERS = {name: key for name, key in _SPELLINGS.items() if len(name) == 1}
_MEASURES = ("mass", "volume")
_SIZE_WORDS = frozenset(
    [name for name, key in _UNIT_WORDS.items() if UNITS[key].dimension in _MEASURES]
    + [name for name, key in _UNIT_LETTERS.items() if UNITS[key].dimension in _MEASURES]
    + ["inch", "inches", "in", "cm", "mm"]
)
# Words are looked up in sets: a regular expression listing every spelling, case-insensitive,
# is several times slower. "fl oz" and "fluid ounce" are the only units of two words.
_WORD = r"(?:fl\.?\s*oz|fluid\s+ounces?|[^\W\d_]+)\.?(?![\w-])"
_UNIT_MODIFIERS = _words(
    """small medium large big extra extra-large jumbo heaping heaped level rounded scant
    generous good whole thick thin thick-cut thumb-size thumb-sized medium-sized large-sized"""
)
# After these units the words name the product: "1 can diced tomatoes".
_CONTAINERS = _words("can jar bottle package container carton box bag block bar loaf sachet sheet")
# Units that need no number before them: "Pinch cayenne", "Handful basil".
_VAGUE_UNITS = _words("pinch dash splash handful knob")
# "4 garlic cloves", "2 celery ribs": a unit written after the food.
_TRAILING_UNITS = _words("clove cloves sprig sprigs stalk stalks rib ribs")
_FRACTION_CHARS = "½⅓⅔¼¾⅛⅜⅝⅞"
_FLAGS = re.IGNORECASE | re.VERBOSE

_PAREN_RE = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_BULLET_RE = re.compile(r"[\s\-–—*•·▪▢□☐✓✔>]+")
_PREFIX_RE = re.compile(
    rf"""(?P<optional>optional)\s*:\s*
    | (?P<part>(?:(?:finely\s+)?(?:grated\s+)?(?:juice|zest|rind|peel)\b
        (?:\s+(?:and|&)\s+(?:finely\s+)?(?:grated\s+)?(?:juice|zest))?))\s+of\s+
    | (?P<about>approximately|approx\.?|about|around|roughly|~)\s*(?=\S)
    | (?P<measure>scant|heaping|heaped|rounded|level|generous)\s+(?=[\d{_FRACTION_CHARS}])
    | (?P<vague>a\s+few|a\s+couple(?:\s+of)?|several|some|a\s+little|a\s+bit\s+of)\s+""",
    _FLAGS,
)
_QUANTITY_RE = re.compile(RANGE, _FLAGS)
_DOZEN_RE = re.compile(r"\s*dozen\b", re.IGNORECASE)
_TIMES_RE = re.compile(r"\s*[x×](?:\s*(?=\d)|(?=\s))", re.IGNORECASE)
_SIZE = rf"{NUMBER}\s*-?\s*(?P<word>{_WORD})"
_SIZE_RE = re.compile(rf"\s*-?\s*(?P<size>{_SIZE})", _FLAGS)
_NEXT_WORD_RE = re.compile(
    r"\s*(?P<word>fl\.?\s*oz|fluid\s+ounces?|[^\W\d_][\w-]*)\.?(?![\w-])", re.IGNORECASE
)
_OF_RE = re.compile(r"\s+of\b", re.IGNORECASE)
_EACH_RE = re.compile(r"\s+(?P<each>each)\b", re.IGNORECASE)
_PLUS_RE = re.compile(rf"\s*(?:\+|plus\b|and\b)\s*(?P<number>{NUMBER})\s*(?P<word>{_WORD})", _FLAGS)
_ALTERNATIVE_RE = re.compile(rf"\s*/\s*(?P<alt>{_SIZE}(?:\s+{NUMBER}\s*{_WORD})?)", _FLAGS)
# Headings: "For the sauce:", "Sauce:", "**Sauce**", "## Sauce", "FOR THE DOUGH". A bare
# capitalised word is not one: "SALT" on an all-capitals recipe card is an ingredient.
_HEADING_RE = re.compile(
    r"""(?:\#+\s*)?(?:\*\*|__)?(?P<colon>[^\d:()]{1,60}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?
    | (?P<for>for\s+[^\d,()]{1,50})
    | (?:\#+|\*\*|__)\s*(?P<marked>[^\d]{1,60}?)\s*(?:\*\*|__)?""",
    re.VERBOSE | re.IGNORECASE,
)
_FOR_THE_RE = re.compile(r"^for\s+(?:the\s+)?", re.IGNORECASE)


class _Unit(NamedTuple):
    key: str
    start: int  # where its size words start ("1 large can": " large can")
    end: int
    size_words: tuple[int, str] | None  # position and text of "large", "heaping", ...


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(TIDY)


def _unit_key(word: str) -> str | None:
    """The unit key of a written unit ("Tbsp.", "T", "fl. oz"), or None."""
    word = word.removesuffix(".")
    if word in _UNIT_LETTERS:
        return _UNIT_LETTERS[word]
    return _UNIT_WORDS.get(" ".join(word.replace(".", " ").split()).lower())


def _unit_at(line: str, pos: int) -> _Unit | None:
    """The unit starting at `pos`, after up to two size words ("large can"), or None."""
    start, first = pos, -1
    for _ in range(3):
        found = _NEXT_WORD_RE.match(line, pos)
        if found is None:
            return None
        if (key := _unit_key(found["word"])) is not None:
            words = None if first < 0 else (first, line[first : found.start("word")])
            return _Unit(key, start, found.end(), words)
        if found["word"].lower() not in _UNIT_MODIFIERS:
            return None
        first = found.start("word") if first < 0 else first
        pos = found.end()
    return None


def _size_at(line: str, pos: int) -> re.Match[str] | None:
    """A package size ("400 g", "28-ounce", "2-inch") starting at `pos`, or None."""
    found = _SIZE_RE.match(line, pos)
    if found is None or " ".join(found["word"].lower().rstrip(".").split()) not in _SIZE_WORDS:
        return None
    return found


def _is_package(line: str, pos: int) -> bool:
    """Whether a countable unit ("can", "large tin", "piece") starts at `pos`."""
    unit = _unit_at(line, pos)
    return unit is not None and UNITS[unit.key].system is None


def _added(quantity: Quantity, unit: str, plus: re.Match[str]) -> Quantity | None:
    """`quantity` of `unit` plus the amount in `plus` ("1 cup plus 2 tbsp"), in `unit`."""
    values = range_value(plus["number"])
    other = _unit_key(plus["word"])
    if values is None or values[1] is not None or other is None or UNITS[unit].system is None:
        return None
    if UNITS[other].dimension != UNITS[unit].dimension:
        return None
    extra = values[0] * UNITS[other].factor / UNITS[unit].factor
    high = None if quantity.high is None else quantity.high + extra
    return Quantity(quantity.low + extra, high)


def _blank_brackets(text: str, notes: list[tuple[int, str]]) -> str:
    """`text` with bracketed parts blanked to spaces, their text added to `notes`.

    Blanking keeps the length, so every later position still points into the line.
    """
    line = text
    while (match := _PAREN_RE.search(line)) is not None:
        notes.append((match.start(), match[1] if match[1] is not None else match[2]))
        line = line[: match.start()] + " " * len(match[0]) + line[match.end() :]
    return line


def _quantity_at(line: str, pos: int, notes: list[tuple[int, str]]) -> tuple[Quantity | None, int]:
    """The quantity at `pos` with the package size after it, and where they end."""
    if (size := _size_at(line, pos)) and _is_package(line, size.end()):
        # "28-ounce can tomatoes", "400ml tin coconut milk": one package of that size.
        notes.append((size.start("size"), size["size"]))
        return Quantity(Fraction(1)), size.end()
    amount = _QUANTITY_RE.match(line, pos)
    values = None if amount is None else range_value(amount[0])
    if amount is None or values is None:
        return None, pos
    end = amount.end()
    # "7up", "3rd" start with no quantity; "200g" and "2x400g" do.
    glued = end < len(line) and line[end].isalnum()
    if glued and not (_unit_at(line, end) or _TIMES_RE.match(line, end)):
        return None, pos
    low, high = values
    if dozen := _DOZEN_RE.match(line, end):
        low, high, end = low * 12, None if high is None else high * 12, dozen.end()
    times = _TIMES_RE.match(line, end)
    end = times.end() if times else end
    if (size := _size_at(line, end)) and (times or _is_package(line, size.end())):
        notes.append((size.start("size"), size["size"]))
        end = size.end()
    return Quantity(low, high), end


def parse_ingredient(text: str, section: str | None = None) -> IngredientLine:
    """Read one ingredient line; a line it cannot read keeps its text as the food."""
    notes: list[tuple[int, str]] = []
    line = _blank_brackets(text, notes)
    bullet = _BULLET_RE.match(line)
    pos = bullet.end() if bullet else 0
    lead_in = False
    while (prefix := _PREFIX_RE.match(line, pos)) is not None:
        group = prefix.lastgroup or ""
        if group == "part" and not _QUANTITY_RE.match(line, prefix.end()):
            break  # "Juice of 1 lemon" is read so; "Juice of lemon" is a food as written.
        notes.append((pos, prefix[group]))
        lead_in = lead_in or group in ("about", "vague")
        pos = prefix.end()
    quantity, pos = _quantity_at(line, pos, notes)

    unit: str | None = None
    found = _unit_at(line, pos)
    if found and (
        quantity is not None
        or lead_in
        or found.size_words
        or found.key in _VAGUE_UNITS
        or _OF_RE.match(line, found.end)
    ):
        unit = found.key
        if found.size_words:
            notes.append(found.size_words)
        pos = found.end
        if each := _EACH_RE.match(line, pos):
            notes.append((each.start("each"), each["each"]))
            pos = each.end()
        if of := _OF_RE.match(line, pos):
            pos = of.end()
        elif (
            quantity is not None
            and (plus := _PLUS_RE.match(line, pos))
            and (total := _added(quantity, unit, plus)) is not None
        ):
            quantity, pos = total, plus.end()
        alternative = _ALTERNATIVE_RE.match(line, pos)
        if alternative and " ".join(alternative["word"].lower().rstrip(".").split()) in _SIZE_WORDS:
            notes.append((alternative.start("alt"), alternative["alt"]))
            pos = alternative.end()

    food_start = pos
    food = split_food(line, pos, notes, unit in _CONTAINERS)
    head, _, last = food.rpartition(" ")
    if unit is None and head and last.lower() in _TRAILING_UNITS:
        unit, food = _unit_key(last), head.rstrip()
    elif found and unit is not None and not food and UNITS[unit].system is None:
        # "6 whole cloves", "2 cans": the last word was the food, not its unit.
        food = _tidy(line[found.start : food_start])
        unit = None
        notes = [(at, note) for at, note in notes if not found.start <= at < food_start]
    note = ", ".join(tidied for _, raw in sorted(notes) if (tidied := _tidy(raw)))
    if quantity is None and unit is None and not note:
        food = food or text.strip()
    return IngredientLine(text, quantity, unit, food, note, section)


def section_heading(line: str) -> str | None:
    """The section a heading line opens ("For the sauce:" -> "Sauce"), or None."""
    match = _HEADING_RE.fullmatch(line.strip())
    if match is None:
        return None
    name = _tidy(_FOR_THE_RE.sub("", match[match.lastgroup or 0], count=1).strip(" #*_:"))
    if not name:
        return None
    if name.isupper():
        name = name.capitalize()
    return name[0].upper() + name[1:]


def parse_ingredients(lines: Iterable[str]) -> list[IngredientLine]:
    """Read ingredient lines; a heading line sets the section of the lines after it."""
    section: str | None = None
    parsed: list[IngredientLine] = []
    for line in lines:
        if not line.strip():
            continue
        heading = section_heading(line)
        if heading is not None:
            section = heading
        else:
            parsed.append(parse_ingredient(line, section))
    return parsed
