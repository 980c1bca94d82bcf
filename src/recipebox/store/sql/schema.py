"""The SQL tables, as SQLAlchemy 2 declarative rows (queried with Core statements, no Session).

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
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
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


class Base(DeclarativeBase):
    __table__: ClassVar[sa.Table]  # every row class here maps exactly one Table

    # The constraint names migration 0001 gives, so autogenerate compares like with like.
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s",
        }
    )
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        datetime: UtcDateTime(),
        list[Any]: sa.JSON(),
    }


def _user_fk() -> sa.ForeignKey:
    return sa.ForeignKey("users.id", ondelete="CASCADE")


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = TABLE_OPTIONS

    id: Mapped[str] = mapped_column(key(26), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    display_name: Mapped[str] = mapped_column(sa.String(200))
    avatar_url: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime]


class IdentityRow(Base):
    __tablename__ = "identities"
    __table_args__ = TABLE_OPTIONS

    provider: Mapped[str] = mapped_column(key(50), primary_key=True)
    subject: Mapped[str] = mapped_column(key(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(key(26), _user_fk(), index=True)


class RecipeRow(Base):
    __tablename__ = "recipes"
    __table_args__ = (
        sa.Index("ix_recipes_created_at", "created_at", "id"),
        sa.Index("ix_recipes_owner_id", "owner_id", "created_at", "id"),
        sa.Index("ix_recipes_title", "title"),
        TABLE_OPTIONS,
    )

    id: Mapped[str] = mapped_column(key(26), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text)
    servings: Mapped[int]
    ingredients: Mapped[list[Any]]
    steps: Mapped[list[Any]]
    tags: Mapped[list[Any]]
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    image_url: Mapped[str | None] = mapped_column(sa.String(2000))
    # No foreign key: shared demo recipes and imported recipes may name owners not (yet) here.
    owner_id: Mapped[str | None] = mapped_column(key(26))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


def _recipe_fk() -> sa.ForeignKey:
    return sa.ForeignKey("recipes.id", ondelete="CASCADE")


class RecipeSearchRow(Base):
    __tablename__ = "recipe_search"
    __table_args__ = TABLE_OPTIONS

    recipe_id: Mapped[str] = mapped_column(key(26), _recipe_fk(), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text)
    keywords: Mapped[str] = mapped_column(sa.Text)


class RecipeTagRow(Base):
    __tablename__ = "recipe_tags"
    __table_args__ = (
        sa.Index("ix_recipe_tags_tag", "tag", "created_at", "recipe_id"),
        TABLE_OPTIONS,
    )

    recipe_id: Mapped[str] = mapped_column(key(26), _recipe_fk(), primary_key=True)
    tag: Mapped[str] = mapped_column(key(100), primary_key=True)
    created_at: Mapped[datetime]


class TagCountRow(Base):
    __tablename__ = "tag_counts"
    __table_args__ = (sa.Index("ix_tag_counts_uses", "uses", "tag"), TABLE_OPTIONS)

    tag: Mapped[str] = mapped_column(key(100), primary_key=True)
    uses: Mapped[int]


class CounterRow(Base):
    __tablename__ = "counters"
    __table_args__ = TABLE_OPTIONS

    name: Mapped[str] = mapped_column(key(50), primary_key=True)
    total: Mapped[int] = mapped_column(sa.BigInteger)


class SelectionRow(Base):
    __tablename__ = "selections"
    __table_args__ = (sa.Index("ix_selections_recipe_id", "recipe_id"), TABLE_OPTIONS)

    user_id: Mapped[str] = mapped_column(key(26), _user_fk(), primary_key=True)
    recipe_id: Mapped[str] = mapped_column(key(26), _recipe_fk(), primary_key=True)
    servings: Mapped[int]
    added_at: Mapped[datetime]


class ListItemRow(Base):
    __tablename__ = "list_items"
    __table_args__ = (sa.Index("ix_list_items_user_id", "user_id", "created_at"), TABLE_OPTIONS)

    id: Mapped[str] = mapped_column(key(26), primary_key=True)
    user_id: Mapped[str] = mapped_column(key(26), _user_fk())
    text: Mapped[str] = mapped_column(sa.String(500))
    checked: Mapped[bool]
    created_at: Mapped[datetime]


class CheckedLineRow(Base):
    __tablename__ = "checked_lines"
    __table_args__ = TABLE_OPTIONS

    user_id: Mapped[str] = mapped_column(key(26), _user_fk(), primary_key=True)
    line_key: Mapped[str] = mapped_column(key(255), primary_key=True)


class StaplesRow(Base):
    __tablename__ = "staples"
    __table_args__ = TABLE_OPTIONS

    user_id: Mapped[str] = mapped_column(key(26), _user_fk(), primary_key=True)
    foods: Mapped[list[Any]]


class AccessTokenRow(Base):
    __tablename__ = "access_tokens"
    __table_args__ = TABLE_OPTIONS

    id: Mapped[str] = mapped_column(key(26), primary_key=True)
    user_id: Mapped[str] = mapped_column(key(26), _user_fk(), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    token_hash: Mapped[str] = mapped_column(key(64), unique=True)
    created_at: Mapped[datetime]
