"""Seed N synthetic recipes into each SQL backend, then time search and the shopping list.

Usage: .venv/bin/python bench/search.py [--recipes 100000] [--backends sqlite,mariadb,postgres]

Prints a table (seed time, search median/p95, shopping-list median/p95 per backend) and writes
bench/results/search.json. The MariaDB/PostgreSQL databases are created and dropped here.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from recipebox.domain.shopping import build_shopping_list
from recipebox.services.people import local_user
from recipebox.services.seeding import seed_synthetic
from recipebox.store import open_store
from recipebox.store.protocol import Store

QUERIES = [
    "chicken",
    "garlic",
    "tomato soup",
    "lemon chicken",
    "chickpea stew",
    "smoky",
    "vegan curry",
    "saffron",
    "roasted vegetables",
    "chocolate",
    "spicy beef noodles",
    "mushroom risotto",
]
RESULTS = Path(__file__).parent / "results"


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{tmp}/bench.db"


@contextmanager
def mariadb_url() -> Iterator[str]:
    import pymysql

    name = f"rbx_bench_{uuid.uuid4().hex[:8]}"
    conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    conn.cursor().execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    try:
        yield f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"
    finally:
        conn.cursor().execute(f"DROP DATABASE {name}")
        conn.close()


@contextmanager
def postgres_url() -> Iterator[str]:
    import psycopg

    name = f"rbx_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
            c.execute(f"DROP DATABASE {name} WITH (FORCE)")


BACKENDS = {"sqlite": sqlite_url, "mariadb": mariadb_url, "postgres": postgres_url}


def timings(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(store: Store, n: int, users: int) -> dict[str, float]:
    start = time.perf_counter()
    seed_synthetic(store, n, users=users, seed=1)
    seed_s = time.perf_counter() - start
    for query in QUERIES:  # warm caches once, as a running server would have them
        store.search_recipes(query)
    search = [t for q in QUERIES for t in timings(lambda q=q: store.search_recipes(q), 10)]
    page = store.search_recipes("")
    # A user with 15 selected recipes, as in the web benchmark.
    shopper = local_user(store, "bench-shopper")
    assert shopper is not None
    for summary in page.items[:15]:
        store.select_recipe(shopper.id, summary.id, 4)
    shopping = timings(lambda: build_shopping_list(store.shopping_data(shopper.id)), 50)
    return {
        "seed_seconds": round(seed_s, 1),
        "search_median_ms": round(statistics.median(search), 2),
        "search_p95_ms": round(p95(search), 2),
        "shopping_median_ms": round(statistics.median(shopping), 2),
        "shopping_p95_ms": round(p95(shopping), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,mariadb")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    for name in args.backends.split(","):
        with BACKENDS[name]() as url:
            store = open_store(url)
            store.upgrade()
            try:
                results[name] = measure(store, args.recipes, args.users)
            finally:
                store.close()
        print(f"{name}: {results[name]}", file=sys.stderr, flush=True)
    cols = list(next(iter(results.values())))
    print(f"\n{args.recipes:,} recipes on {platform.node()} ({platform.machine()})")
    print("| backend | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(str(row[c]) for c in cols) + " |")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "search.json"
    out.write_text(
        json.dumps({"recipes": args.recipes, "results": results}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
