"""Recipe search: full text with each engine's own index, ranked, title weighted highest.

The user's query is reduced to its words (letters and digits), less a few stopwords, so no
input can reach an engine's query syntax: quotes, `*`, `-`, `AND`, parentheses and emoji are
never operators. Every word must match (AND), each as a prefix when it has 3+ characters
("tomat" finds "tomatoes"). A query without words matches nothing; an empty query lists
recipes newest first. The index covers `recipe_search` (title, description, keywords).

- SQLite: FTS5 table `recipe_fts` with external content `recipe_search` (rowid = `doc`), kept
  in sync by triggers; bm25 with weights 10/2/1 is the table's `rank`.
- MySQL/MariaDB: InnoDB FULLTEXT on (title) and on all three columns; boolean mode with
  required prefix terms; score = 4 * title score + all-columns score. InnoDB indexes no word
  shorter than `innodb_ft_min_token_size` (3) nor its stopwords, and a required term it never
  indexed matches nothing, so short words are optional and stopwords are dropped.
- PostgreSQL: a stored generated tsvector (title A, description B, keywords C) with a GIN
  index; `to_tsquery('english', 'word':* & ...)`, ranked by ts_rank.

Speed at 100,000 recipes: every engine's ranking reads every match, so a word found in most
recipes costs time in proportion. SQLite and PostgreSQL therefore rank only the newest
RANK_WINDOW matches (every match when there are fewer; newest = last inserted on SQLite,
highest ULID on PostgreSQL) and list further matches newest first; counting stays exact and
cheap. InnoDB cannot stop early: its cost grows with the matches of
the commonest word of the query, and it reads the row of every match (hence the narrow
`recipe_search` table).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from recipebox.store.sql.schema import RecipeRow, RecipeSearchRow, RecipeTagRow

MAX_WORDS = 12
PREFIX_MIN_LENGTH = 3
RANK_WINDOW = 2000

# Words never searched for: InnoDB's default stopwords (it cannot find them, see above) and
# the query operators of the engines, so every engine answers "lemon OR tart" alike.
_STOPWORDS = """
    a about an are as at be by com de en for from how i in is it la of on or that the this to
    und was what when where who will with www and but near nor not than then
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# InnoDB indexes words of innodb_ft_min_token_size (3) to innodb_ft_max_token_size (84)
# characters only; its defaults, fixed at server start.
INNODB_TOKEN_SIZES = range(3, 85)


def words(query: str) -> list[str]:
    """The distinct lower-case words of a user's query, in order, without stopwords."""
    found = re.findall(r"[^\W_]+", query.lower())
    return [word for word in dict.fromkeys(found) if word not in STOPWORDS][:MAX_WORDS]


@dataclass(frozen=True, slots=True)
class Request:
    """One page of a search: the query's words, filters, and the slice wanted."""

    terms: list[str]
    only: sa.Select[str] | None  # ids of the recipes the filters let through
    offset: int
    limit: int


Hits = tuple[list[str], int]  # recipe ids of the page, best first, and the total


def find(
    conn: sa.Connection,
    query: str,
    *,
    tag: str | None,
    owner_id: str | None,
    offset: int,
    limit: int,
) -> Hits:
    """The ids of one page of recipes matching `query` and the filters, and how many match."""
    if not query.strip():
        return _newest(conn, tag=tag, owner_id=owner_id, offset=offset, limit=limit)
    terms = words(query)
    if not terms:
        return [], 0
    request = Request(terms, _filtered(tag, owner_id), offset, limit)
    return FULL_TEXT[conn.dialect.name](conn, request)


def _filtered(tag: str | None, owner_id: str | None) -> sa.Select[str] | None:
    owned = sa.select(RecipeRow.id).where(RecipeRow.owner_id == owner_id)
    if tag is None:
        return None if owner_id is None else owned
    tagged = sa.select(RecipeTagRow.recipe_id).where(RecipeTagRow.tag == tag)
    return tagged if owner_id is None else tagged.where(RecipeTagRow.recipe_id.in_(owned))


def _newest(
    conn: sa.Connection, *, tag: str | None, owner_id: str | None, offset: int, limit: int
) -> Hits:
    # By index: (tag, created_at, recipe_id), (owner_id, created_at, id) or (created_at, id).
    if tag is not None:
        key, created = RecipeTagRow.recipe_id, RecipeTagRow.created_at
        ids = sa.select(key).where(RecipeTagRow.tag == tag)
        if owner_id is not None:
            owned = sa.select(RecipeRow.id).where(RecipeRow.owner_id == owner_id)
            ids = ids.where(key.in_(owned))
    else:
        key, created = RecipeRow.id, RecipeRow.created_at
        ids = sa.select(key)
        if owner_id is not None:
            ids = ids.where(RecipeRow.owner_id == owner_id)
    total = conn.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0
    page = ids.order_by(created.desc(), key.desc()).limit(limit).offset(offset)
    return list(conn.scalars(page)), total


