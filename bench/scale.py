"""Search and shopping-list time as the database grows: 1k, 10k, 100k recipes on each SQL engine.

Usage: .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--users 1000]
       [--backends sqlite,mariadb,postgres] [--dynamodb-sizes 1000] [--rounds 10]

For every engine and size: a fresh database (MariaDB/PostgreSQL ones are created and dropped
here), `seed_synthetic` (what `recipebox seed --synthetic N --users U` does), then, store level
(no HTTP), as bench/search.py does at one size:
- search: bench/search.py's 12-query mix (frequent words, rare ones, two- and three-word
  queries), every query once to warm the caches, then `--rounds` rounds; median and p95 over
  all of them. The five very common words (in most recipes) are timed apart, as the worst case.
- shopping list: a user with 15 recipes selected, `build_shopping_list(store.shopping_data())`,
  5 x `--rounds` times; median and p95.
DynamoDB (moto server started here; its timings are not DynamoDB's, so requests per operation
are the figure): the same operations at `--dynamodb-sizes` (seeding moto runs at ~60 recipes/s).

Claims checked: the shopping list stays flat (median at the largest size within FLAT_RATIO of
the smallest) and search grows sublinearly (growth exponent k < 1, where time ~ size^k from the
smallest to the largest size). Goals at 100k: search p95 <= 30 ms, shopping list p95 <= 20 ms.
Writes bench/results/scale.json and docs/img/scale.png (+ scale_dynamodb.png).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_services import moto_endpoint
from machine import describe, summary
from recipebox.domain import records
from recipebox.domain.lists import Selection
from recipebox.domain.shopping import build_shopping_list
from recipebox.domain.users import User
from recipebox.services.seeding import seed_synthetic
from recipebox.store import open_store
from recipebox.store.protocol import Store
from search import BACKENDS, COMMON, QUERIES, p95, timings

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
IMG = BENCH.parent / "docs" / "img"
SELECTED = 15
FLAT_RATIO = 1.5  # "flat": run-to-run noise on a busy 2-core machine reaches ~1.3x
SEARCH_P95_LIMIT_MS, SHOPPING_P95_LIMIT_MS, GOAL_SIZE = 30.0, 20.0, 100_000
ENGINES = {"sqlite": "SQLite", "mariadb": "MariaDB", "postgres": "PostgreSQL"}
COLOURS = {"sqlite": "tab:blue", "mariadb": "tab:orange", "postgres": "tab:green"}


def shopper(store: Store) -> str:
    """A new user with the SELECTED newest recipes on the list; return the user's id.

    Written with `load` (batch writes, as seeding does): on moto each transaction copies the
    whole table, which at 1k recipes outlasts the client's read timeout.
    """
    user = User("bench-shopper", "Bench Shopper")
    newest = store.search_recipes("", per_page=SELECTED).items
    store.load(
        {
            "users": [records.user_to_record(user)],
            "selections": [
                records.selection_to_record(user.id, Selection(r.id, 4)) for r in newest
            ],
        }
    )
    return user.id


def stats(values: list[float]) -> tuple[float, float]:
    return round(statistics.median(values), 2), round(p95(values), 2)


class Seeded:
    """One engine's database at one size, seeded, with its shopper and raw timings."""

    def __init__(self, store: Store, n: int, users: int) -> None:
        store.upgrade()
        start = time.perf_counter()
        seed_synthetic(store, n, users=users, seed=1)
        self.seed_s = time.perf_counter() - start
        self.store, self.n = store, n
        self.matches = {}
        for query in QUERIES + COMMON:  # warm caches once, as a running server would have them
            page = store.search_recipes(query)
            self.matches[query] = f"{page.total}{'+' if page.total_is_estimate else ''}"
        self.user_id = shopper(store)
        self.shopping_list()
        self.mix: list[float] = []
        self.common: list[float] = []
        self.shopping: list[float] = []

    def shopping_list(self) -> object:
        return build_shopping_list(self.store.shopping_data(self.user_id))

    def round(self) -> None:
        """Time every query once and the shopping list five times."""
        search = self.store.search_recipes
        self.mix += [t for q in QUERIES for t in timings(lambda q=q: search(q), 1)]
        self.common += [t for q in COMMON for t in timings(lambda q=q: search(q), 1)]
        self.shopping += timings(self.shopping_list, 5)

    def row(self, engine: str) -> dict[str, Any]:
        (s50, s95), (c50, c95) = stats(self.mix), stats(self.common)
        l50, l95 = stats(self.shopping)
        return {
            "engine": engine,
            "recipes": self.n,
            "seed_s": round(self.seed_s, 1),
            "search_p50_ms": s50,
            "search_p95_ms": s95,
            "common_p50_ms": c50,
            "common_p95_ms": c95,
            "shopping_p50_ms": l50,
            "shopping_p95_ms": l95,
            "search_samples": len(self.mix),
            "shopping_samples": len(self.shopping),
            "matches": self.matches,
        }


