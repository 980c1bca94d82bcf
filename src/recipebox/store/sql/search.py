"""Recipe search: full text with each engine's own index, ranked, title weighted highest.

The user's query is reduced to its words (letters and digits), less a few stopwords, so no
input can reach an engine's query syntax: quotes, `*`, `-`, `AND`, parentheses and emoji are
never operators. Every word must match (AND), each as a prefix when it has 3+ characters
("tomat" finds "tomatoes"). A query without words matches nothing; an empty query lists
recipes newest first. The index covers `recipe_search` (title, description, keywords).

- SQLite: FTS5 table `recipe_fts` with external content `recipe_search` (rowid = `doc`), kept
  in sync by triggers; bm25 with weights 10/2/1 is the table's `rank`.
- MySQL/MariaDB: InnoDB FULLTEXT on the three columns; boolean mode with required prefix
  terms; recipes whose title has every word (a REGEXP on word starts) come first, then by
  the index's relevance. InnoDB indexes no word shorter than `innodb_ft_min_token_size` (3)
  nor its stopwords, and a required term it never indexed matches nothing, so short words
  are optional and stopwords are dropped.
- PostgreSQL: a stored generated tsvector (title A, description B, keywords C) with a GIN
  index; `to_tsquery('english', 'word':* & ...)`, ranked by ts_rank.

Speed at 100,000 recipes, where one common word ("salt", "chicken") matches 25-75% of them:
every engine's ranking reads every match it ranks, so each ranks a window of RANK_WINDOW.
SQLite and PostgreSQL rank the newest matches (newest = last inserted on SQLite, highest
ULID on PostgreSQL, which walks the id index backwards until the window is full) and list
further matches newest first. InnoDB evaluates the whole query before it returns a row (20-70
ms for a word in a quarter to three quarters of the recipes: the floor of a MariaDB search)
and then reads the row of each match it returns (3-4 us each); it yields matches in document
order, oldest first, and cannot reverse that without reading them all. So it ranks the first
RANK_WINDOW matches it yields, in the statement that counts them, and lists no further.
Totals: SQLite counts exactly (cheap), PostgreSQL too with a tag or owner filter; otherwise
they are counted up to the window, then reported as RANK_WINDOW, an estimate (`Hits.estimate`,
`Page.total_is_estimate`). Without a query, the totals of the home page and of a tag are
read from `counts.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from recipebox.domain.search import query_words
from recipebox.store.sql.counts import recipe_total, tag_total
from recipebox.store.sql.schema import RecipeRow, RecipeSearchRow, RecipeTagRow

PREFIX_MIN_LENGTH = 3
RANK_WINDOW = 1000


# InnoDB indexes words of innodb_ft_min_token_size (3) to innodb_ft_max_token_size (84)
# characters only; its defaults, fixed at server start.
INNODB_TOKEN_SIZES = range(3, 85)


def words(query: str) -> list[str]:
    """The distinct lower-case words of a user's query, in order, without stopwords."""
    return query_words(query)


@dataclass(frozen=True, slots=True)
class Request:
    """One page of a search: the query's words, filters, and the slice wanted."""

    terms: list[str]
    only: sa.Select[str] | None  # ids of the recipes the filters let through
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Hits:
    """The recipe ids of one page, best first, and how many match (a lower bound if estimate)."""

    ids: list[str]
    total: int
    estimate: bool = False


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
        return Hits([], 0)
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
    if owner_id is not None:  # a user's own recipes: few, counted by index
        total = conn.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0
    else:
        total = recipe_total(conn) if tag is None else tag_total(conn, tag)
    page = ids.order_by(created.desc(), key.desc()).limit(limit).offset(offset)
    return Hits(list(conn.scalars(page)), total)


def _windowed(
    conn: sa.Connection,
    request: Request,
    ranked: sa.Select[str],
    newest: sa.Select[str],
    counted: Hits,
) -> Hits:
    """Run `ranked` for pages inside the rank window, `newest` (offset past it) beyond."""
    if request.offset >= counted.total and not counted.estimate:
        return counted
    if request.offset < _window(request.limit):
        page = ranked.limit(request.limit).offset(request.offset)
    else:
        page = newest.limit(request.limit).offset(request.offset)
    return replace(counted, ids=list(conn.scalars(page)))


