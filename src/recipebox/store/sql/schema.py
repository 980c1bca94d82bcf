"""The SQL tables, as SQLAlchemy Core tables (queried with Core statements, no ORM Session).

Tables and why they look this way:

- `users`, `identities` (PK provider + subject), `access_tokens` (`token_hash` unique).
- `recipes`: one row per recipe, the same on every engine. Ingredients, steps and tags are
  JSON columns, so a recipe (and the 15 recipes of a shopping list) is read by one query
  without child-table joins; ingredients hold `recipebox.domain.records.line_to_record` dicts.
- `recipe_search` (recipe_id, title, description, keywords): the words the full-text index
  covers, keywords being the ingredient foods and tags. A narrow table of its own because
  InnoDB FULLTEXT reads the row of every match: on the wide recipes rows a common word cost
  seconds at 100,000 recipes, on this table a tenth of that. Engine-specific parts added by
  the migrations, absent here: SQLite `doc` (INTEGER PRIMARY KEY, the stable rowid the FTS5
  table `recipe_fts` points at; `recipe_id` is UNIQUE there), the MySQL/MariaDB FULLTEXT
  index on all three columns (0001 also indexed the title alone; 0002 drops it), PostgreSQL
  `vector` (generated tsvector, GIN index). See `search.py`.
- `recipe_tags` (recipe_id, tag, created_at): the tag filter by index; `created_at` is the
  recipe's, so "newest with this tag" is one index range.
- `tag_counts` (tag, uses) and `counters` (name, total; the row "recipes" counts recipes):
  the popular tags and the totals of the home page, read as a few rows instead of counting
  100,000 (45-190 ms per page at that size). `counts.py` keeps them exact: every recipe write
  changes them in its own transaction.
- `selections` (user_id, recipe_id) PK, `list_items`, `checked_lines` (user_id, line_key) PK,
  `staples` (user_id -> JSON list): one row per fact, so checking a line or an item is a
  single-row insert, delete or update that never loses a concurrent change.

Ids are application ULIDs (`recipebox.domain.ids`), never sequences, so data moves between
backends unchanged. On MySQL/MariaDB text is utf8mb4 with a case-insensitive collation (what
FULLTEXT needs) while ids, tags and keys use utf8mb4_bin: exact, like SQLite and PostgreSQL.
Times are stored as naive UTC (DATETIME(6) on MySQL) and read back as aware UTC datetimes.

Core `Table`s, not ORM declarative classes: nothing here ever used a Session, and importing
`sqlalchemy.orm` was ~45% of SQLAlchemy's import time, paid by every Lambda cold start. Each
`XxxRow` class only names its table's columns (`RecipeRow.id`, `RecipeRow.__table__`), so
queries read as they did with declarative rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

# The Alembic head; `check()` compares the database with it without importing Alembic.
SCHEMA_VERSION = "0002"

MYSQL_DIALECTS = ("mysql", "mariadb")


def key(length: int) -> sa.String:
    """An exact (binary-collated on MySQL) string: ids, tags, keys and hashes."""
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), *MYSQL_DIALECTS
    )


# Every MySQL table: InnoDB (FULLTEXT, foreign keys, transactions) and 4-byte UTF-8 (emoji).
TABLE_OPTIONS: dict[str, Any] = {
    f"{prefix}_{option}": value
    for prefix in MYSQL_DIALECTS
    for option, value in (
        ("engine", "InnoDB"),
        ("charset", "utf8mb4"),
        ("collate", "utf8mb4_unicode_ci"),
    )
}


class UtcDateTime(sa.TypeDecorator[datetime]):
    """An aware UTC datetime, stored naive in UTC (MySQL and SQLite have no zoned type)."""

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in MYSQL_DIALECTS:
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# The constraint names migration 0001 gives, so autogenerate compares like with like.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
    }
)
JSON = sa.JSON()


def _time(name: str) -> sa.Column[datetime]:
    return sa.Column(name, UtcDateTime(), nullable=False)


def _user_fk() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


def _recipe_fk() -> sa.ForeignKey:
    return sa.ForeignKey("recipes.id", ondelete="CASCADE")


def _required(name: str, type_: Any, *args: Any, **kwargs: Any) -> sa.Column[Any]:
    return sa.Column(name, type_, *args, nullable=False, **kwargs)


users = sa.Table(
    "users",
    metadata,
    _required("id", key(26), primary_key=True),
    _required("name", sa.String(200)),
    _required("display_name", sa.String(200)),
    sa.Column("avatar_url", sa.String(2000)),
    _time("created_at"),
    **TABLE_OPTIONS,
)
identities = sa.Table(
    "identities",
    metadata,
    _required("provider", key(50), primary_key=True),
    _required("subject", key(255), primary_key=True),
    _required("user_id", key(26), _user_fk(), index=True),
    **TABLE_OPTIONS,
)
recipes = sa.Table(
    "recipes",
    metadata,
    _required("id", key(26), primary_key=True),
    _required("title", sa.String(300)),
    _required("description", sa.Text),
    _required("servings", sa.Integer),
    _required("ingredients", JSON),
    _required("steps", JSON),
    _required("tags", JSON),
    sa.Column("source_url", sa.String(2000)),
    sa.Column("image_url", sa.String(2000)),
    # No foreign key: shared demo recipes and imported recipes may name owners not (yet) here.
    sa.Column("owner_id", key(26)),
    _time("created_at"),
    _time("updated_at"),
    sa.Index("ix_recipes_created_at", "created_at", "id"),
    sa.Index("ix_recipes_owner_id", "owner_id", "created_at", "id"),
    sa.Index("ix_recipes_title", "title"),
    **TABLE_OPTIONS,
)
recipe_search = sa.Table(
    "recipe_search",
    metadata,
    _required("recipe_id", key(26), _recipe_fk(), primary_key=True),
    _required("title", sa.String(300)),
    _required("description", sa.Text),
    _required("keywords", sa.Text),
    **TABLE_OPTIONS,
)
recipe_tags = sa.Table(
    "recipe_tags",
    metadata,
    _required("recipe_id", key(26), _recipe_fk(), primary_key=True),
    _required("tag", key(100), primary_key=True),
    _time("created_at"),
    sa.Index("ix_recipe_tags_tag", "tag", "created_at", "recipe_id"),
    **TABLE_OPTIONS,
)
tag_counts = sa.Table(
    "tag_counts",
    metadata,
    _required("tag", key(100), primary_key=True),
    _required("uses", sa.Integer),
    sa.Index("ix_tag_counts_uses", "uses", "tag"),
    **TABLE_OPTIONS,
)
counters = sa.Table(
    "counters",
    metadata,
    _required("name", key(50), primary_key=True),
    _required("total", sa.BigInteger),
    **TABLE_OPTIONS,
)
selections = sa.Table(
    "selections",
    metadata,
    _required("user_id", key(26), _user_fk(), primary_key=True),
    _required("recipe_id", key(26), _recipe_fk(), primary_key=True),
    _required("servings", sa.Integer),
    _time("added_at"),
    sa.Index("ix_selections_recipe_id", "recipe_id"),
    **TABLE_OPTIONS,
)
list_items = sa.Table(
    "list_items",
    metadata,
    _required("id", key(26), primary_key=True),
    _required("user_id", key(26), _user_fk()),
    _required("text", sa.String(500)),
    _required("checked", sa.Boolean),
    _time("created_at"),
    sa.Index("ix_list_items_user_id", "user_id", "created_at"),
    **TABLE_OPTIONS,
)
checked_lines = sa.Table(
    "checked_lines",
    metadata,
    _required("user_id", key(26), _user_fk(), primary_key=True),
    _required("line_key", key(255), primary_key=True),
    **TABLE_OPTIONS,
)
staples = sa.Table(
    "staples",
    metadata,
    _required("user_id", key(26), _user_fk(), primary_key=True),
    _required("foods", JSON),
    **TABLE_OPTIONS,
)
access_tokens = sa.Table(
    "access_tokens",
    metadata,
    _required("id", key(26), primary_key=True),
    _required("user_id", key(26), _user_fk(), index=True),
    _required("name", sa.String(200)),
    _required("token_hash", key(64), unique=True),
    _time("created_at"),
    **TABLE_OPTIONS,
)


class Columns:
    """A table's columns by name (`RecipeRow.title` is `recipes.c.title`); usable as the table."""

    __table__: ClassVar[sa.Table]

    @classmethod
    def __clause_element__(cls) -> sa.Table:
        # SQLAlchemy's coercion protocol: `select_from(RecipeRow)` means the table.
        return cls.__table__