def measure_engine(engine: str, sizes: list[int], users: int, rounds: int) -> list[dict[str, Any]]:
    """Seed one database per size, then time them in interleaved rounds.

    Interleaving spreads whatever else the machine does over every size alike, so the ratios
    between sizes (the claims) hold even when the absolute times are noisy.
    """
    with ExitStack() as stack:
        seeded = []
        for n in sizes:
            store = open_store(stack.enter_context(BACKENDS[engine](prefix="rb_scale")))
            stack.callback(store.close)
            seeded.append(Seeded(store, n, users))
            print(f"  {engine}: seeded {n:,} in {seeded[-1].seed_s:.1f} s", flush=True)
        for _ in range(rounds):
            for one in seeded:
                one.round()
        return [one.row(engine) for one in seeded]


def request_counter(store: Store) -> Callable[[], Counter[str]]:
    """A function returning the DynamoDB requests `store` made so far, by operation name.

    Counted as the client sends them (once per call, retries not counted): through the
    client's `on_call` listeners (recipebox.store.aws_http).
    """
    seen: Counter[str] = Counter()
    client: Any = store.client  # type: ignore[attr-defined]
    client.on_call.append(lambda operation: seen.update([operation]))
    return lambda: seen.copy()


def requests_of(count: Callable[[], Counter[str]], fn: Callable[[], object]) -> dict[str, int]:
    before = count()
    fn()
    return dict(count() - before)


def measure_dynamodb(endpoint: str, n: int, users: int) -> dict[str, Any]:
    store = open_store(
        f"dynamodb://rb-scale-{uuid.uuid4().hex[:8]}?region=us-east-1&endpoint_url={endpoint}"
    )
    store.upgrade()
    start = time.perf_counter()
    seed_synthetic(store, n, users=users, seed=1)
    seed_s = time.perf_counter() - start
    user_id = shopper(store)
    count = request_counter(store)
    recipe = store.search_recipes("", per_page=1).items[0].id
    ops: dict[str, Callable[[], object]] = {
        "home page (newest 24)": lambda: store.search_recipes("", per_page=24),
        "tag page (vegan)": lambda: store.search_recipes("", tag="vegan", per_page=24),
        "tags()": lambda: store.tags(limit=14),
        "get_recipe": lambda: store.get_recipe(recipe),
        f"shopping_data ({SELECTED} recipes)": lambda: store.shopping_data(user_id),
    }
    operations = {}
    for name, fn in ops.items():
        made = requests_of(count, fn)
        operations[name] = made | {"total": sum(made.values())}
    per_query = {
        q: requests_of(count, lambda q=q: store.search_recipes(q)) for q in QUERIES + COMMON
    }
    for label, queries in (("search: query mix", QUERIES), ("search: very common words", COMMON)):
        totals = [sum(per_query[q].values()) for q in queries]
        operations[f"{label} (mean)"] = {"total": round(statistics.mean(totals), 2)}
        operations[f"{label} (max)"] = {"total": max(totals)}
    store.close()
    return {
        "recipes": n,
        "seed_s": round(seed_s, 1),
        "operations": operations,
        "per_query": {q: sum(v.values()) for q, v in per_query.items()},
    }


def ratio_exponent(rows: list[dict[str, Any]], key: str) -> tuple[float, float]:
    """The largest size's value over the smallest's, and k in value ~ size^k between them."""
    first, last = rows[0], rows[-1]
    ratio = last[key] / first[key]
    grown = last["recipes"] / first["recipes"]
    return round(ratio, 2), round(math.log(ratio) / math.log(grown), 2) if grown > 1 else 0.0


