"""Requests per page and pages per second through each storage: SQLite, DynamoDB, remote.

Usage: .venv/bin/python bench/pages.py [--seconds 3]

Serves the demo recipes through the real Flask app (test client, signed in, three recipes on
the list) on: SQLite; DynamoDB on a moto server started here (request counts are the figure
that carries over to AWS: moto's timings are not DynamoDB's); the remote store through the
data protocol to SQLite in process (what the split topology does per Lambda invoke). Prints a
table and writes bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from local_services import moto_endpoint
from recipebox.config import Settings
from recipebox.services.people import local_user
from recipebox.services.seeding import load_demo
from recipebox.store import open_store
from recipebox.store.protocol import Store
from recipebox.store.remote.client import RemoteStore
from recipebox.store.remote.transports import InProcessTransport
from recipebox.web import create_app

RESULTS = Path(__file__).parent / "results"
PAGES = {
    "home": "/",
    "search": "/?q=garlic",
    "recipe": "/recipes/{recipe}",
    "shopping list": "/list",
}


def counter_for(store: Store) -> Callable[[], int]:
    """A function returning how many backend requests `store` has made so far."""
    if isinstance(store, RemoteStore):
        return lambda: store.calls
    client = getattr(store, "client", None)
    if client is None:
        return lambda: 0
    seen = [0]

    def record(_operation: str) -> None:
        seen[0] += 1

    client.on_call.append(record)  # recipebox.store.aws_http: once per call, not per retry
    return lambda: seen[0]


def prepare(store: Store) -> tuple[FlaskClient, dict[str, str]]:
    store.upgrade()
    load_demo(store)
    user = local_user(store, "bench")
    assert user is not None
    for title in ("Spaghetti Bolognese", "Chicken Tikka Masala", "Shakshuka"):
        store.select_recipe(user.id, store.find_recipe_by_title(title).id, 4)
    settings = Settings(database_url="sqlite://", secret_key="bench", production=False)
    app = create_app(settings, store=store)
    client = app.test_client()
    with client.session_transaction() as session:
        session["uid"] = user.id
    recipe = store.find_recipe_by_title("Shakshuka").id
    return client, {name: url.format(recipe=recipe) for name, url in PAGES.items()}


def measure(store: Store, seconds: float) -> dict[str, dict[str, float]]:
    client, urls = prepare(store)
    count = counter_for(store)
    rows: dict[str, dict[str, float]] = {}
    for name, url in urls.items():
        assert client.get(url).status_code == 200, url  # warm
        before = count()
        assert client.get(url).status_code == 200
        requests = count() - before
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            client.get(url)
            done += 1
        rows[name] = {
            "requests": requests,
            "pages_per_s": round(done / (time.perf_counter() - start), 1),
        }
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = open_store(f"sqlite:///{tmp}/bench.db")
        results["sqlite"] = measure(sqlite, args.seconds)
        remote_db = open_store(f"sqlite:///{tmp}/remote.db")
        remote = RemoteStore(InProcessTransport(remote_db))
        results["remote (data protocol -> sqlite)"] = measure(remote, args.seconds)
        with moto_endpoint() as endpoint:
            table = f"bench-{uuid.uuid4().hex[:8]}"
            url = f"dynamodb://{table}?region=us-east-1&endpoint_url={endpoint}"
            results["dynamodb (moto server)"] = measure(open_store(url), args.seconds)
    print("| storage | page | requests per page | pages/s |")
    print("|---|---|---|---|")
    for storage, rows in results.items():
        for page, row in rows.items():
            print(f"| {storage} | {page} | {row['requests']:g} | {row['pages_per_s']} |")
    RESULTS.mkdir(exist_ok=True)
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    out = RESULTS / "pages.json"
    payload: dict[str, Any] = {"machine": describe(), **results}
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