class UserRow(Columns):
    __table__: ClassVar[sa.Table] = users
    id: ClassVar[sa.ColumnClause[str]] = users.c.id
    name: ClassVar[sa.ColumnClause[str]] = users.c.name
    display_name: ClassVar[sa.ColumnClause[str]] = users.c.display_name
    avatar_url: ClassVar[sa.ColumnClause[str | None]] = users.c.avatar_url
    created_at: ClassVar[sa.ColumnClause[datetime]] = users.c.created_at


class IdentityRow(Columns):
    __table__: ClassVar[sa.Table] = identities
    provider: ClassVar[sa.ColumnClause[str]] = identities.c.provider
    subject: ClassVar[sa.ColumnClause[str]] = identities.c.subject
    user_id: ClassVar[sa.ColumnClause[str]] = identities.c.user_id


class RecipeRow(Columns):
    __table__: ClassVar[sa.Table] = recipes
    id: ClassVar[sa.ColumnClause[str]] = recipes.c.id
    title: ClassVar[sa.ColumnClause[str]] = recipes.c.title
    description: ClassVar[sa.ColumnClause[str]] = recipes.c.description
    servings: ClassVar[sa.ColumnClause[int]] = recipes.c.servings
    ingredients: ClassVar[sa.ColumnClause[list[Any]]] = recipes.c.ingredients
    steps: ClassVar[sa.ColumnClause[list[Any]]] = recipes.c.steps
    tags: ClassVar[sa.ColumnClause[list[Any]]] = recipes.c.tags
    source_url: ClassVar[sa.ColumnClause[str | None]] = recipes.c.source_url
    image_url: ClassVar[sa.ColumnClause[str | None]] = recipes.c.image_url
    owner_id: ClassVar[sa.ColumnClause[str | None]] = recipes.c.owner_id
    created_at: ClassVar[sa.ColumnClause[datetime]] = recipes.c.created_at
    updated_at: ClassVar[sa.ColumnClause[datetime]] = recipes.c.updated_at


