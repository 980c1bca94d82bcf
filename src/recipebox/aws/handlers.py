"""AWS Lambda entry points: ``web`` serves the site behind any HTTP front door; ``data`` serves
the storage interface to it in the split topology (``recipebox.store.remote`` protocol).

Importing this module is cheap on purpose (no Flask, no SQLAlchemy): the settings, the storage
(its engine) and the app are built on the first invocation and kept for the container's life,
in the module's ``Container``. Configuration is ``Settings.from_env()``: ``RECIPEBOX_*``
variables, and on Lambda (``AWS_LAMBDA_FUNCTION_NAME`` set) a one-connection pool;
``RECIPEBOX_BASE_PATH`` is a custom domain's base-path mapping, given to the adapter.

``web`` also answers direct invocations (``aws lambda invoke --payload '{"recipebox": "check"}'``)
with a fixed table of management commands; a command is a name, never code:

==============  ==============================================================  ==========
command         does                                                            database
==============  ==============================================================  ==========
``db-upgrade``  create or migrate the schema                                    yes
``seed-demo``   add the demo recipes that are not there yet                     yes
``check``       ``services.checks.run_checks``: storage current, secret key     yes
``warmup``      build the app if this container has not yet; nothing else      no
==============  ==============================================================  ==========

An EventBridge scheduled event (``"source": "aws.events"``, ``"detail-type": "Scheduled
Event"``) is a warm-up. A command answers ``{"ok": true, "command": ..., ...}``; an unknown
command or a domain error (storage unreachable, schema missing) answers ``{"ok": false,
"error": ...}``; any other exception fails the invocation, its traceback in the log.

Events that are neither HTTP requests nor commands (SQS, S3, other EventBridge events, ...)
raise ``lambda_http.UnsupportedEvent``: the invocation fails loudly, so an event source wired
here by mistake shows up as errors, and SQS messages return to their queue (and its
dead-letter queue) instead of being acknowledged unprocessed.

Logging goes to the root logger's handlers: on Lambda the runtime's, which write to stdout
(CloudWatch) with the request id; elsewhere a stdout handler is added when there is none. The
level is ``AWS_LAMBDA_LOG_LEVEL`` (Lambda's advanced logging controls), else
``RECIPEBOX_LOG_LEVEL``, else INFO. Neither the database URL (it may hold a password) nor the
secret key is ever logged: storage appears as its URL scheme only.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from recipebox.aws.lambda_http import LambdaHandler, make_handler
from recipebox.config import Settings
from recipebox.domain.errors import RecipeboxError

if TYPE_CHECKING:
    from flask import Flask

    from recipebox.store.protocol import Store

__all__ = [
    "COMMANDS",
    "COMMAND_KEY",
    "DATA_COMMANDS",
    "Container",
    "container",
    "data",
    "reset",
    "run_command",
    "web",
]

log = logging.getLogger("recipebox.aws.handlers")

COMMAND_KEY: Final = "recipebox"
WARMUP: Final = "warmup"
Result = dict[str, Any]


class Container:
    """What one Lambda container builds once, on first use, and reuses for every invocation."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        self._lock = threading.Lock()
        self._settings: Settings | None = None
        self._store: Store | None = None
        self._app: Flask | None = None
        self._http: LambdaHandler | None = None
        self.invocations = 0

    @property
    def warm(self) -> bool:
        """Whether the app is built already."""
        return self._http is not None

    def settings(self) -> Settings:
        """The settings, read from the environment once (logging is configured then too)."""
        if self._settings is None:
            with self._lock:
                if self._settings is None:
                    configure_logging(os.environ if self._environ is None else self._environ)
                    self._settings = Settings.from_env(self._environ)
        return self._settings

    def store(self) -> Store:
        """The storage (not connected until a query needs it)."""
        if self._store is None:
            settings = self.settings()
            with self._lock:
                if self._store is None:
                    from recipebox.store import open_store  # cold start

                    self._store = open_store(settings.database_url, pool=settings.db_pool)
        return self._store

    def app(self) -> Flask:
        """The Flask app, on the container's storage."""
        if self._app is None:
            settings, store = self.settings(), self.store()
            with self._lock:
                if self._app is None:
                    started = time.perf_counter()
                    from recipebox.web.app import create_app  # cold start

                    self._app = create_app(settings, store=store)
                    log.info(
                        "app ready in %.0f ms (storage: %s, base path: %s)",
                        (time.perf_counter() - started) * 1000,
                        settings.database_url.partition(":")[0],
                        settings.base_path or "none",
                    )
        return self._app

    def http(self) -> LambdaHandler:
        """The Lambda HTTP handler around the app."""
        if self._http is None:
            app = self.app()
            self._http = make_handler(app, base_path=self.settings().base_path or None)
        return self._http

    def close(self) -> None:
        """Release the storage's connections and forget everything built."""
        with self._lock:
            if self._store is not None:
                self._store.close()
            self._settings, self._store, self._app, self._http = None, None, None, None


