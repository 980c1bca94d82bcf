"""Open a storage backend from a database URL; the URL scheme picks the backend."""

from __future__ import annotations

import importlib
from typing import Any

from recipebox.domain.errors import Invalid
from recipebox.store.protocol import Store

# scheme -> "module:factory". Backends are imported lazily so an unused one costs nothing
# at cold start (SQLAlchemy alone takes ~0.3 s to import).
BACKENDS: dict[str, str] = {
    "sqlite": "recipebox.store.sql:SqlStore",
    "mysql": "recipebox.store.sql:SqlStore",
    "mariadb": "recipebox.store.sql:SqlStore",
    "postgresql": "recipebox.store.sql:SqlStore",
    "postgres": "recipebox.store.sql:SqlStore",
    "dynamodb": "recipebox.store.dynamodb:DynamoStore",
    # The data function on AWS Lambda, and the local data server (remote+http://127.0.0.1:PORT).
    "lambda": "recipebox.store.remote:open_remote",
    "remote": "recipebox.store.remote:open_remote",
}


def open_store(url: str, **options: Any) -> Store:
    """Return the backend for `url` (not yet connected; call `upgrade()` or `check()`)."""
    scheme = url.partition(":")[0].partition("+")[0].lower()
    target = BACKENDS.get(scheme)
    if target is None or "://" not in url:
        known = ", ".join(sorted(BACKENDS))
        raise Invalid(f"unknown database URL scheme {scheme!r}; use one of: {known}")
    module_name, _, factory = target.partition(":")
    backend = getattr(importlib.import_module(module_name), factory)
    store: Store = backend(url, **options)
    return store
