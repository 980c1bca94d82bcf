"""Seed N synthetic recipes into each SQL backend, then time search and the shopping list.

Usage: .venv/bin/python bench/search.py [--recipes 100000] [--backends sqlite,mariadb,postgres]

Prints a table per backend: seed time; search median/p95 over QUERIES (the realistic mix);
single very common words (COMMON, tens of thousands of matches each); the home page's reads
(newest recipes, a tag filter, the popular tags); the shopping list. Writes
bench/results/search.json with the per-query medians too. The MariaDB/PostgreSQL databases
are created and dropped here.
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
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe
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
# Words in most synthetic recipes: the worst case for an index that reads every match.
COMMON = ["egg", "salt", "oil", "onion", "dinner"]
RESULTS = Path(__file__).parent / "results"


@contextmanager
def sqlite_url(prefix: str = "bench") -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{tmp}/{prefix}.db"


@contextmanager
def mariadb_url(prefix: str = "rbx_bench") -> Iterator[str]:
    import pymysql

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    conn.cursor().execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    try:
        yield f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"
    finally:
        conn.cursor().execute(f"DROP DATABASE {name}")
        conn.close()


@contextmanager
def postgres_url(prefix: str = "rbx_bench") -> Iterator[str]:
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
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


def medians(runs: dict[str, list[float]]) -> dict[str, float]:
    return {name: round(statistics.median(times), 2) for name, times in runs.items()}


def searches(store: Store, queries: list[str], rounds: int) -> dict[str, list[float]]:
    for query in queries:  # warm caches once, as a running server would have them
        store.search_recipes(query)
    return {q: timings(partial(store.search_recipes, q), rounds) for q in queries}


def measure(store: Store, n: int, users: int) -> tuple[dict[str, float], dict[str, float]]:
    start = time.perf_counter()
    seed_synthetic(store, n, users=users, seed=1)
    seed_s = time.perf_counter() - start
    mix = searches(store, QUERIES, 10)
    common = searches(store, COMMON, 5)
    search = [t for times in mix.values() for t in times]
    worst = [t for times in common.values() for t in times]
    # The home page: newest recipes, one tag's newest, the popular tags.
    browse = timings(lambda: store.search_recipes("", per_page=24), 20)
    tagged = timings(lambda: store.search_recipes("", tag="vegan", per_page=24), 20)
    tags = timings(lambda: store.tags(limit=14), 20)
    page = store.search_recipes("")
    # A user with 15 selected recipes, as in the web benchmark.
    shopper = local_user(store, "bench-shopper")
    assert shopper is not None
    for summary in page.items[:15]:
        store.select_recipe(shopper.id, summary.id, 4)
    shopping = timings(lambda: build_shopping_list(store.shopping_data(shopper.id)), 50)
    figures = {
        "seed_seconds": round(seed_s, 1),
        "search_median_ms": round(statistics.median(search), 2),
        "search_p95_ms": round(p95(search), 2),
        "common_median_ms": round(statistics.median(worst), 2),
        "common_p95_ms": round(p95(worst), 2),
        "browse_median_ms": round(statistics.median(browse), 2),
        "tag_filter_median_ms": round(statistics.median(tagged), 2),
        "tags_median_ms": round(statistics.median(tags), 2),
        "tags_p95_ms": round(p95(tags), 2),
        "shopping_median_ms": round(statistics.median(shopping), 2),
        "shopping_p95_ms": round(p95(shopping), 2),
    }
    return figures, medians(mix | common)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,mariadb,postgres")
    args = parser.parse_args()
    machine = describe()
    results: dict[str, dict[str, float]] = {}
    queries: dict[str, dict[str, float]] = {}
    for name in args.backends.split(","):
        with BACKENDS[name]() as url:
            store = open_store(url)
            store.upgrade()
            try:
                results[name], queries[name] = measure(store, args.recipes, args.users)
            finally:
                store.close()
        print(f"{name}: {results[name]}", file=sys.stderr, flush=True)
        print(f"{name} per-query medians: {queries[name]}", file=sys.stderr, flush=True)
    cols = list(next(iter(results.values())))
    print(f"\n{args.recipes:,} recipes on {platform.node()} ({platform.machine()})")
    print("| backend | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(str(row[c]) for c in cols) + " |")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "search.json"
    out.write_text(
        json.dumps(
            {
                "machine": machine,
                "recipes": args.recipes,
                "users": args.users,
                "results": results,
                "query_medians_ms": queries,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
