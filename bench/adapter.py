"""Per-event overhead of Lambda <-> WSGI adapters, on one trivial Flask route, against the floor.

Usage: .venv/bin/python bench/adapter.py [--rounds 15] [--calls 1000]

Every adapter serves bench/hello_app.py's `/` from the same events (REST API, HTTP API 2.0,
Function URL, ALB; built by recipebox.aws.events with a browser's headers), each call getting
a freshly parsed copy, as from the Lambda runtime. The floor calls the WSGI app directly with
a prebuilt environ (built untimed from a fresh copy; body joined, close() called: what any
adapter must do at least). Peers: apig-wsgi, serverless-wsgi, Zappa (its real
LambdaHandler.handler, settings for production: debug off, log level WARNING; its defaults
log every event), Mangum + a2wsgi. A peer whose answer for a shape is not 200 "Hello, world!"
gets "n/a". Rounds are interleaved (the order rotates), each timing `--calls` calls per
adapter and shape in CPU time; the table shows the median per event and its ratio to the floor.
Writes bench/results/adapter.json.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import platform
import statistics
import sys
import time
import types
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hello_app import app
from recipebox.aws import events
from recipebox.aws.emulator import LambdaContext
from recipebox.aws.lambda_http import make_handler
from recipebox.aws.lambda_http.environ import TRANSLATORS, Mount
from recipebox.aws.lambda_http.shapes import detect_shape

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
RESULTS = Path(__file__).resolve().parent / "results"
FLOOR = "WSGI app, prebuilt environ (floor)"
OURS = "recipebox lambda_http"
EXPECTED = b"Hello, world!"
CHUNK = 8  # calls timed together; their inputs fit in the CPU cache

BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "en-GB,en;q=0.9",
    "Cache-Control": "max-age=0",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "none",
    "Upgrade-Insecure-Requests": "1",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
}
COOKIES = ["recipebox_session=eyJ1aWQiOiIwMUoifQ.Zx1.abc", "theme=dark"]


def shape_events() -> dict[str, dict[str, Any]]:
    multi = {k: [v] for k, v in BROWSER.items()} | {"Cookie": ["; ".join(COOKIES)]}
    lower = {k.lower(): v for k, v in BROWSER.items()}
    return {
        "REST": events.rest_event(path="/", stage="dev", headers=multi),
        "HTTP 2.0": events.http_v2_event(raw_path="/", headers=lower, cookies=COOKIES),
        "Function URL": events.function_url_event(raw_path="/", headers=lower, cookies=COOKIES),
        "ALB": events.alb_event(
            path="/", headers={k.lower(): v for k, v in multi.items()}, multi_value=False
        ),
    }


# --- the adapters --------------------------------------------------------------------------


def floor_input(event_json: str) -> dict[str, Any]:
    """The floor's input: a ready environ, built (untimed) by our translator from a fresh event."""
    event = json.loads(event_json)
    return TRANSLATORS[detect_shape(event)](event, Mount())


def floor_handler() -> Handler:
    """Call the app with a ready environ: what any adapter must do at least."""

    def handler(environ: dict[str, Any], context: Any) -> dict[str, Any]:
        started: list[Any] = []

        def start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return None

        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return {"statusCode": int(started[0][:3]), "body": body.decode(), "isBase64Encoded": False}

    return handler


def apig_wsgi_handler() -> Handler:
    from apig_wsgi import make_lambda_handler

    return make_lambda_handler(app, binary_support=True)


def serverless_wsgi_handler() -> Handler:
    import serverless_wsgi

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        result: dict[str, Any] = serverless_wsgi.handle_request(app, event, context)
        return result

    return handler


def zappa_handler() -> Handler:
    """Zappa's own LambdaHandler, configured by a settings module as `zappa package` writes."""
    settings = types.ModuleType("zappa_bench_settings")
    settings.__dict__.update(
        API_STAGE="dev",
        PROJECT_NAME="bench",
        APP_MODULE="hello_app",
        APP_FUNCTION="app",
        BINARY_SUPPORT=True,
        CONTEXT_HEADER_MAPPINGS={},
        DEBUG=False,
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS=None,
        DOMAIN=None,
        BASE_PATH=None,
        ENVIRONMENT_VARIABLES={},
        REMOTE_ENV=None,
        EXCEPTION_HANDLER=None,
        AWS_EVENT_MAPPING={},
        AWS_BOT_EVENT_MAPPING={},
        COGNITO_TRIGGER_MAPPING={},
    )
    sys.modules["zappa_bench_settings"] = settings
    from zappa.handler import LambdaHandler

    handler: Handler = LambdaHandler("zappa_bench_settings").handler
    return handler


def mangum_handler() -> Handler:
    from a2wsgi import WSGIMiddleware
    from mangum import Mangum

    mangum = Mangum(WSGIMiddleware(app), lifespan="off")  # type: ignore[arg-type]

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        result: dict[str, Any] = mangum(event, context)
        return result

    return handler


