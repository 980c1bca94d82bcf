"""Tell the food from the note in the words after an ingredient's amount.

"garlic, minced", "salt and pepper to taste", "finely chopped fresh parsley", "coriander
leaves chopped": the food is what comes before the first comma, less trailing phrases ("to
taste", "for serving", "or 1 tsp dried") and the preparation words leading or ending it
("finely chopped", "packed"). A participle counts only in the list below or after an adverb
("freshly ground"): "ground beef", "crushed red pepper", "smoked paprika" name products.
"""

from __future__ import annotations

import re

# Stripped from both ends of the food and of each note.
TIDY = " \t,;:.-–—*()[]/"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PREPARED = _words(
    """chopped minced diced sliced melted softened beaten sifted peeled cubed mashed cooked
    halved quartered packed drained rinsed trimmed torn crumbled pitted seeded deseeded cored
    julienned squeezed whisked warmed chilled cooled thawed defrosted grated zested shredded
    scrubbed deveined snipped separated sieved blanched steamed boiled hulled stemmed washed
    shaved slit"""
)
# An adverb makes any participle a preparation: "freshly ground", "well seasoned".
_ADVERBS = _words("finely roughly coarsely thinly thickly freshly lightly firmly loosely well very")
_JOINERS = _words(", & and or")

# A comma after only these words does not end the food: "boneless, skinless chicken thighs".
_COMMA_WORDS = _words(
    """boneless skinless bone-in skin-on large small medium ripe firm fresh cold hot thick
    thin sweet soft raw whole dry lean extra-large free-range organic peeled"""
)
# First words of the trailing phrases, to skip the search in most lines.
_TAIL_WORDS = _words("to as if for plus optional at divided cut or such mixed dissolved soaked")
_COMMA_RE = re.compile(r"[,;]")
_TAIL_RE = re.compile(
    r"""\s+(?:(?:or\s+)?(?:to\s+(?:taste|serve)|as\s+needed|if\s+needed|if\s+desired)
    |for\s+\w.*|plus\s+.*|optional|at\s+room\s+temperature|divided|cut\s+into\s+.*
    |or\s+more\b.*|or\s+(?=[\d½⅓⅔¼¾⅛⅜⅝⅞]).*|such\s+as\s+.*
    |(?:mixed|dissolved|soaked)\s+(?:with|in)\s+.*)$""",
    re.IGNORECASE | re.VERBOSE,
)
_TOKEN_RE = re.compile(r"[^\s,&]+|[,&]")


def _is_participle(word: str) -> bool:
    return word.endswith("ed") or word in ("ground", "torn")


def _preparation_first(words: list[str], last: int) -> int:
    """Where a preparation ending at `words[last]` starts ("finely chopped"), or -1."""
    word = words[last]
    adverb = last > 0 and words[last - 1] in _ADVERBS and _is_participle(word)
    if adverb:
        return last - 1
    return last if word in _PREPARED else -1


def _leading_preparation(food: str) -> int:
    """How many characters of `food` are preparation words ("finely chopped"); 0 for none,
    or when no food would be left."""
    tokens = list(_TOKEN_RE.finditer(food))
    words = [token[0].lower() for token in tokens]
    done = at = 0
    while at < len(words):
        if words[at] in _PREPARED:
            done = at = at + 1
        elif at + 1 < len(words) and _preparation_first(words, at + 1) == at:
            done = at = at + 2
        elif at == done and at and words[at] in _JOINERS:
            at += 1
        else:
            break
    if not done or all(word in _JOINERS for word in words[done:]):
        return 0
    return tokens[done - 1].end()


def _trailing_preparation(food: str) -> int:
    """Where preparation words ending `food` start ("coriander leaves chopped"), or -1."""
    tokens = list(_TOKEN_RE.finditer(food))
    words = [token[0].lower() for token in tokens]
    start = at = len(words)
    while at > 0:
        first = _preparation_first(words, at - 1)
        if first >= 0:
            start = at = first
        elif at == start and at < len(words) and words[at - 1] in _JOINERS:
            at -= 1
        else:
            break
    if start == len(words) or all(word in _JOINERS for word in words[:start]):
        return -1
    return tokens[start].start()


def split_food(line: str, pos: int, notes: list[tuple[int, str]], product: bool) -> str:
    """The food in `line[pos:]`; what follows its first comma, trailing phrases and
    preparation words go to `notes` as (position in `line`, text).

    `product` keeps leading preparation words: after a can or a package they name what is
    bought ("1 can diced tomatoes").
    """
    rest = line[pos:]
    cut = len(rest)
    for comma in _COMMA_RE.finditer(rest):
        head = rest[: comma.start()].lower().split()
        if not head or not all(word in _COMMA_WORDS for word in head):
            cut = comma.start()
            break
    if cut < len(rest):
        notes.append((pos + cut + 1, rest[cut + 1 :]))
    food = rest[:cut]
    if not _TAIL_WORDS.isdisjoint(food.lower().split()) and (tail := _TAIL_RE.search(food)):
        notes.append((pos + tail.start(), tail[0]))
        food = food[: tail.start()]
    if (trailing := _trailing_preparation(food)) >= 0:
        notes.append((pos + trailing, food[trailing:]))
        food = food[:trailing]
    if not product and (leading := _leading_preparation(food)):
        notes.append((pos, food[:leading]))
        food = food[leading:]
    return " ".join(food.split()).strip(TIDY)
