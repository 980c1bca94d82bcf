"""Numbers as recipes write them: "2", "1 1/2", "1-1/2", "½", "1½", "0.5", "1,5", "one", "half a".

`NUMBER` is a regular-expression fragment for one such number and `RANGE` for one or a range
("1-2", "2–3", "1 to 2", "one or two"); `number_value` and `range_value` read them exactly.
"""

from __future__ import annotations

import re
from fractions import Fraction

VULGAR: dict[str, Fraction] = {
    "½": Fraction(1, 2),
    "⅓": Fraction(1, 3),
    "⅔": Fraction(2, 3),
    "¼": Fraction(1, 4),
    "¾": Fraction(3, 4),
    "⅕": Fraction(1, 5),
    "⅖": Fraction(2, 5),
    "⅗": Fraction(3, 5),
    "⅘": Fraction(4, 5),
    "⅙": Fraction(1, 6),
    "⅚": Fraction(5, 6),
    "⅐": Fraction(1, 7),
    "⅛": Fraction(1, 8),
    "⅜": Fraction(3, 8),
    "⅝": Fraction(5, 8),
    "⅞": Fraction(7, 8),
    "⅑": Fraction(1, 9),
    "⅒": Fraction(1, 10),
}

_COUNTING = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
WORDS: dict[str, Fraction] = {
    **{word: Fraction(value) for value, word in enumerate(_COUNTING, start=1)},
    "eleven": Fraction(11),
    "twelve": Fraction(12),
    "a": Fraction(1),
    "an": Fraction(1),
}

_V = "".join(VULGAR)
_WORD_NUMBERS = "|".join(sorted(WORDS, key=len, reverse=True))

# Order matters: longer forms first. "1-1/2" is the US way of writing one and a half, so a
# whole number, a hyphen and a fraction is a mixed number, not a range.
NUMBER = rf"""(?:
    \d+(?:\s+and\s+|\s+|-)\d+\s*/\s*\d+
  | \d+\s*[{_V}]
  | \d+\s+and\s+a\s+half\b
  | \d+\s*/\s*\d+
  | [{_V}]
  | \d{{1,3}}(?:,\d{{3}})+(?![\d,])
  | \d*\.\d+
  | \d+,\d{{1,2}}(?![\d,])
  | \d+
  | (?:a\s+)?half\b(?!-)(?:\s+an?\b)?
  | (?:{_WORD_NUMBERS})\b(?!-)
)"""
_RANGE_SEPARATOR = r"(?:\s*[-–—~]\s*|\s+(?:to|or)\s+)"
RANGE = rf"{NUMBER}(?:{_RANGE_SEPARATOR}{NUMBER})?"

_FLAGS = re.IGNORECASE | re.VERBOSE
_NUMBER_RE = re.compile(NUMBER, _FLAGS)
_SEPARATOR_RE = re.compile(rf"^({NUMBER}){_RANGE_SEPARATOR}({NUMBER})$", _FLAGS)
_MIXED_RE = re.compile(r"(\d+)(?:\s+and\s+|\s+|-)(\d+)\s*/\s*(\d+)")
_FRACTION_RE = re.compile(r"(\d+)\s*/\s*(\d+)")
_VULGAR_RE = re.compile(rf"(\d*)\s*([{_V}])")
_AND_A_HALF_RE = re.compile(r"(\d+)\s+and\s+a\s+half", re.IGNORECASE)
_HALF_RE = re.compile(r"(?:a\s+)?half(?:\s+an?)?", re.IGNORECASE)


def _ratio(numerator: str, denominator: str) -> Fraction | None:
    return Fraction(int(numerator), int(denominator)) if int(denominator) else None


def number_value(text: str) -> Fraction | None:
    """The exact value of one number matched by `NUMBER`, or None ("1/0")."""
    text = text.strip()
    if text.isdigit():
        return Fraction(int(text))
    word = WORDS.get(text.lower())
    if word is not None:
        return word
    if _HALF_RE.fullmatch(text):
        return Fraction(1, 2)
    if match := _MIXED_RE.fullmatch(text):
        part = _ratio(match[2], match[3])
        return None if part is None else int(match[1]) + part
    if match := _FRACTION_RE.fullmatch(text):
        return _ratio(match[1], match[2])
    if match := _VULGAR_RE.fullmatch(text):
        return int(match[1] or 0) + VULGAR[match[2]]
    if match := _AND_A_HALF_RE.fullmatch(text):
        return int(match[1]) + Fraction(1, 2)
    if "," in text:
        whole, _, rest = text.partition(",")
        # "1,500" groups thousands; "1,5" is a decimal comma.
        text = text.replace(",", "") if len(rest) == 3 else f"{whole}.{rest}"
    return Fraction(text)


def range_value(text: str) -> tuple[Fraction, Fraction | None] | None:
    """The low and high (None unless a range) values of a match of `RANGE`, or None."""
    text = text.strip()
    match = None if _NUMBER_RE.fullmatch(text) else _SEPARATOR_RE.fullmatch(text)
    if match is None:
        value = number_value(text)
        return None if value is None else (value, None)
    low, high = number_value(match[1]), number_value(match[2])
    if low is None or high is None or high < low:
        return None
    return low, (high if high != low else None)
