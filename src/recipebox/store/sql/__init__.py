"""The SQL backend: SQLite, MySQL/MariaDB (PyMySQL) and PostgreSQL (psycopg 3).

SQLAlchemy 2 Core statements over declarative tables (`schema.py`), Alembic migrations run by
`SqlStore.upgrade()` (`migrations/`), full-text search with each engine's own index
(`search.py`). Importing this package imports SQLAlchemy but connects nowhere: the engine is
built on first use.
"""

from recipebox.store.sql.store import SqlStore

__all__ = ["SqlStore"]
