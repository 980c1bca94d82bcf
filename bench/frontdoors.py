"""Cold and warm request times through the Lambda emulator, for each front door.

Usage: .venv/bin/python bench/frontdoors.py [--rounds 7] [--requests 100] [--launcher driver]
       [--keep-alive] [--page-cache SECONDS]

The emulator (recipebox.aws.emulator, what `recipebox lambda serve` runs) invokes the handler
in its own process, once per request, like one warm container; nothing is cached before the
first invocation, which builds the settings, the storage and the Flask app (the handler
module's Container). So a cold start is a fresh emulator process: its first request pays what
a new Lambda container's first invocation pays.

Every round starts one fresh process per front door (REST API, HTTP API payload 2.0, Function
URL, ALB; the emulator's defaults: stages "dev"), one after the other in an order that rotates
from round to round, and times, over real HTTP on 127.0.0.1:
- start: spawn until the port answers (interpreter, emulator and handler module imports);
- cold: the first GET of the home page (Flask, SQLAlchemy and the app built, first query);
- warm: --requests further GETs per front door, taken in turns across the four processes, so
  that machine noise hits all front doors alike.
Each request opens its own connection: on a kept-alive one the emulator (http.server writes
the headers and the body in two sends, Nagle's algorithm on) waits for the client's delayed
ACK, ~40 ms per request that AWS does not add; --keep-alive measures that too.
The storage is a temporary SQLite database, migrated and seeded with the demo recipes before
the first round. The app's page cache keeps its default unless --page-cache says otherwise
(0: off, every request renders). --launcher cli runs `recipebox lambda serve` itself instead
of the driver; it migrates and checks the storage before it listens, so its first request
finds SQLAlchemy imported and the database opened: less cold than on Lambda.

Prints a table and writes bench/results/frontdoors.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_services import prepare_demo_storage
from machine import describe, summary
from recipebox.aws.emulator.local import local_environment

RESULTS = Path(__file__).resolve().parent / "results"
SHAPES = {"rest": "REST API", "http": "HTTP API 2.0", "url": "Function URL", "alb": "ALB"}
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-GB,en;q=0.9",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
}
# Runs in the fresh process: the emulator as `recipebox lambda serve` builds it, on port 0.
DRIVER = """
import sys
from recipebox.aws.emulator import DEFAULT_HANDLER, EmulatorServer, front_door, load_handler
server = EmulatorServer(
    ("127.0.0.1", 0), front_door(sys.argv[1]), load_handler(DEFAULT_HANDLER), quiet=True
)
print(server.url, flush=True)
server.serve_forever()
"""
START_TIMEOUT = 60.0


def child_env(storage_url: str, page_cache: float | None) -> dict[str, str]:
    """The environment `recipebox lambda serve` gives its handler, on the prepared storage."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECIPEBOX_")}
    env.update(
        RECIPEBOX_SECRET_KEY="bench-secret-key-0123456789abcdef",
        RECIPEBOX_LOG_LEVEL="WARNING",
    )
    if page_cache is not None:
        env["RECIPEBOX_PAGE_CACHE_SECONDS"] = str(page_cache)
    local_environment(env, database_url=storage_url)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Function:
    """One fresh emulator process, and the client's connection to it."""

    shape: str
    process: subprocess.Popen[str]
    url: str
    start_s: float
    keep_alive: bool
    connection: http.client.HTTPConnection | None = None
    host: str = field(init=False)
    port: int = field(init=False)
    path: str = field(init=False)

    def __post_init__(self) -> None:
        host, _, port = self.url.split("/")[2].partition(":")
        self.host, self.port, self.path = host, int(port), "/" + self.url.split("/", 3)[3]

    def get(self) -> tuple[float, int]:
        """GET the home page; return the seconds it took (connecting included) and its size."""
        started = time.perf_counter()
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = BROWSER if self.keep_alive else {**BROWSER, "Connection": "close"}
        self.connection.request("GET", self.path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        if not self.keep_alive:
            self.connection.close()
            self.connection = None
        elapsed = time.perf_counter() - started
        if response.status != 200 or b"</html>" not in body:
            raise SystemExit(f"{self.shape}: {response.status} for {self.url}: {body[:300]!r}")
        return elapsed, len(body)

    def stop(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start(shape: str, env: dict[str, str], launcher: str, keep_alive: bool) -> Function:
    """Start a fresh emulator process; return it once its port answers."""
    if launcher == "cli":
        port = str(free_port())
        command = [sys.executable, "-m", "recipebox.cli", "lambda", "serve", "--shape", shape]
        command += ["--port", port]
    else:
        command = [sys.executable, "-c", DRIVER, shape]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"{shape}: the emulator exited with {process.wait()}")
        if "http://127.0.0.1:" in line:
            url = "http://" + line.split("http://", 1)[1].split()[0]
            break
        if time.perf_counter() - started > START_TIMEOUT:
            process.kill()
            raise SystemExit(f"{shape}: the emulator did not start in {START_TIMEOUT:.0f} s")
    return Function(shape, process, url, time.perf_counter() - started, keep_alive)


@contextmanager
def fresh_functions(
    order: list[str], env: dict[str, str], args: argparse.Namespace
) -> Iterator[list[tuple[Function, float, int]]]:
    """Start one fresh process per shape, in order, each timed with its first request."""
    functions: list[Function] = []
    try:
        measured = []
        for shape in order:
            function = start(shape, env, args.launcher, args.keep_alive)
            functions.append(function)
            cold_s, size = function.get()
            measured.append((function, cold_s, size))
        yield measured
    finally:
        for function in functions:
            function.stop()


def percentile(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="fresh processes per front door")
    parser.add_argument(
        "--requests", type=int, default=100, help="warm requests per front door and round"
    )
    parser.add_argument(
        "--launcher",
        choices=["driver", "cli"],
        default="driver",
        help="driver: the emulator alone (default); cli: `recipebox lambda serve`",
    )
    parser.add_argument(
        "--keep-alive", action="store_true", help="one connection per process, not per request"
    )
    parser.add_argument(
        "--page-cache",
        type=float,
        metavar="SECONDS",
        help="RECIPEBOX_PAGE_CACHE_SECONDS for the app (default: the app's own, 0: off)",
    )
    args = parser.parse_args()
    machine = describe()  # before the measurements: the load average says what else ran

    shapes = list(SHAPES)
    start_s: dict[str, list[float]] = {shape: [] for shape in shapes}
    cold_s: dict[str, list[float]] = {shape: [] for shape in shapes}
    warm_s: dict[str, list[float]] = {shape: [] for shape in shapes}
    body_bytes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        storage_url = f"sqlite:///{tmp}/frontdoors.db"
        prepare_demo_storage(storage_url)
        env = child_env(storage_url, args.page_cache)
        with fresh_functions(shapes, env, args):  # compile bytecode, warm the file cache
            pass
        for round_no in range(args.rounds):
            order = shapes[round_no % len(shapes) :] + shapes[: round_no % len(shapes)]
            with fresh_functions(order, env, args) as measured:
                for function, first_s, size in measured:
                    start_s[function.shape].append(function.start_s)
                    cold_s[function.shape].append(first_s)
                    body_bytes[function.shape] = size
                for _ in range(args.requests):
                    for function, _, _ in measured:
                        warm_s[function.shape].append(function.get()[0])
            print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    rows = []
    for shape in shapes:
        cold, warm, started = cold_s[shape], warm_s[shape], start_s[shape]
        rows.append(
            {
                "front_door": shape,
                "description": SHAPES[shape],
                "start_ms_median": statistics.median(started) * 1000,
                "cold_ms_median": statistics.median(cold) * 1000,
                "cold_ms_min": min(cold) * 1000,
                "cold_ms_max": max(cold) * 1000,
                "start_plus_cold_ms_median": statistics.median(
                    [s + c for s, c in zip(started, cold, strict=True)]
                )
                * 1000,
                "warm_ms_median": statistics.median(warm) * 1000,
                "warm_ms_p95": percentile(warm, 95) * 1000,
                "warm_ms_min": min(warm) * 1000,
                "warm_requests": len(warm),
                "cold_starts": len(cold),
                "body_bytes": body_bytes[shape],
                "cold_ms_samples": [round(s * 1000, 2) for s in cold],
                "start_ms_samples": [round(s * 1000, 2) for s in started],
            }
        )

    print(f"\nhome page through the emulator, {summary(machine)}")
    cache = "app default" if args.page_cache is None else f"{args.page_cache:g} s"
    print(
        f"launcher {args.launcher}, {args.rounds} fresh processes per front door, "
        f"{args.requests} warm requests each per round (interleaved), "
        f"{'keep-alive' if args.keep_alive else 'a connection per request'}, "
        f"page cache {cache}, SQLite with the demo recipes"
    )
    print(
        f"{'front door':14} {'start':>8} {'cold':>8} {'start+cold':>11} "
        f"{'warm med':>9} {'warm p95':>9}  (ms; medians unless said)"
    )
    for row in rows:
        print(
            f"{row['description']:14} {row['start_ms_median']:8.0f} {row['cold_ms_median']:8.0f} "
            f"{row['start_plus_cold_ms_median']:11.0f} {row['warm_ms_median']:9.1f} "
            f"{row['warm_ms_p95']:9.1f}"
        )

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "frontdoors.json"
    settings = {
        "rounds": args.rounds,
        "requests_per_round": args.requests,
        "launcher": args.launcher,
        "page": "/ (home, anonymous, browser headers)",
        "storage": "sqlite (temporary, demo recipes)",
        "stages": "emulator defaults: REST and HTTP API stage dev, Function URL and ALB none",
        "client": "http.client on 127.0.0.1, "
        + (
            "one keep-alive connection per process"
            if args.keep_alive
            else "a connection per request"
        ),
        "page_cache_seconds": args.page_cache if args.page_cache is not None else "app default",
        "command": " ".join([".venv/bin/python", "bench/frontdoors.py", *sys.argv[1:]]),
    }
    payload = {"machine": machine, "settings": settings, "rows": rows}
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
