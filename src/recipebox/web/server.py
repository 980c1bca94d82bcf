"""`recipebox serve`: the local site on waitress, SQLite in the per-user data folder."""

from __future__ import annotations

import logging

from recipebox.config import Settings
from recipebox.services.local import prepare_local_store
from recipebox.web.app import create_app


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Prepare the database (migrate, demo recipes on first start) and serve until interrupted."""
    import waitress  # the Lambda path never serves HTTP itself

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = Settings.from_env(local_server=True)
    store = prepare_local_store(settings)
    app = create_app(settings, store=store)
    server = waitress.create_server(app, host=host, port=port, threads=8, ident="recipebox")
    url = f"http://{host}:{server.effective_port}/"
    print(f"recipebox is running at {url}  (storage: {store.check()})", flush=True)
    print("press Ctrl+C to stop", flush=True)
    try:
        server.run()
    finally:
        store.close()
