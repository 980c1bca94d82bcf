"""Cold start: a fresh process imports a Lambda handler and answers its first request.

Usage: .venv/bin/python bench/coldstart.py [--rounds 15] [--storage-url URL] [--path /]

Compares `recipebox.aws.handlers.web` (the site's page at --path, on the storage at
--storage-url: by default a temporary SQLite database migrated and seeded with the demo
recipes) with a hello-world Flask app on apig-wsgi (bench/hello_app.py). Both get the same
REST API event, each round starts one fresh `python -c` process per function, interleaved.
Prints medians of the import, the first request, their sum (what Lambda's init plus first
invocation costs) and the whole process (interpreter start included), and the ratio to
hello-world; writes bench/results/coldstart.json. When the ratio misses the 2.5x target, it
also prints the import-time profile (`python -X importtime`) of the handler's first request.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from recipebox.aws.events import rest_event

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
TARGET = 2.5
BROWSER = {
    "Accept": ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    "Accept-Encoding": ["gzip, deflate, br"],
    "Accept-Language": ["en-GB,en;q=0.9"],
    "User-Agent": ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
}
# Runs in the fresh process: json, sys and time load before the clock starts, for both.
DRIVER = """
import json, sys, time
started, cpu_started = time.perf_counter(), time.process_time()
import importlib
handler = getattr(importlib.import_module(sys.argv[1]), sys.argv[2])
imported = time.perf_counter()
result = handler(json.loads(sys.argv[3]), None)
answered, cpu_answered = time.perf_counter(), time.process_time()
print(json.dumps({"import_s": imported - started, "first_s": answered - imported,
                  "cpu_s": cpu_answered - cpu_started,
                  "status": result["statusCode"], "body_chars": len(result.get("body") or "")}))
"""
FUNCTIONS = {
    "recipebox web": ("recipebox.aws.handlers", "web"),
    "hello-world (apig-wsgi)": ("hello_app", "lambda_handler"),
}


def prepare_storage(url: str) -> None:
    """Migrate the storage and add the demo recipes (idempotent)."""
    from recipebox.services.seeding import load_demo
    from recipebox.store import open_store

    store = open_store(url)
    try:
        store.upgrade()
        load_demo(store)
    finally:
        store.close()


def child_env(storage_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECIPEBOX_")}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")])),
        AWS_LAMBDA_FUNCTION_NAME="recipebox-bench",
        RECIPEBOX_DATABASE_URL=storage_url,
        RECIPEBOX_SECRET_KEY="bench-secret-key-0123456789abcdef",
        RECIPEBOX_LOG_LEVEL="WARNING",
    )
    return env


def run_once(name: str, event: str, env: dict[str, str], *flags: str) -> dict[str, Any]:
    module, function = FUNCTIONS[name]
    command = [sys.executable, *flags, "-c", DRIVER, module, function, event]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["status"] != 200:
        raise SystemExit(f"{name} answered {measured['status']}, not 200")
    measured["total_s"] = measured["import_s"] + measured["first_s"]
    measured["process_s"] = wall
    measured["importtime"] = done.stderr if flags else ""
    return measured


def import_profile(stderr: str, top: int = 15) -> dict[str, list[tuple[str, float]]]:
    """Top imports by cumulative time (first two nesting levels), top packages by self time."""
    cumulative: list[tuple[str, float]] = []
    packages: dict[str, float] = defaultdict(float)
    pattern = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    for line in stderr.splitlines():
        match = pattern.match(line)
        if match is None:
            continue
        own, total, depth, name = int(match[1]), int(match[2]), len(match[3]) // 2, match[4]
        packages[name.split(".")[0]] += own / 1000
        if depth <= 1:
            cumulative.append((name, total / 1000))
    return {
        "cumulative_ms": sorted(cumulative, key=lambda item: -item[1])[:top],
        "package_self_ms": sorted(packages.items(), key=lambda item: -item[1])[:top],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--storage-url", help="storage to serve (default: temporary SQLite)")
    parser.add_argument("--no-prepare", action="store_true", help="do not migrate and seed it")
    parser.add_argument("--path", default="/", help="page to request (default: /)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        storage_url = args.storage_url or f"sqlite:///{tmp}/coldstart.db"
        if not args.no_prepare:
            prepare_storage(storage_url)
        env = child_env(storage_url)
        event = json.dumps(rest_event(path=args.path, stage="dev", headers=BROWSER))
        for name in FUNCTIONS:  # compile bytecode and warm the file cache, untimed
            run_once(name, event, env)
        samples: dict[str, list[dict[str, Any]]] = {name: [] for name in FUNCTIONS}
        for round_no in range(args.rounds):
            order = list(FUNCTIONS) if round_no % 2 == 0 else list(reversed(FUNCTIONS))
            for name in order:
                samples[name].append(run_once(name, event, env))
        profile_run = run_once("recipebox web", event, env, "-X", "importtime")

    keys = ("import_s", "first_s", "total_s", "cpu_s", "process_s")
    medians = {
        name: {key: statistics.median(s[key] for s in runs) for key in keys}
        for name, runs in samples.items()
    }
    ours, hello = medians["recipebox web"], medians["hello-world (apig-wsgi)"]
    ratio = ours["total_s"] / hello["total_s"]
    cpu_ratio = ours["cpu_s"] / hello["cpu_s"]
    process_ratio = ours["process_s"] / hello["process_s"]
    storage = storage_url.partition(":")[0] if args.storage_url else "sqlite (temporary)"

    print(f"cold start, {args.rounds} fresh processes each, interleaved; storage: {storage}")
    print(
        f"{'function':26} {'import':>9} {'1st req':>9} {'sum':>9} {'sum CPU':>9} {'process':>9}"
        "  (medians)"
    )
    for name, m in medians.items():
        cells = " ".join(f"{m[key] * 1000:7.0f}ms" for key in keys)
        print(f"{name:26} {cells}")
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(
        f"ratio recipebox / hello-world: {ratio:.2f}x import+first request "
        f"(target <= {TARGET}x: {verdict}), {cpu_ratio:.2f}x in CPU time, "
        f"{process_ratio:.2f}x whole process"
    )
    profile = import_profile(profile_run["importtime"])
    if ratio > TARGET:
        print("\nimport-time profile of the handler's first request (one run):")
        for name, ms in profile["cumulative_ms"]:
            print(f"  {ms:8.1f} ms  {name}")
        print("self time by top-level package:")
        for name, ms in profile["package_self_ms"]:
            print(f"  {ms:8.1f} ms  {name}")

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "coldstart.json"
    out.write_text(
        json.dumps(
            {
                "storage": storage,
                "path": args.path,
                "rounds": args.rounds,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "target_ratio": TARGET,
                "ratio_import_first_request": ratio,
                "ratio_cpu": cpu_ratio,
                "ratio_process": process_ratio,
                "medians_s": medians,
                "samples": {
                    name: [{k: s[k] for k in keys} for s in runs] for name, runs in samples.items()
                },
                "import_profile": profile,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
