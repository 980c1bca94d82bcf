"""Pages per second under gunicorn + wrk, against a hello-world Flask app as the ceiling.

Usage: .venv/bin/python bench/web.py [--recipes 100000] [--users 1000] [--seconds 10]
       [--rounds 2] [--connections 4] [--keep-db]

Seeds MariaDB with N synthetic recipes and U users (database `rbx_web_<N>`, reused with
--keep-db when it already holds them), signs a shopper in through the development sign-in and
gives them 15 recipes on their list. Then runs, with the same gunicorn settings (SETTINGS) and
in interleaved rounds, wrk against: a hello-world Flask app (the ceiling), the home page, a
mix of searches, a mix of recipe pages and the shopping list (signed in). Reports requests/s,
p50/p95/p99 (wrk's own histogram, through bench/wrk_report.lua) and the ratio to the ceiling.
The same pages are measured a second time on a server with the page cache off
(RECIPEBOX_PAGE_CACHE_SECONDS=0: every request rendered), so both figures are in one run.
For every page that misses a goal, pyinstrument profiles it in-process (Flask test client,
same database and settings) into bench/results/profiles/web-<page>.txt. Prints a table and
writes bench/results/web.json. Needs wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from search import QUERIES  # the same realistic mix as the store-level benchmarks

HERE = Path(__file__).parent
RESULTS = HERE / "results"
VENV_BIN = Path(sys.executable).parent
# The same for the ceiling and for recipebox: docs/deploy.md's settings with 2 workers.
SETTINGS = [
    "--workers",
    "2",
    "--worker-class",
    "gthread",
    "--threads",
    "4",
    "--keep-alive",
    "5",
    "--timeout",
    "30",
    "--no-control-socket",  # gunicorn 27's ~/.gunicorn/gunicorn.ctl, shared by every instance
]
SHOPPER = "bench-shopper"
GOALS = {"ratio": 0.40, "search_p95_ms": 30.0, "list_p95_ms": 20.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mariadb_database(name: str, fresh: bool) -> str:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    with conn.cursor() as cur:
        if fresh:
            cur.execute(f"DROP DATABASE IF EXISTS {name}")
        cur.execute(f"CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8mb4")
    conn.close()
    return f"mysql+pymysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"


def drop_mariadb_database(name: str) -> None:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name}")
    conn.close()


def prepare(url: str, recipes: int, users: int) -> tuple[list[str], list[str]]:
    """Seed unless already seeded; the shopper's 15 recipes; recipe and search paths."""
    from urllib.parse import quote_plus

    from recipebox.services.people import local_user
    from recipebox.services.seeding import seed_synthetic
    from recipebox.store import open_store

    store = open_store(url)
    try:
        store.upgrade()
        if store.count_recipes() != recipes:
            print(f"seeding {recipes:,} recipes and {users:,} users ...", file=sys.stderr)
            start = time.perf_counter()
            seed_synthetic(store, recipes, users=users, seed=1)
            print(f"  seeded in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        shopper = local_user(store, SHOPPER)
        assert shopper is not None
        for selection in store.selections(shopper.id):
            store.unselect_recipe(shopper.id, selection.recipe_id)
        newest = store.search_recipes("", per_page=24).items
        for summary in newest[:15]:
            store.select_recipe(shopper.id, summary.id, 4)
        found = store.search_recipes("chicken", per_page=24).items
        recipe_paths = [f"/recipes/{s.id}" for s in (newest + found)[:20]]
    finally:
        store.close()
    search_paths = [f"/?q={quote_plus(q)}" for q in QUERIES]
    return recipe_paths, search_paths


@contextmanager
def gunicorn(app: str, env: dict[str, str], chdir: Path | None = None) -> Iterator[str]:
    port = free_port()
    cmd = [str(VENV_BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", *SETTINGS]
    if chdir:
        cmd += ["--chdir", str(chdir)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/", timeout=30)
                break
            except (requests.ConnectionError, requests.Timeout):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn {app} did not start: {proc.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
                    ) from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def sign_in(base: str) -> str:
    """The session cookie of the shopper, signed in through the development sign-in."""
    session = requests.Session()
    page = session.get(base + "/auth/dev", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token, "no CSRF token on /auth/dev"
    reply = session.post(
        base + "/auth/dev",
        data={"csrf_token": token.group(1), "name": SHOPPER},
        allow_redirects=False,
        timeout=10,
    )
    assert reply.status_code in (302, 303), reply.status_code
    cookie = reply.headers["Set-Cookie"].split(";", 1)[0]
    check = requests.get(base + "/list", headers={"Cookie": cookie}, timeout=10)
    if check.status_code != 200 or SHOPPER not in check.text:
        raise RuntimeError(f"the development sign-in did not work ({check.status_code})")
    return cookie


def run_wrk(
    base: str, paths: list[str], seconds: float, connections: int, cookie: str
) -> dict[str, Any]:
    for _ in range(3):  # every path answers 200 before it is measured, on every worker
        for path in paths:
            headers = {"Cookie": cookie} if cookie else {}
            reply = requests.get(base + path, headers=headers, timeout=30)
            if reply.status_code != 200:
                raise RuntimeError(f"{path} answered {reply.status_code}")
    cmd = [
        "wrk",
        "-t",
        str(min(2, connections)),
        "-c",
        str(connections),
        "-d",
        f"{round(seconds)}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "wrk_report.lua"),
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    env = dict(os.environ, WRK_PATHS="|".join(paths))
    out = subprocess.run([*cmd, base], env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(raw[k] for k in raw if k.endswith("_errors") or k == "timeouts")
    return {
        "requests_per_s": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": errors,
    }


def median_row(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "requests_per_s": round(statistics.median(r["requests_per_s"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p95_ms": round(statistics.median(r["p95_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "errors": sum(r["errors"] for r in runs),
    }


def machine() -> dict[str, Any]:
    try:
        sys.path.insert(0, str(HERE))
        from machine import describe  # type: ignore[import-not-found]

        return dict(describe())
    except ImportError:
        import platform

        return {"python": platform.python_version(), "cores": os.cpu_count()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--keep-db", action="store_true", help="reuse and keep the database")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("bench/web.py: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    name = f"rbx_web_{args.recipes}"
    url = mariadb_database(name, fresh=not args.keep_db)
    try:
        recipe_paths, search_paths = prepare(url, args.recipes, args.users)
        env = dict(
            os.environ,
            RECIPEBOX_DATABASE_URL=url,
            RECIPEBOX_SECRET_KEY="bench-secret-key-not-for-production",
            RECIPEBOX_DEV_LOGIN="1",
        )
        pages = {
            "home": (["/"], False),
            "search": (search_paths, False),
            "recipe": (recipe_paths, False),
            "shopping list": (["/list"], True),
        }
        if args.only:
            pages = {k: v for k, v in pages.items() if k in args.only.split(",")}
        targets: dict[str, tuple[str, list[str], bool]] = {
            "hello-world ceiling": ("hello", ["/"], False)
        }
        targets |= {page: ("cached", paths, signed) for page, (paths, signed) in pages.items()}
        targets |= {
            f"{page} (page cache off)": ("uncached", paths, signed)
            for page, (paths, signed) in pages.items()
        }
        # Latency goals are read at one client (one request at a time: the time a request
        # takes, no queueing); requests/s under load (--connections) from the runs above.
        light = [p for p in targets if p.split(" (")[0] in ("search", "shopping list")]
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        light_runs: dict[str, list[dict[str, Any]]] = {name: [] for name in light}
        uncached_env = dict(env, RECIPEBOX_PAGE_CACHE_SECONDS="0")
        with (
            gunicorn("hello_app:app", env, chdir=HERE) as hello,
            gunicorn("recipebox.web.app:create_app()", env) as site,
            gunicorn("recipebox.web.app:create_app()", uncached_env) as plain,
        ):
            bases = {"hello": hello, "cached": site, "uncached": plain}
            cookies = {"cached": sign_in(site), "uncached": sign_in(plain), "hello": ""}
            for round_no in range(args.rounds):
                for page, (server, paths, signed_in) in targets.items():
                    result = run_wrk(
                        bases[server],
                        paths,
                        args.seconds,
                        args.connections,
                        cookies[server] if signed_in else "",
                    )
                    runs[page].append(result)
                    print(
                        f"round {round_no + 1}/{args.rounds} {page}: "
                        f"{result['requests_per_s']:.0f}/s p95 {result['p95_ms']:.1f} ms",
                        file=sys.stderr,
                        flush=True,
                    )
                for page in light:
                    server, paths, signed_in = targets[page]
                    cookie = cookies[server] if signed_in else ""
                    result = run_wrk(bases[server], paths, args.seconds, 1, cookie)
                    light_runs[page].append(result)
                    print(
                        f"round {round_no + 1}/{args.rounds} {page}, one client: "
                        f"p50 {result['p50_ms']:.1f} p95 {result['p95_ms']:.1f} ms",
                        file=sys.stderr,
                        flush=True,
                    )
        goals, rows = judge(targets, runs, light_runs)
        for page in sorted({g["page"] for g in goals if not g["met"]}):
            paths, signed_in = pages[page]
            profile = profile_page(env, page, paths, signed_in)
            for row in rows:
                if row["page"] == page:
                    row["profile"] = str(profile.relative_to(HERE.parent))
    finally:
        if not args.keep_db:
            drop_mariadb_database(name)
    report(args, rows, goals)
    return 0


def judge(
    targets: dict[str, tuple[str, list[str], bool]],
    runs: dict[str, list[dict[str, Any]]],
    light_runs: dict[str, list[dict[str, Any]]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The goals of the cached pages, and rows (medians of the rounds, ratio to the ceiling)."""
    ceiling = median_row(runs["hello-world ceiling"])["requests_per_s"]
    rows = []
    for page, (server, paths, _) in targets.items():
        row = median_row(runs[page])
        row["ratio_to_ceiling"] = (
            None if server == "hello" else round(row["requests_per_s"] / ceiling, 3)
        )
        row["page_cache"] = {"hello": None, "cached": True, "uncached": False}[server]
        if page in light_runs:
            one = median_row(light_runs[page])
            row |= {"one_client_p50_ms": one["p50_ms"], "one_client_p95_ms": one["p95_ms"]}
        path = paths[0] if len(paths) == 1 else f"{len(paths)} paths"
        rows.append({"page": page, "path": path, **row})
    limits = {"search": GOALS["search_p95_ms"], "shopping list": GOALS["list_p95_ms"]}
    goals = []
    for row in rows:
        if row["page_cache"] is not True:
            continue
        goals.append(
            {
                "page": row["page"],
                "name": f"{row['page']}: requests/s >= 40% of the ceiling",
                "value": row["ratio_to_ceiling"],
                "limit": GOALS["ratio"],
                "met": row["ratio_to_ceiling"] >= GOALS["ratio"],
            }
        )
        if row["page"] in limits:
            limit = limits[row["page"]]
            goals.append(
                {
                    "page": row["page"],
                    "name": f"{row['page']}: p95 <= {limit:g} ms (one client)",
                    "value": row["one_client_p95_ms"],
                    "limit": limit,
                    "met": row["one_client_p95_ms"] <= limit,
                }
            )
    return goals, rows


def profile_page(env: dict[str, str], page: str, paths: list[str], signed_in: bool) -> Path:
    """Profile one page in this process (pyinstrument, 200 requests); the text report's path."""
    from pyinstrument import Profiler

    from recipebox.config import Settings
    from recipebox.web import create_app

    app = create_app(Settings.from_env(env))
    client = app.test_client()
    if signed_in:
        form = client.get("/auth/dev")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
        if token is None:
            raise RuntimeError("no CSRF token on /auth/dev")
        client.post("/auth/dev", data={"csrf_token": token.group(1), "name": SHOPPER})
    for path in paths:  # warm: templates compiled, connections open
        client.get(path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for n in range(200):
        client.get(paths[n % len(paths)])
    profiler.stop()
    out = RESULTS / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"web-{page.replace(' ', '-')}.txt"
    target.write_text(
        profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8"
    )
    print(f"profiled {paths[0]} -> {target}", file=sys.stderr)
    return target


def report(
    args: argparse.Namespace, rows: list[dict[str, Any]], goals: list[dict[str, Any]]
) -> None:
    print(
        f"\n{args.recipes:,} recipes, {args.users:,} users on MariaDB;"
        f" gunicorn {' '.join(SETTINGS)}"
    )
    print(f"wrk -t2 -c{args.connections} -d{args.seconds:g}s, median of {args.rounds} rounds\n")
    print("| page | requests/s | p50 ms | p95 ms | p99 ms | of ceiling | errors | p95, 1 client |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = "-" if r["ratio_to_ceiling"] is None else f"{r['ratio_to_ceiling']:.0%}"
        one = f"{r['one_client_p95_ms']:.1f}" if "one_client_p95_ms" in r else "-"
        print(
            f"| {r['page']} | {r['requests_per_s']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f}"
            f" | {r['p99_ms']:.1f} | {ratio} | {r['errors']} | {one} |"
        )
    print()
    for goal in goals:
        print(f"{'MET    ' if goal['met'] else 'NOT MET'} {goal['name']} (value {goal['value']})")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "web.json"
    payload = {
        "machine": machine(),
        "settings": {
            "recipes": args.recipes,
            "users": args.users,
            "database": "mariadb",
            "gunicorn": SETTINGS,
            "wrk": {"threads": 2, "connections": args.connections, "seconds": args.seconds},
            "rounds": args.rounds,
            "selected_recipes": 15,
        },
        "rows": rows,
        "goals": goals,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
