"""Cold start: a fresh process imports a Lambda handler and answers its first request.

Usage: .venv/bin/python bench/coldstart.py [--rounds 15] [--storages sql,dynamodb,remote]
       [--storage-url URL] [--no-prepare] [--path /]

Compares `recipebox.aws.handlers.web` serving the page at --path on each storage with a
hello-world Flask app on apig-wsgi (bench/hello_app.py), all getting the same REST API event:

- sql: --storage-url, by default a temporary SQLite database migrated and seeded with the
  demo recipes. Target: 2.5x hello-world.
- dynamodb: a table on a moto server started here, created and seeded before timing.
  Target: 1.5x.
- remote: `lambda://`, the split topology's web function: its data function runs `handle()`
  on the sql storage behind a stand-in for the Lambda Invoke API in this process (endpoint
  override in the URL). Target: 1.5x.

Each round starts one fresh `python -c` process per function, in an order that rotates from
round to round. The children see what a deployed function has: bytecode (cached under a
temporary PYTHONPYCACHEPREFIX and compiled by an untimed first run, as the package ships
.pyc files, whatever PYTHONDONTWRITEBYTECODE says here), fake AWS credentials and region in
the environment. moto and the stand-in answer on 127.0.0.1 over HTTP: real AWS adds the
network, a TLS handshake and the service's own time to the first request.

Prints medians of the import, the first request, their sum (what Lambda's init plus first
invocation costs), CPU time and the whole process (interpreter start included), and the
sum's ratio to hello-world's; for a storage that misses its target, the import-time profile
(`python -X importtime`) of the handler's first request. Writes bench/results/coldstart.json:
"rows" (one per function: function, storage, import_ms, first_ms, sum_ms, cpu_ms,
process_ms, ratio, target, met; the hello-world row first, with ratio 1 and no target),
"import_profiles" by storage, "machine", and for the sql row the keys of the earlier
single-storage version (medians_s, samples, ratio_import_first_request, import_profile, ...).
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
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local_services import moto_endpoint, prepare_demo_storage
from machine import describe, summary
from recipebox.aws.events import rest_event

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
HELLO = "hello-world (apig-wsgi)"
WEB = "recipebox web"
TARGETS = {"sql": 2.5, "dynamodb": 1.5, "remote": 1.5}
BROWSER = {
    "Accept": ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    "Accept-Encoding": ["gzip, deflate, br"],
    "Accept-Language": ["en-GB,en;q=0.9"],
    "User-Agent": ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"],
}
# As Lambda sets them for the function's role (fake: only local endpoints are called).
LAMBDA_AWS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
DATA_FUNCTION = "recipebox-bench-data"
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
HANDLERS = {WEB: ("recipebox.aws.handlers", "web"), HELLO: ("hello_app", "lambda_handler")}
KEYS = ("import_s", "first_s", "total_s", "cpu_s", "process_s")


# --- storages ---------------------------------------------------------------------------------
class _InvokeApi(BaseHTTPRequestHandler):
    """POST /2015-03-31/functions/NAME/invocations runs the data protocol on the server's store."""

    server: InvokeApi
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        from recipebox.store.remote.server import handle

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != f"/2015-03-31/functions/{DATA_FUNCTION}/invocations":
            self.send_error(404)
            return
        payload = json.dumps(handle(self.server.store, json.loads(body))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class InvokeApi(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, store: Any) -> None:
        self.store = store
        super().__init__(("127.0.0.1", 0), _InvokeApi)


@contextmanager
def data_function(storage_url: str) -> Iterator[str]:
    """The lambda:// URL of a data function serving `storage_url` (a warm one: in this process)."""
    from recipebox.store import open_store

    store = open_store(storage_url)
    api = InvokeApi(store)
    thread = threading.Thread(target=api.serve_forever, daemon=True)
    thread.start()
    try:
        port = api.server_address[1]
        yield f"lambda://{DATA_FUNCTION}?region=us-east-1&endpoint_url=http://127.0.0.1:{port}"
    finally:
        api.shutdown()
        api.server_close()
        store.close()


# --- measuring ----------------------------------------------------------------------------------
def child_env(storage_url: str, pycache: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RECIPEBOX_", "AWS_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        LAMBDA_AWS,
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH")])),
        PYTHONPYCACHEPREFIX=pycache,
        AWS_LAMBDA_FUNCTION_NAME="recipebox-bench",
        RECIPEBOX_DATABASE_URL=storage_url,
        RECIPEBOX_SECRET_KEY="bench-secret-key-0123456789abcdef",
        RECIPEBOX_LOG_LEVEL="WARNING",
    )
    return env


def run_once(handler: str, event: str, env: dict[str, str], *flags: str) -> dict[str, Any]:
    module, function = HANDLERS[handler]
    command = [sys.executable, *flags, "-c", DRIVER, module, function, event]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{handler} failed:\n{done.stderr}")
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["status"] != 200:
        raise SystemExit(f"{handler} answered {measured['status']}, not 200")
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


def row(name: str, storage: str, m: dict[str, float], hello: dict[str, float]) -> dict[str, Any]:
    target = TARGETS.get(storage)
    ratio = m["total_s"] / hello["total_s"]
    return {
        "function": name,
        "storage": storage,
        "import_ms": m["import_s"] * 1000,
        "first_ms": m["first_s"] * 1000,
        "sum_ms": m["total_s"] * 1000,
        "cpu_ms": m["cpu_s"] * 1000,
        "process_ms": m["process_s"] * 1000,
        "ratio": ratio,
        "ratio_cpu": m["cpu_s"] / hello["cpu_s"],
        "ratio_process": m["process_s"] / hello["process_s"],
        "target": target,
        "met": None if target is None else ratio <= target,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--storages", default="sql,dynamodb,remote", help="comma-separated")
    parser.add_argument("--storage-url", help="the sql storage (default: temporary SQLite)")
    parser.add_argument("--no-prepare", action="store_true", help="do not migrate and seed it")
    parser.add_argument("--path", default="/", help="page to request (default: /)")
    args = parser.parse_args()
    storages = [s.strip() for s in args.storages.split(",") if s.strip()]
    unknown = set(storages) - set(TARGETS)
    if unknown:
        parser.error(f"unknown storage(s): {', '.join(sorted(unknown))}")
    machine = describe()
    print(f"machine: {summary(machine)}", flush=True)

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        os.environ.update(LAMBDA_AWS)  # for preparing the table, and the data function
        sql_url = args.storage_url or f"sqlite:///{tmp}/coldstart.db"
        if not args.no_prepare:
            prepare_demo_storage(sql_url)
        urls: dict[str, str] = {}
        if "sql" in storages:
            urls["sql"] = sql_url
        if "dynamodb" in storages:
            endpoint = stack.enter_context(moto_endpoint())
            table = f"coldstart-{uuid.uuid4().hex[:8]}"
            urls["dynamodb"] = f"dynamodb://{table}?region=us-east-1&endpoint_url={endpoint}"
            prepare_demo_storage(urls["dynamodb"])
        if "remote" in storages:
            urls["remote"] = stack.enter_context(data_function(sql_url))
        pycache = f"{tmp}/pycache"
        runs = {HELLO: (HELLO, child_env(sql_url, pycache))}
        runs.update({s: (WEB, child_env(url, pycache)) for s, url in urls.items()})
        event = json.dumps(rest_event(path=args.path, stage="dev", headers=BROWSER))
        for handler, env in runs.values():  # compile bytecode and warm the file cache, untimed
            run_once(handler, event, env)
        samples: dict[str, list[dict[str, Any]]] = {name: [] for name in runs}
        names = list(runs)
        for round_no in range(args.rounds):
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                handler, env = runs[name]
                samples[name].append(run_once(handler, event, env))
        profiles = {
            s: import_profile(run_once(WEB, event, runs[s][1], "-X", "importtime")["importtime"])
            for s in urls
        }

    medians = {
        name: {key: statistics.median(s[key] for s in runs_) for key in KEYS}
        for name, runs_ in samples.items()
    }
    hello = medians[HELLO]
    rows = [row(HELLO, "-", hello, hello)]
    rows += [row(WEB, storage, medians[storage], hello) for storage in urls]

    print(f"cold start, {args.rounds} fresh processes each, interleaved (medians, ms)")
    header = f"{'function':24} {'storage':9} {'import':>7} {'1st req':>7} {'sum':>7} {'CPU':>7}"
    print(f"{header} {'process':>7} {'ratio':>6} {'CPU x':>6}  target (on the sum)")
    for r in rows:
        verdict = ""
        if r["target"] is not None:
            verdict = f"<= {r['target']:g}x " + ("met" if r["met"] else "MISSED")
        cells = " ".join(
            f"{r[k]:7.0f}" for k in ("import_ms", "first_ms", "sum_ms", "cpu_ms", "process_ms")
        )
        ratios = f"{r['ratio']:5.2f}x {r['ratio_cpu']:5.2f}x"
        print(f"{r['function']:24} {r['storage']:9} {cells} {ratios}  {verdict}")
    for r in rows[1:]:
        if r["met"]:
            continue
        profile = profiles[r["storage"]]
        print(f"\n{r['storage']}: import-time profile of the handler's first request (one run):")
        for name, ms in profile["cumulative_ms"]:
            print(f"  {ms:8.1f} ms  {name}")
        print("self time by top-level package:")
        for name, ms in profile["package_self_ms"]:
            print(f"  {ms:8.1f} ms  {name}")

    document: dict[str, Any] = {
        "path": args.path,
        "rounds": args.rounds,
        "machine": machine,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "targets": TARGETS,
        "rows": rows,
        "import_profiles": profiles,
        "samples_by_storage": {
            name: [{k: s[k] for k in KEYS} for s in runs_] for name, runs_ in samples.items()
        },
    }
    if "sql" in urls:  # the single-storage version's keys (bench/report.py reads them)
        sql = next(r for r in rows if r["storage"] == "sql")
        document.update(
            storage=sql_url.partition(":")[0] if args.storage_url else "sqlite (temporary)",
            target_ratio=TARGETS["sql"],
            ratio_import_first_request=sql["ratio"],
            ratio_cpu=sql["ratio_cpu"],
            ratio_process=sql["ratio_process"],
            medians_s={WEB: medians["sql"], HELLO: hello},
            samples={
                WEB: document["samples_by_storage"]["sql"],
                HELLO: document["samples_by_storage"][HELLO],
            },
            import_profile=profiles["sql"],
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "coldstart.json"
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