_container = Container()


def container() -> Container:
    """This process's container (tests read its app and storage)."""
    return _container


def reset(environ: Mapping[str, str] | None = None) -> Container:
    """Close the container and start a fresh one (a new cold start), reading `environ`."""
    global _container
    _container.close()
    _container = Container(environ)
    return _container


def web(event: Any, context: Any) -> Result:
    """Serve an HTTP event through the site, or run a management command; see the module."""
    current = _container
    current.invocations += 1
    if isinstance(event, dict) and (COMMAND_KEY in event or is_schedule(event)):
        return run_command(event, current)
    return current.http()(event, context)


def data(event: Any, context: Any) -> Result:
    """Serve one data-protocol request (the split topology's in-VPC function), or a command.

    Only ever invoked through the Lambda API (IAM: lambda:InvokeFunction on this function),
    never exposed over HTTP. Its storage is built once per container, like ``web``'s.
    """
    current = _container
    current.invocations += 1
    if isinstance(event, dict) and (COMMAND_KEY in event or is_schedule(event)):
        return run_command(event, current, DATA_COMMANDS)
    from recipebox.store.remote.server import handle  # small, pure

    return handle(current.store(), event)


def is_schedule(event: Mapping[str, Any]) -> bool:
    """Whether event is an EventBridge scheduled event (a warm-up ping)."""
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


# --- management commands ---------------------------------------------------------------


def _warmup(current: Container) -> Result:
    cold = not current.warm
    current.http()  # imports and builds everything; opens no database connection
    return {"cold": cold, "invocations": current.invocations}


def _db_upgrade(current: Container) -> Result:
    store = current.store()
    store.upgrade()
    return {"storage": store.check()}


def _seed_demo(current: Container) -> Result:
    from recipebox.services.seeding import load_demo  # a rare command

    return {"added": load_demo(current.store())}


def _check(current: Container) -> Result:
    from recipebox.services.checks import run_checks  # a rare command

    results = run_checks(current.settings(), store=current.store())
    return {"ok": all(r.ok for r in results), "checks": [r.to_dict() for r in results]}


COMMANDS: dict[str, Callable[[Container], Result]] = {
    "check": _check,
    "db-upgrade": _db_upgrade,
    "seed-demo": _seed_demo,
    WARMUP: _warmup,
}


def _data_warmup(current: Container) -> Result:
    cold = current.invocations <= 1
    current.store()  # builds the storage object; opens no connection
    return {"cold": cold, "invocations": current.invocations}


# The data function has no web app: its warm-up builds only the storage.
DATA_COMMANDS: dict[str, Callable[[Container], Result]] = {
    **{name: command for name, command in COMMANDS.items() if name != WARMUP},
    WARMUP: _data_warmup,
}


def run_command(
    event: Mapping[str, Any],
    current: Container | None = None,
    commands: Mapping[str, Callable[[Container], Result]] = COMMANDS,
) -> Result:
    """Run the management command an event names, from `commands` only; see the module."""
    current = current or _container
    name = WARMUP if COMMAND_KEY not in event and is_schedule(event) else event[COMMAND_KEY]
    command = commands.get(name) if isinstance(name, str) else None
    if command is None:
        shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:57] + "..."
        error = f"unknown command {shown}; allowed: {', '.join(sorted(commands))}"
        log.warning("refused: %s", error)
        return {"ok": False, "error": error}
    started = time.perf_counter()
    try:
        outcome = command(current)
    except RecipeboxError as exc:
        log.error("command %s failed: %s", name, exc)
        return {"ok": False, "command": name, "error": str(exc)}
    result: Result = {"ok": True, "command": name, **outcome}
    level = logging.INFO if result["ok"] else logging.ERROR
    elapsed = (time.perf_counter() - started) * 1000
    log.log(level, "command %s: %s in %.0f ms", name, "ok" if result["ok"] else "FAILED", elapsed)
    return result


# --- logging -------------------------------------------------------------------------------


def configure_logging(environ: Mapping[str, str]) -> None:
    """Send recipebox's log records to stdout at the configured level (see the module)."""
    name = environ.get("AWS_LAMBDA_LOG_LEVEL") or environ.get("RECIPEBOX_LOG_LEVEL") or "INFO"
    level = logging.getLevelName(name.strip().upper())
    logging.getLogger("recipebox").setLevel(level if isinstance(level, int) else logging.INFO)
    root = logging.getLogger()
    if not root.handlers:  # the Lambda runtime installs its own handler on stdout
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