def _window(per_page: int) -> int:
    """RANK_WINDOW rounded up to whole pages, so no page straddles its edge."""
    return -(-RANK_WINDOW // per_page) * per_page


def _counted(found: int, window: int) -> Hits:
    """The total of `found` matches, counted up to `window + 1`: beyond the window, estimated."""
    return Hits([], RANK_WINDOW, estimate=True) if found > window else Hits([], found)


def _capped(matches: sa.Select[Any], window: int) -> sa.Select[int]:
    """Count `matches`, stopping after `window + 1` of them."""
    return sa.select(sa.func.count()).select_from(matches.limit(window + 1).subquery())


def _page_counted(
    conn: sa.Connection,
    request: Request,
    page: sa.Select[Any],
    matches: sa.Select[Any],
    window: int,
) -> Hits:
    """Run `page` (rows of recipe_id and `found`, the matches up to window + 1) into Hits."""
    rows = conn.execute(page).all()
    if rows:
        found = rows[0].found
    else:  # no match, or a page past the last one: count the matches alone
        found = 0 if request.offset == 0 else conn.scalar(_capped(matches, window)) or 0
    return replace(_counted(found, window), ids=[row.recipe_id for row in rows])


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
    # FTS5 counts from its doclists without reading a row: exact, 4 ms for "salt".
    count = sa.select(sa.func.count()).select_from(fts).where(*where)
    return _windowed(
        conn,
        request,
        ranked.order_by(window.c.rank, window.c.rowid.desc()),
        newest.where(*where).order_by(fts.c.rowid.desc()),
        Hits([], conn.scalar(count) or 0),
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
    matches = sa.select(search.c.recipe_id).where(*where)
    newest = matches.order_by(search.c.recipe_id.desc())
    span = _window(request.limit)
    if request.only is not None:
        # Counted exactly: with a filter, a LIMIT lures the planner into a scan that expects
        # to stop early and, when few matches pass the filter, reads the whole table (130 ms).
        window = newest.add_columns(vector.label("vector")).limit(span).subquery()
        rank = sa.func.ts_rank(window.c.vector, query)
        ranked = sa.select(window.c.recipe_id).order_by(rank.desc(), window.c.recipe_id.desc())
        every = sa.select(sa.func.count()).select_from(matches.subquery())
        return _windowed(conn, request, ranked, newest, Hits([], conn.scalar(every) or 0))
    # An exact count reads every match from the heap (60 ms for "salt"): count up to the
    # window instead, here in the statement that ranks it.
    if request.offset >= span:  # past the window: newest first
        counted = _counted(conn.scalar(_capped(matches, span)) or 0, span)
        return _windowed(conn, request, newest, newest, counted)
    # The newest span + 1 matches (the id index walked backwards, or a bitmap scan for rare
    # words), numbered; the first span ranked, the one past them sorted last, never shown.
    numbered = (
        newest.add_columns(
            vector.label("vector"),
            sa.func.row_number().over(order_by=search.c.recipe_id.desc()).label("n"),
        )
        .limit(span + 1)
        .subquery()
    )
    rank = sa.func.ts_rank(numbered.c.vector, query)
    page = (
        sa.select(numbered.c.recipe_id, sa.func.count().over().label("found"))
        .order_by(numbered.c.n > span, rank.desc(), numbered.c.recipe_id.desc())
        .limit(request.limit)
        .offset(request.offset)
    )
    return _page_counted(conn, request, page, matches, span)


def _mysql(conn: sa.Connection, request: Request) -> Hits:
    def indexed(word: str) -> bool:
        return len(word) in INNODB_TOKEN_SIZES

    if not any(indexed(w) for w in request.terms):
        return Hits([], 0)
    # One word needs no "+": the same matches, found 30% faster (InnoDB intersects sets for
    # required terms even when there is only one).
    required = "+" if len(request.terms) > 1 else ""
    against = " ".join(f"{required}{w}*" if indexed(w) else f"{w}*" for w in request.terms)
    search = RecipeSearchRow.__table__
    columns = (search.c.title, search.c.description, search.c.keywords)
    everything = mysql.match(*columns, against=against).in_boolean_mode()
    where: list[sa.ColumnElement[Any]] = [everything]
    if request.only is not None:
        where.append(search.c.recipe_id.in_(request.only))
    matches = sa.select(search.c.recipe_id).where(*where)
    window = _window(request.limit)
    if request.offset >= window:  # nothing listed past the window
        return _counted(conn.scalar(_capped(matches, window)) or 0, window)
    # Title first: every word starts a word of the title. A pattern on the window's titles
    # costs 1 ms where MATCH(title) would evaluate a second full-text query (5-15 ms).
    in_title = sa.and_(*(search.c.title.regexp_match(rf"\b{w}") for w in request.terms))
    # The first window + 1 matches the index yields (its LIMIT stops the row reads there),
    # ranked and counted: one full-text evaluation for the page and the total.
    candidates = (
        sa.select(search.c.recipe_id, in_title.label("in_title"), everything.label("score"))
        .where(*where)
        .limit(window + 1)
        .subquery()
    )
    page = (
        sa.select(candidates.c.recipe_id, sa.func.count().over().label("found"))
        .order_by(
            candidates.c.in_title.desc(), candidates.c.score.desc(), candidates.c.recipe_id.desc()
        )
        .limit(request.limit)
        .offset(request.offset)
    )
    return _page_counted(conn, request, page, matches, window)


FULL_TEXT: dict[str, Callable[[sa.Connection, Request], Hits]] = {
    "sqlite": _sqlite,
    "mysql": _mysql,
    "mariadb": _mysql,
    "postgresql": _postgresql,
}
