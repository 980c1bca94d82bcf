"""`recipebox serve`: the local site on waitress, SQLite in the per-user data folder."""

from __future__ import annotations

import logging
from pathlib import Path

from recipebox.config import Settings
from recipebox.services.seeding import load_demo
from recipebox.store import open_store
from recipebox.web.app import create_app

log = logging.getLogger("recipebox")


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Prepare the database (migrate, demo recipes on first start) and serve until interrupted."""
    import waitress  # the Lambda path never serves HTTP itself

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings.from_env(local_server=True)
    if settings.database_url.startswith("sqlite:///"):
        db_path = Path(settings.database_url.removeprefix("sqlite:///"))
        db_path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(settings.database_url, pool=settings.db_pool)
    store.upgrade()
    if store.count_recipes() == 0:
        log.info("first start: loaded %d demo recipes", load_demo(store))
    app = create_app(settings, store=store)
    print(f"recipebox is running at http://{host}:{port}/  (storage: {store.check()})", flush=True)
    print("press Ctrl+C to stop", flush=True)
    waitress.serve(app, host=host, port=port, threads=8, ident="recipebox")
