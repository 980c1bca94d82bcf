"""Alembic environment: migrates the connection that `SqlStore.upgrade()` hands over.

Run migrations through `SqlStore.upgrade()` (it builds the Alembic config in code); the
connection then carries the store's engine settings (SQLite pragmas, timeouts, drivers).
"""

from __future__ import annotations

from alembic import context

from recipebox.store.sql.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with SqlStore(url).upgrade(), which passes a connection")

context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
