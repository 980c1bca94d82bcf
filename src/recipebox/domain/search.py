"""The words of a search query, read the same way by every storage backend."""

from __future__ import annotations

import re

# A word: letters and digits of any script ("crème", "7up"); underscores and punctuation split.
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 12

# Never searched for: InnoDB's default stopwords (it cannot find them) and the query operators
# of the SQL engines, so every backend answers "lemon OR tart" alike.
STOPWORDS = frozenset(
    (
        *("a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from"),
        *("how", "i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to"),
        *("und", "was", "what", "when", "where", "who", "will", "with", "www"),
        *("and", "but", "near", "nor", "not", "than", "then"),
    )
)


def query_words(query: str, limit: int | None = MAX_QUERY_WORDS) -> list[str]:
    """The distinct lower-case words of a user's query, in order, without stopwords."""
    found = [w for w in dict.fromkeys(WORD.findall(query.lower())) if w not in STOPWORDS]
    return found if limit is None else found[:limit]
