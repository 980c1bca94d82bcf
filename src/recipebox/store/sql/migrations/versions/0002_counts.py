"""Tag and recipe totals: `tag_counts` and `counters`; MySQL drops its title FULLTEXT index.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

`tags()` and the totals of the home page then read a few rows instead of counting every
recipe (see `schema.py`); `counts.py` keeps both tables in step with every recipe write,
and they start from the recipes already there. MySQL/MariaDB search no longer ranks titles
with a second full-text query (see `search.py`), so `ft_recipe_search_title` goes: one index
fewer to update on every write.
Types are spelled out here, as in 0001, so this revision never changes with later code.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
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


def upgrade() -> None:
    op.create_table(
        "tag_counts",
        sa.Column("tag", _key(100), primary_key=True),
        sa.Column("uses", sa.Integer, nullable=False),
        sa.Index("ix_tag_counts_uses", "uses", "tag"),
        **_OPTIONS,
    )
    op.create_table(
        "counters",
        sa.Column("name", _key(50), primary_key=True),
        sa.Column("total", sa.BigInteger, nullable=False),
        **_OPTIONS,
    )
    op.execute(
        "INSERT INTO tag_counts (tag, uses) SELECT tag, COUNT(*) FROM recipe_tags GROUP BY tag"
    )
    op.execute("INSERT INTO counters (name, total) SELECT 'recipes', COUNT(*) FROM recipes")
    if op.get_bind().dialect.name in _MYSQL:
        op.execute("DROP INDEX ft_recipe_search_title ON recipe_search")


def downgrade() -> None:
    if op.get_bind().dialect.name in _MYSQL:
        op.execute("CREATE FULLTEXT INDEX ft_recipe_search_title ON recipe_search (title)")
    op.drop_table("counters")
    op.drop_table("tag_counts")
