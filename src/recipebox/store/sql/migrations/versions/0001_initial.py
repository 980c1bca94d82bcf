"""Initial schema: users, recipes with full-text search, lists, tokens.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Column types are spelled out here rather than imported from `schema.py`, so this revision
keeps creating the same database whatever later code looks like. See `schema.py` for why the
tables look this way and `search.py` for the full-text index of each engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_MYSQL = ("mysql", "mariadb")
_OPTIONS: dict[str, Any] = {
    f"{prefix}_{option}": value
    for prefix in _MYSQL
    for option, value in (
        ("engine", "InnoDB"),
        ("charset", "utf8mb4"),
        ("collate", "utf8mb4_unicode_ci"),
    )
}


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), *_MYSQL
    )


def _time() -> sa.types.TypeEngine[Any]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *_MYSQL)


def _fk(table: str, column: str, target: str) -> sa.Column[Any]:
    return sa.Column(
        column,
        _key(26),
        sa.ForeignKey(target, ondelete="CASCADE", name=f"fk_{table}_{column}"),
        nullable=False,
    )


def _search_key(dialect: str) -> list[sa.Column[Any]]:
    fk = sa.ForeignKey("recipes.id", ondelete="CASCADE", name="fk_recipe_search_recipe_id")
    if dialect == "sqlite":
        # FTS5 external content needs an integer rowid that VACUUM never renumbers: only an
        # INTEGER PRIMARY KEY (an alias of the rowid) is stable, so recipe_id is UNIQUE here.
        return [
            sa.Column("doc", sa.Integer, primary_key=True),
            sa.Column("recipe_id", _key(26), fk, nullable=False, unique=True),
        ]
    return [sa.Column("recipe_id", _key(26), fk, primary_key=True)]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "users",
        sa.Column("id", _key(26), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("avatar_url", sa.String(2000)),
        sa.Column("created_at", _time(), nullable=False),
        **_OPTIONS,
    )
    op.create_table(
        "identities",
        sa.Column("provider", _key(50), primary_key=True),
        sa.Column("subject", _key(255), primary_key=True),
        _fk("identities", "user_id", "users.id"),
        sa.Index("ix_identities_user_id", "user_id"),
        **_OPTIONS,
    )
    op.create_table(
        "recipes",
        sa.Column("id", _key(26), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("servings", sa.Integer, nullable=False),
        sa.Column("ingredients", sa.JSON, nullable=False),
        sa.Column("steps", sa.JSON, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("source_url", sa.String(2000)),
        sa.Column("image_url", sa.String(2000)),
        sa.Column("owner_id", _key(26)),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
        sa.Index("ix_recipes_created_at", "created_at", "id"),
        sa.Index("ix_recipes_owner_id", "owner_id", "created_at", "id"),
        sa.Index("ix_recipes_title", "title"),
        **_OPTIONS,
    )
    op.create_table(
        "recipe_search",
        *_search_key(dialect),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("keywords", sa.Text, nullable=False),
        **_OPTIONS,
    )
    op.create_table(
        "recipe_tags",
        _fk("recipe_tags", "recipe_id", "recipes.id"),
        sa.Column("tag", _key(100), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("recipe_id", "tag"),
        sa.Index("ix_recipe_tags_tag", "tag", "created_at", "recipe_id"),
        **_OPTIONS,
    )
    op.create_table(
        "selections",
        _fk("selections", "user_id", "users.id"),
        _fk("selections", "recipe_id", "recipes.id"),
        sa.Column("servings", sa.Integer, nullable=False),
        sa.Column("added_at", _time(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "recipe_id"),
        sa.Index("ix_selections_recipe_id", "recipe_id"),
        **_OPTIONS,
    )
    op.create_table(
        "list_items",
        sa.Column("id", _key(26), primary_key=True),
        _fk("list_items", "user_id", "users.id"),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("checked", sa.Boolean, nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Index("ix_list_items_user_id", "user_id", "created_at"),
        **_OPTIONS,
    )
    op.create_table(
        "checked_lines",
        _fk("checked_lines", "user_id", "users.id"),
        sa.Column("line_key", _key(255), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "line_key"),
        **_OPTIONS,
    )
    op.create_table(
        "staples",
        sa.Column(
            "user_id",
            _key(26),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_staples_user_id"),
            primary_key=True,
        ),
        sa.Column("foods", sa.JSON, nullable=False),
        **_OPTIONS,
    )
    op.create_table(
        "access_tokens",
        sa.Column("id", _key(26), primary_key=True),
        _fk("access_tokens", "user_id", "users.id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", _key(64), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_access_tokens_token_hash"),
        sa.Index("ix_access_tokens_user_id", "user_id"),
        **_OPTIONS,
    )
    _FULL_TEXT[dialect]()


def _sqlite_full_text() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE recipe_fts USING fts5(title, description, keywords,"
        " content='recipe_search', content_rowid='doc',"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    # The documented way to keep an external-content FTS5 table in sync with its table;
    # the special 'delete' insert removes the old row's words from the index.
    op.execute(
        """
        CREATE TRIGGER recipe_search_insert AFTER INSERT ON recipe_search BEGIN
          INSERT INTO recipe_fts(rowid, title, description, keywords)
          VALUES (new.doc, new.title, new.description, new.keywords);
        END
        """
    )
    op.execute(
        """
        CREATE TRIGGER recipe_search_delete AFTER DELETE ON recipe_search BEGIN
          INSERT INTO recipe_fts(recipe_fts, rowid, title, description, keywords)
          VALUES ('delete', old.doc, old.title, old.description, old.keywords);
        END
        """
    )
    op.execute(
        """
        CREATE TRIGGER recipe_search_update AFTER UPDATE ON recipe_search BEGIN
          INSERT INTO recipe_fts(recipe_fts, rowid, title, description, keywords)
          VALUES ('delete', old.doc, old.title, old.description, old.keywords);
          INSERT INTO recipe_fts(rowid, title, description, keywords)
          VALUES (new.doc, new.title, new.description, new.keywords);
        END
        """
    )
    # bm25 weights per column: a title word counts 10 times, a description word twice.
    op.execute("INSERT INTO recipe_fts(recipe_fts, rank) VALUES ('rank', 'bm25(10.0, 2.0, 1.0)')")


def _mysql_full_text() -> None:
    op.execute("CREATE FULLTEXT INDEX ft_recipe_search_title ON recipe_search (title)")
    op.execute(
        "CREATE FULLTEXT INDEX ft_recipe_search_all ON recipe_search (title, description, keywords)"
    )


def _postgresql_full_text() -> None:
    def weighted(column: str, weight: str) -> str:
        return f"setweight(to_tsvector('english'::regconfig, {column}), '{weight}')"

    vector = " || ".join(
        weighted(column, weight)
        for column, weight in (("title", "A"), ("description", "B"), ("keywords", "C"))
    )
    op.execute(
        "ALTER TABLE recipe_search ADD COLUMN vector tsvector"
        f" GENERATED ALWAYS AS ({vector}) STORED"
    )
    op.execute("CREATE INDEX ix_recipe_search_vector ON recipe_search USING gin (vector)")


_FULL_TEXT: dict[str, Callable[[], None]] = {
    "sqlite": _sqlite_full_text,
    "mysql": _mysql_full_text,
    "mariadb": _mysql_full_text,
    "postgresql": _postgresql_full_text,
}


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE recipe_fts")  # its triggers go with recipe_search
    for table in (
        "access_tokens",
        "staples",
        "checked_lines",
        "list_items",
        "selections",
        "recipe_tags",
        "recipe_search",
        "recipes",
        "identities",
        "users",
    ):
        op.drop_table(table)
