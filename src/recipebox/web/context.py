"""Request-time access to what the app factory set up."""

from __future__ import annotations

from typing import cast

from flask import current_app

from recipebox.store.protocol import Store


def get_store() -> Store:
    """The app's storage backend."""
    return cast(Store, current_app.extensions["recipebox.store"])
