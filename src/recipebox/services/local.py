"""Local storage for the development servers (`recipebox serve`, `recipebox lambda serve`).

Both start the same way: create the data folder of a SQLite URL, migrate, and load the demo
recipes when the database has none (first start), so a fresh checkout shows a working site.
"""

from __future__ import annotations

import logging
from pathlib import Path

from recipebox.config import Settings
from recipebox.services.seeding import load_demo
from recipebox.store import open_store
from recipebox.store.protocol import Store

log = logging.getLogger("recipebox")


def prepare_local_store(settings: Settings) -> Store:
    """Open, migrate and (on first start) seed the settings' storage; the caller closes it."""
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    store = open_store(settings.database_url, pool=settings.db_pool)
    store.upgrade()
    if store.count_recipes() == 0:
        log.info("first start: loaded %d demo recipes", load_demo(store))
    return store