def claims(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The flat / sublinear claims per engine and the 100k goals, as JSON-ready dicts."""
    found, goals = [], []
    for engine in dict.fromkeys(r["engine"] for r in rows):
        mine = sorted((r for r in rows if r["engine"] == engine), key=lambda r: r["recipes"])
        if len(mine) < 2:
            continue
        span = f"{mine[-1]['recipes']:,} / {mine[0]['recipes']:,}"
        ratio, k = ratio_exponent(mine, "shopping_p50_ms")
        found.append({"engine": engine, "claim": "shopping list flat", "span": span,
                      "ratio": ratio, "exponent": k, "limit": f"ratio <= {FLAT_RATIO}",
                      "met": ratio <= FLAT_RATIO})  # fmt: skip
        ratio, k = ratio_exponent(mine, "search_p50_ms")
        found.append({"engine": engine, "claim": "search sublinear", "span": span,
                      "ratio": ratio, "exponent": k, "limit": "exponent < 1",
                      "met": k < 1})  # fmt: skip
        at_goal = [r for r in mine if r["recipes"] == GOAL_SIZE]
        for r in at_goal:
            for name, key, limit in (
                ("search p95 at 100k (ms)", "search_p95_ms", SEARCH_P95_LIMIT_MS),
                ("shopping list p95 at 100k (ms)", "shopping_p95_ms", SHOPPING_P95_LIMIT_MS),
            ):
                goals.append({"engine": engine, "name": name, "value": r[key],
                              "limit": limit, "met": r[key] <= limit})  # fmt: skip
    return found, goals


def plot(result: dict[str, Any], img: Path = IMG) -> list[Path]:
    """Draw the scale figures from a scale.json document; return the PNG paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    img.mkdir(parents=True, exist_ok=True)
    rows = result["rows"]
    dynamo = result.get("dynamodb") or []
    out = [plot_dynamodb(dynamo, img / "scale_dynamodb.png")] if dynamo else []
    if not rows:
        return out
    sizes = sorted({r["recipes"] for r in rows})
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), constrained_layout=True)
    panels = (("search", "Search (12-query mix)"), ("shopping", "Shopping list (15 recipes)"))
    for ax, (key, title) in zip(axes, panels, strict=True):
        for engine in dict.fromkeys(r["engine"] for r in rows):
            mine = sorted((r for r in rows if r["engine"] == engine), key=lambda r: r["recipes"])
            x = [r["recipes"] for r in mine]
            colour = COLOURS.get(engine)
            ax.plot(x, [r[f"{key}_p50_ms"] for r in mine], "o-", color=colour, lw=2)
            ax.plot(x, [r[f"{key}_p95_ms"] for r in mine], "s--", color=colour, lw=1.2, ms=4)
        if len(sizes) > 1:  # what linear growth from the smallest size would look like
            start = min(r[f"{key}_p50_ms"] for r in rows if r["recipes"] == sizes[0])
            ax.plot(sizes, [start * s / sizes[0] for s in sizes], ":", color="grey")
        limit = SEARCH_P95_LIMIT_MS if key == "search" else SHOPPING_P95_LIMIT_MS
        ax.axhline(limit, color="crimson", lw=0.8, alpha=0.6)
        ax.annotate(f"p95 goal at 100k: {limit:g} ms", (sizes[0], limit), color="crimson",
                    fontsize=8, va="bottom", xytext=(2, 2), textcoords="offset points")  # fmt: skip
        ax.set(xscale="log", yscale="log", title=title, xlabel="recipes in the database",
               ylabel="ms per call (log)", xticks=sizes)  # fmt: skip
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which="both", alpha=0.25)
        top = max(limit, max(r[f"{key}_p95_ms"] for r in rows)) * 3
        ax.set_ylim(min(r[f"{key}_p50_ms"] for r in rows) / 2, top)
    handles = [Line2D([], [], color=COLOURS.get(e), lw=2, label=ENGINES.get(e, e))
               for e in dict.fromkeys(r["engine"] for r in rows)]  # fmt: skip
    handles += [
        Line2D([], [], color="black", marker="o", lw=2, label="median (p50)"),
        Line2D([], [], color="black", marker="s", ls="--", lw=1.2, ms=4, label="p95"),
        Line2D([], [], color="grey", ls=":", label="linear growth\n(from the fastest)"),
    ]
    fig.legend(handles=handles, loc="outside right center", frameon=False)
    fig.suptitle("Time per call as the database grows (store level, 1,000 users)")
    fig.savefig(img / "scale.png", dpi=110)
    plt.close(fig)
    return [img / "scale.png", *out]