ADAPTERS: dict[str, Callable[[], Handler]] = {
    FLOOR: floor_handler,
    OURS: lambda: make_handler(app),
    "apig-wsgi": apig_wsgi_handler,
    "serverless-wsgi": serverless_wsgi_handler,
    "Zappa": zappa_handler,
    "Mangum + a2wsgi": mangum_handler,
}


# How each call's input is made from the event's JSON, untimed: a fresh object per call, as
# the Lambda runtime parses each event (cached string hashes would flatter reused objects).
PREPARE: dict[str, Callable[[str], Any]] = {FLOOR: floor_input}


def answers_hello(handler: Handler, given: Any, context: Any) -> str | None:
    """None when the handler answers 200 "Hello, world!", else why not."""
    try:
        result = handler(given, context)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    if result.get("statusCode") != 200 or raw != EXPECTED:
        return f"answered {result.get('statusCode')} {raw[:40]!r}"
    return None


def time_batch(handler: Handler, make_input: Callable[[], Any], context: Any, calls: int) -> float:
    """Return the CPU time per call (this process, all threads: steadier than wall time on a
    shared machine, and what a Lambda container's CPU share pays for).

    Inputs are made untimed, CHUNK at a time just before their calls, so each is fresh yet
    still in the CPU cache, like an event the runtime has just parsed.
    """
    gc.collect()
    elapsed = 0.0
    for _ in range(0, calls, CHUNK):
        inputs = [make_input() for _ in range(CHUNK)]
        started = time.process_time()
        for given in inputs:
            handler(given, context)
        elapsed += time.process_time() - started
    return elapsed / (CHUNK * -(-calls // CHUNK))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=1000, help="calls per batch")
    args = parser.parse_args()

    context = LambdaContext("bench")
    shapes = shape_events()
    handlers = {name: build() for name, build in ADAPTERS.items()}
    skipped: dict[tuple[str, str], str] = {}
    cases: list[tuple[str, str, Handler, Callable[[], Any]]] = []
    for name, handler in handlers.items():
        prepare = PREPARE.get(name, json.loads)
        for shape, event in shapes.items():
            event_json = json.dumps(event)
            reason = answers_hello(handler, prepare(event_json), context)
            if reason is None:
                cases.append((name, shape, handler, partial(prepare, event_json)))
            else:
                skipped[name, shape] = reason

    samples: dict[tuple[str, str], list[float]] = {(n, s): [] for n, s, _, _ in cases}
    for round_no in range(args.rounds):
        shift = round_no % len(cases)
        for name, shape, handler, make_input in cases[shift:] + cases[:shift]:
            samples[name, shape].append(time_batch(handler, make_input, context, args.calls))

    medians = {key: statistics.median(values) for key, values in samples.items()}
    print(f"per-event time, median of {args.rounds} interleaved rounds of {args.calls} calls")
    print(f"{'adapter':36}" + "".join(f"{shape:>22}" for shape in shapes))
    for name in handlers:
        cells = []
        for shape in shapes:
            if (name, shape) not in medians:
                cells.append(f"{'n/a':>22}")
                continue
            us = medians[name, shape] * 1e6
            ratio = medians[name, shape] / medians[FLOOR, shape]
            cells.append(f"{us:11.1f} us {ratio:5.2f}x")
        print(f"{name:36}" + "".join(cells))
    for (name, shape), reason in skipped.items():
        print(f"n/a: {name} on {shape}: {reason}")

    verdicts = {}
    for shape in shapes:
        ours = medians[OURS, shape]
        peers = [
            medians[n, shape] for n in handlers if n not in (FLOOR, OURS) and (n, shape) in medians
        ]
        verdicts[shape] = {
            "ratio_to_floor": ours / medians[FLOOR, shape],
            "within_1_10x": ours / medians[FLOOR, shape] <= 1.10,
            "faster_than_every_peer": all(ours < peer for peer in peers),
        }
    met = all(v["within_1_10x"] and v["faster_than_every_peer"] for v in verdicts.values())
    goal = "ours <= 1.10x floor and faster than every peer, every shape"
    print(f"goal ({goal}): {'met' if met else 'MISSED'}")

    RESULTS.mkdir(exist_ok=True)
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe as describe_machine

    out = RESULTS / "adapter.json"
    out.write_text(
        json.dumps(
            {
                "rounds": args.rounds,
                "calls_per_batch": args.calls,
                "python": platform.python_version(),
                "machine": describe_machine(),
                "arch": platform.machine(),
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "median_us": {
                    name: {s: medians[name, s] * 1e6 for s in shapes if (name, s) in medians}
                    for name in handlers
                },
                "not_applicable": {f"{n} / {s}": r for (n, s), r in skipped.items()},
                "verdicts": verdicts,
                "goal_met": met,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
