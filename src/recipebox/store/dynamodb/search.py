"""Search without Scan: words, weights, the index items of a recipe, and ranking.

Each recipe writes one posting item per tag (`T#tag`) and owner (`O#owner`), and one per
distinct word beginning (`W#` + the first 3 characters of a word, or the whole word when
shorter), all keyed by the recipe's time-ordered sort key, so a posting partition lists its
recipes newest first. A word posting holds a map `m` of the recipe's words with that beginning
to their weights: the sum of the weights of the fields the word appears in (title 10,
description 2, ingredient foods and tags 1, as the SQL backends weigh them).

A query is reduced to its words like the SQL backends do it (letters and digits, lower case,
without stopwords, at most 12); every word must match (AND), as a prefix when it has 3+
characters. Each word costs one Query on the partition of its first 3 characters; the map says
which recipes have a word starting with it and with what weight. The score adds the weights of
the matching words; ties go newest first. So a title match outranks a match in the description.
Accents are folded on both sides ("creme" finds "Crème").
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from recipebox.domain import search as common
from recipebox.domain.recipes import Recipe
from recipebox.store.dynamodb import codec
from recipebox.store.dynamodb.keys import (
    PK,
    RECENT,
    SK,
    count_key,
    ordered_sk,
    owner_pk,
    tag_count_key,
    tag_pk,
    title_pk,
    word_pk,
)

TITLE_WEIGHT, DESCRIPTION_WEIGHT, OTHER_WEIGHT = 10, 2, 1
PREFIX_LENGTH = 3  # shorter query words match whole words only
MAX_WORDS = 300  # distinct words indexed per recipe (title words first): bounds the write cost
MAX_WORD_LENGTH = 64


def _fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word)
    return "".join(c for c in plain if not unicodedata.combining(c))[:MAX_WORD_LENGTH]


def words(text: str) -> list[str]:
    """The indexed words of `text`: lower case, accents folded, in order (with repeats)."""
    return [_fold(w) for w in common.WORD.findall(text.lower())]


def query_words(query: str) -> list[str]:
    """The distinct words of a user's query that must all match, in order."""
    found = common.query_words(query, limit=None)
    return list(dict.fromkeys(_fold(w) for w in found))[: common.MAX_QUERY_WORDS]


def word_partition(word: str) -> str:
    """The posting partition of an indexed word, or of a query word."""
    return word_pk(word[:PREFIX_LENGTH])


def matches(query_word: str, word: str) -> bool:
    if len(query_word) < PREFIX_LENGTH:
        return word == query_word
    return word.startswith(query_word)


def word_weights(recipe: Recipe) -> dict[str, int]:
    """Each distinct word of the recipe with its weight (title words first, at most MAX_WORDS)."""
    foods = [line.food for line in recipe.ingredients if line.food]
    fields = (
        (TITLE_WEIGHT, words(recipe.title)),
        (DESCRIPTION_WEIGHT, words(recipe.description)),
        (OTHER_WEIGHT, [w for text in (*foods, *recipe.tags) for w in words(text)]),
    )
    weights: dict[str, int] = {}
    for weight, found in fields:
        for word in dict.fromkeys(found):
            if word in weights or len(weights) < MAX_WORDS:
                weights[word] = weights.get(word, 0) + weight
    return weights


@dataclass(frozen=True, slots=True)
class RecipeIndex:
    """The items that make one recipe findable, and the counters it adds one to."""

    items: list[codec.Item]
    counters: list[tuple[str, str]] = field(default_factory=list)

    @property
    def keys(self) -> list[tuple[str, str]]:
        return [codec.key_of(item) for item in self.items]


def index_recipe(recipe: Recipe) -> RecipeIndex:
    """Listing, title and posting items of `recipe`, and the keys of its counters."""
    sk = ordered_sk(recipe.created_at, recipe.id)
    tags = list(dict.fromkeys(recipe.tags))
    items: list[codec.Item] = [
        {PK: RECENT, SK: sk, "summary": codec.compact(codec.summary_record(recipe))},
        {PK: title_pk(recipe.title), SK: sk, "title": recipe.title},
    ]
    counters = [codec.key_of(count_key(RECENT))]
    if recipe.owner_id is not None:
        items.append({PK: owner_pk(recipe.owner_id), SK: sk})
        counters.append(codec.key_of(count_key(owner_pk(recipe.owner_id))))
    for tag in tags:
        items.append({PK: tag_pk(tag), SK: sk})
        counters.append(codec.key_of(count_key(tag_pk(tag))))
        counters.append(codec.key_of(tag_count_key(tag)))
    beginnings: dict[str, dict[str, int]] = {}
    for word, weight in word_weights(recipe).items():
        beginnings.setdefault(word_partition(word), {})[word] = weight
    for pk, found in beginnings.items():
        items.append({PK: pk, SK: sk, "m": found})
    return RecipeIndex(items, counters)


def counter_deltas(
    before: Iterable[tuple[str, str]], after: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """How much each counter changes when a recipe's counters go from `before` to `after`."""
    delta = Counter(after)
    delta.subtract(Counter(before))
    return {key: n for key, n in delta.items() if n}


def scores(query_word: str, postings: Iterable[Mapping[str, object]]) -> dict[str, int]:
    """Sort key -> weight of the recipes with a word matching `query_word`, from its partition."""
    found: dict[str, int] = {}
    for item in postings:
        words_: Mapping[str, int] = item["m"]  # type: ignore[assignment]
        weight = sum(w for word, w in words_.items() if matches(query_word, word))
        if weight:
            found[str(item[SK])] = weight
    return found


def rank(postings: Sequence[Mapping[str, int]], limit_to: set[str] | None = None) -> list[str]:
    """Sort keys found in every posting list, best score first, then newest first.

    `postings` maps sort key -> weight, one mapping per query word; `limit_to` keeps only those
    sort keys (the postings of a tag or owner filter).
    """
    if not postings:
        return []
    common = set(postings[0])
    for other in postings[1:]:
        common &= other.keys()
    if limit_to is not None:
        common &= limit_to
    total = {sk: sum(p[sk] for p in postings) for sk in common}
    # Sort keys start with the creation time: newest first, then by score (sorts are stable).
    newest = sorted(common, reverse=True)
    return sorted(newest, key=lambda sk: -total[sk])