def _windowed(
    conn: sa.Connection,
    request: Request,
    ranked: sa.Select[str],
    newest: sa.Select[str],
    count: sa.Select[int],
) -> Hits:
    """Run `ranked` for pages inside the rank window, `newest` (offset past it) beyond."""
    total = conn.scalar(count) or 0
    if request.offset >= total:
        return [], total
    window = _window(request.limit)
    if request.offset < window:
        page = ranked.limit(request.limit).offset(request.offset)
    else:
        page = newest.limit(request.limit).offset(request.offset)
    return list(conn.scalars(page)), total


def _window(per_page: int) -> int:
    """RANK_WINDOW rounded up to whole pages, so no page straddles its edge."""
    return -(-RANK_WINDOW // per_page) * per_page


def _sqlite(conn: sa.Connection, request: Request) -> Hits:
    fts = sa.table("recipe_fts", sa.column("rowid"), sa.column("rank"))
    search = sa.table("recipe_search", sa.column("doc"), sa.column("recipe_id"))
    phrases = [f'"{w}"*' if len(w) >= PREFIX_MIN_LENGTH else f'"{w}"' for w in request.terms]
    where = [sa.literal_column("recipe_fts").op("MATCH", return_type=sa.Boolean)(" ".join(phrases))]
    if request.only is not None:
        docs = sa.select(search.c.doc).where(search.c.recipe_id.in_(request.only))
        # The unary + keeps this filter out of FTS5, which would run the MATCH once per rowid.
        where.append(sa.literal_column("+recipe_fts.rowid").in_(docs))
    matches = sa.select(fts.c.rowid, fts.c.rank).where(*where).order_by(fts.c.rowid.desc())
    window = matches.limit(_window(request.limit)).subquery()
    ranked = sa.select(search.c.recipe_id).join_from(window, search, search.c.doc == window.c.rowid)
    newest = sa.select(search.c.recipe_id).join_from(fts, search, search.c.doc == fts.c.rowid)
    return _windowed(
        conn,
        request,
        ranked.order_by(window.c.rank, window.c.rowid.desc()),
        newest.where(*where).order_by(fts.c.rowid.desc()),
        sa.select(sa.func.count()).select_from(fts).where(*where),
    )


def _postgresql(conn: sa.Connection, request: Request) -> Hits:
    tsquery = " & ".join(
        f"'{w}':*" if len(w) >= PREFIX_MIN_LENGTH else f"'{w}'" for w in request.terms
    )
    query = sa.func.to_tsquery(sa.cast("english", postgresql.REGCONFIG), tsquery)
    search = RecipeSearchRow.__table__
    vector = sa.literal_column("recipe_search.vector", postgresql.TSVECTOR)
    where = [vector.op("@@", return_type=sa.Boolean)(query)]
    if request.only is not None:
        where.append(search.c.recipe_id.in_(request.only))
    newest = sa.select(search.c.recipe_id).where(*where).order_by(search.c.recipe_id.desc())
    window = (
        sa.select(search.c.recipe_id, vector.label("vector"))
        .where(*where)
        .order_by(search.c.recipe_id.desc())
        .limit(_window(request.limit))
        .subquery()
    )
    rank = sa.func.ts_rank(window.c.vector, query)
    return _windowed(
        conn,
        request,
        sa.select(window.c.recipe_id).order_by(rank.desc(), window.c.recipe_id.desc()),
        newest,
        sa.select(sa.func.count()).select_from(search).where(*where),
    )


def _mysql(conn: sa.Connection, request: Request) -> Hits:
    def indexed(word: str) -> bool:
        return len(word) in INNODB_TOKEN_SIZES

    if not any(indexed(w) for w in request.terms):
        return [], 0
    against = " ".join(f"+{w}*" if indexed(w) else f"{w}*" for w in request.terms)
    search = RecipeSearchRow.__table__
    columns = (search.c.title, search.c.description, search.c.keywords)
    everything = mysql.match(*columns, against=against).in_boolean_mode()
    title = mysql.match(search.c.title, against=against).in_boolean_mode()
    where: list[sa.ColumnElement[Any]] = [everything]
    if request.only is not None:
        where.append(search.c.recipe_id.in_(request.only))
    # One full-text evaluation gives both the page and, through the window count, the total.
    page = (
        sa.select(search.c.recipe_id, sa.func.count().over().label("total"))
        .where(*where)
        .order_by((title * 4 + everything).desc(), search.c.recipe_id.desc())
        .limit(request.limit)
        .offset(request.offset)
    )
    rows = conn.execute(page).all()
    if rows:
        return [row.recipe_id for row in rows], rows[0].total
    total = (
        0
        if request.offset == 0
        else conn.scalar(sa.select(sa.func.count()).select_from(search).where(*where))
    )
    return [], total or 0


FULL_TEXT: dict[str, Callable[[sa.Connection, Request], Hits]] = {
    "sqlite": _sqlite,
    "mysql": _mysql,
    "mariadb": _mysql,
    "postgresql": _postgresql,
}