class RecipeSearchRow(Columns):
    __table__: ClassVar[sa.Table] = recipe_search
    recipe_id: ClassVar[sa.ColumnClause[str]] = recipe_search.c.recipe_id
    title: ClassVar[sa.ColumnClause[str]] = recipe_search.c.title
    description: ClassVar[sa.ColumnClause[str]] = recipe_search.c.description
    keywords: ClassVar[sa.ColumnClause[str]] = recipe_search.c.keywords


class RecipeTagRow(Columns):
    __table__: ClassVar[sa.Table] = recipe_tags
    recipe_id: ClassVar[sa.ColumnClause[str]] = recipe_tags.c.recipe_id
    tag: ClassVar[sa.ColumnClause[str]] = recipe_tags.c.tag
    created_at: ClassVar[sa.ColumnClause[datetime]] = recipe_tags.c.created_at


class TagCountRow(Columns):
    __table__: ClassVar[sa.Table] = tag_counts
    tag: ClassVar[sa.ColumnClause[str]] = tag_counts.c.tag
    uses: ClassVar[sa.ColumnClause[int]] = tag_counts.c.uses


class CounterRow(Columns):
    __table__: ClassVar[sa.Table] = counters
    name: ClassVar[sa.ColumnClause[str]] = counters.c.name
    total: ClassVar[sa.ColumnClause[int]] = counters.c.total


class SelectionRow(Columns):
    __table__: ClassVar[sa.Table] = selections
    user_id: ClassVar[sa.ColumnClause[str]] = selections.c.user_id
    recipe_id: ClassVar[sa.ColumnClause[str]] = selections.c.recipe_id
    servings: ClassVar[sa.ColumnClause[int]] = selections.c.servings
    added_at: ClassVar[sa.ColumnClause[datetime]] = selections.c.added_at


class ListItemRow(Columns):
    __table__: ClassVar[sa.Table] = list_items
    id: ClassVar[sa.ColumnClause[str]] = list_items.c.id
    user_id: ClassVar[sa.ColumnClause[str]] = list_items.c.user_id
    text: ClassVar[sa.ColumnClause[str]] = list_items.c.text
    checked: ClassVar[sa.ColumnClause[bool]] = list_items.c.checked
    created_at: ClassVar[sa.ColumnClause[datetime]] = list_items.c.created_at


class CheckedLineRow(Columns):
    __table__: ClassVar[sa.Table] = checked_lines
    user_id: ClassVar[sa.ColumnClause[str]] = checked_lines.c.user_id
    line_key: ClassVar[sa.ColumnClause[str]] = checked_lines.c.line_key


class StaplesRow(Columns):
    __table__: ClassVar[sa.Table] = staples
    user_id: ClassVar[sa.ColumnClause[str]] = staples.c.user_id
    foods: ClassVar[sa.ColumnClause[list[Any]]] = staples.c.foods


class AccessTokenRow(Columns):
    __table__: ClassVar[sa.Table] = access_tokens
    id: ClassVar[sa.ColumnClause[str]] = access_tokens.c.id
    user_id: ClassVar[sa.ColumnClause[str]] = access_tokens.c.user_id
    name: ClassVar[sa.ColumnClause[str]] = access_tokens.c.name
    token_hash: ClassVar[sa.ColumnClause[str]] = access_tokens.c.token_hash
    created_at: ClassVar[sa.ColumnClause[datetime]] = access_tokens.c.created_at