def plot_dynamodb(rows: list[dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ops = list(rows[0]["operations"])
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(ops) + 1.6), constrained_layout=True)
    height = 0.8 / len(rows)
    for i, row in enumerate(rows):
        y = [j + i * height for j in range(len(ops))]
        values = [row["operations"][op]["total"] for op in ops]
        bars = ax.barh(y, values, height, label=f"{row['recipes']:,} recipes")
        ax.bar_label(bars, fmt="%g", padding=2, fontsize=8)
    ax.set_yticks([j + height * (len(rows) - 1) / 2 for j in range(len(ops))], ops)
    ax.invert_yaxis()
    ax.set(xlabel="DynamoDB requests per call", title="DynamoDB requests per operation (moto)")
    ax.legend(loc="lower right")
    ax.grid(True, axis="x", alpha=0.25)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def ms(value: float) -> str:
    """Milliseconds with the digits a noisy benchmark deserves: 0.93, 9.85, 18.7, 124."""
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def table(rows: list[dict[str, Any]]) -> list[str]:
    """Markdown lines: one row per engine and size."""
    lines = [
        "| engine | recipes | seed | search p50 / p95 ms | common words p50 / p95 ms "
        "| shopping list p50 / p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {ENGINES.get(r['engine'], r['engine'])} | {r['recipes']:,} | {r['seed_s']} s "
            f"| {ms(r['search_p50_ms'])} / {ms(r['search_p95_ms'])} "
            f"| {ms(r['common_p50_ms'])} / {ms(r['common_p95_ms'])} "
            f"| {ms(r['shopping_p50_ms'])} / {ms(r['shopping_p95_ms'])} |"
        )
    return lines


def claim_lines(found: list[dict[str, Any]], goals: list[dict[str, Any]]) -> list[str]:
    lines = []
    for c in found:
        verdict = "MET" if c["met"] else "NOT MET"
        lines.append(
            f"- {ENGINES.get(c['engine'], c['engine'])}: {c['claim']}: median {c['span']} = "
            f"{c['ratio']}x (exponent {c['exponent']}; {c['limit']}): **{verdict}**"
        )
    for g in goals:
        verdict = "MET" if g["met"] else "NOT MET"
        lines.append(
            f"- {ENGINES.get(g['engine'], g['engine'])}: {g['name']} {g['value']} "
            f"<= {g['limit']:g}: **{verdict}**"
        )
    return lines


def write(
    machine: dict[str, Any],
    settings: dict[str, Any],
    rows: list[dict[str, Any]],
    dynamo: list[dict[str, Any]],
) -> dict[str, Any]:
    """Write bench/results/scale.json with the claims and goals; return the document."""
    found, goals = claims(rows)
    result = {
        "machine": machine,
        "settings": settings,
        "rows": rows,
        "claims": found,
        "goals": goals,
        "dynamodb": dynamo,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "scale.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="recipes, comma-separated")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,mariadb,postgres")
    parser.add_argument("--dynamodb-sizes", default="1000", help="'' to skip DynamoDB")
    parser.add_argument("--rounds", type=int, default=10, help="search rounds per query")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    backends = [b for b in args.backends.split(",") if b]
    machine = describe()
    print(f"machine: {summary(machine)}", flush=True)
    began = time.perf_counter()
    settings = {
        "sizes": sizes,
        "users": args.users,
        "backends": backends,
        "queries": QUERIES,
        "common_words": COMMON,
        "search_rounds": args.rounds,
        "shopping_rounds": 5 * args.rounds,
        "selected_recipes": SELECTED,
        "flat_ratio": FLAT_RATIO,
        "dynamodb_sizes": sorted(int(s) for s in args.dynamodb_sizes.split(",") if s),
    }
    rows = []
    for engine in backends:
        print(f"[{time.perf_counter() - began:4.0f} s] {engine}", flush=True)
        for row in measure_engine(engine, sizes, args.users, args.rounds):
            rows.append(row)
            print(f"[{time.perf_counter() - began:4.0f} s] {table([row])[-1]}", flush=True)
    dynamo: list[dict[str, Any]] = []
    dynamo_sizes = settings["dynamodb_sizes"]
    write(machine, settings, rows, dynamo)  # the SQL figures survive a moto failure
    if dynamo_sizes:
        with moto_endpoint() as endpoint:
            for n in dynamo_sizes:
                try:
                    dynamo.append(measure_dynamodb(endpoint, n, args.users))
                except Exception as exc:  # moto under load: keep what was measured
                    print(f"dynamodb {n:,}: failed: {exc}", file=sys.stderr, flush=True)
                    break
                print(f"[{time.perf_counter() - began:5.0f} s] dynamodb {n:,}: "
                      f"{ {k: v['total'] for k, v in dynamo[-1]['operations'].items()} }",
                      flush=True)  # fmt: skip
    settings["wall_s"] = round(time.perf_counter() - began)
    result = write(machine, settings, rows, dynamo)
    print("\n" + "\n".join(table(rows)) + "\n")
    print("\n".join(claim_lines(result["claims"], result["goals"])))
    print(f"wrote {RESULTS / 'scale.json'}")
    if not args.no_plot:
        for path in plot(result):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
