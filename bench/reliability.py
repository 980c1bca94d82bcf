"""Restart MariaDB under load: no acknowledged write lost, fast 503s, recovery within 2 s.

Usage: .venv/bin/python bench/reliability.py [--seconds 60] [--clients 8] [--restarts N]
           [--down 3] [--kill] [--json PATH] [--log PATH]

Starts a private MariaDB (mariadb-install-db and mariadbd in a temporary folder on a free port;
the shared server on 3306 is never touched), migrates it, gives each client its own user and
personal access token, and serves the app with gunicorn as in production (docs/deploy.md
section 6: gthread workers, here 2 x 4 threads). The clients add items to their list and check
or uncheck their own items through /api/v1 for --seconds, logging every request. Meanwhile the
database is stopped --restarts times (SIGTERM and a wait for the exit; SIGKILL with --kill),
kept down for --down seconds, and started again on the same port and data; gunicorn keeps
running throughout. At the end the clients' log is compared with the database read directly.

A write answered 2xx is acknowledged; any other outcome (503, no answer) is unknown: it may
or may not have committed. So every acknowledged add must be in the database with its text,
and an item's checked state must be its last acknowledged value, or the value of an unknown
write that came after it (or that got no answer at all, and so may still have been running).
Each item belongs to one client, whose requests are sequential: "after" is unambiguous.

Clients do not honour Retry-After (the app says 5 s): after a failure they pause --pause
seconds (default 0.05), so the outage is sampled finely without spinning the CPU that the
restarting database needs. Prints PASS/FAIL per check, writes bench/results/reliability.json
(reliability-kill.json with --kill, or --json) and exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pymysql

RESULTS = Path(__file__).parent / "results"
MARIADBD = "/usr/sbin/mariadbd"
INSTALL_DB = "mariadb-install-db"
# Small buffers: the instance holds a few thousand rows. Durability stays at the defaults
# (innodb_flush_log_at_trx_commit=1: each commit is on disk before it is acknowledged).
SERVER_OPTIONS = ["--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M"]
WORKERS, THREADS = 2, 4
REQUEST_TIMEOUT = 5.0
ADDS_PER_CLIENT = 400  # the API refuses more than 500 items per list
LIMITS = {"outage_latency_s": 1.0, "recovery_s": 2.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def run_as_root() -> list[str]:
    # mariadbd refuses to run as root unless told to (CI runs the tests as root).
    return ["--user=root"] if os.geteuid() == 0 else []


class PrivateMariaDB:
    """A throwaway MariaDB server: its own data folder, socket and TCP port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def install(self) -> None:
        cmd = [
            INSTALL_DB,
            "--no-defaults",
            f"--datadir={self.data}",
            "--auth-root-authentication-method=normal",  # root without a password
            "--skip-test-db",
            *run_as_root(),
            *SERVER_OPTIONS,
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> float:
        """Start the server; return the monotonic time its port accepted a connection."""
        cmd = [
            MARIADBD,
            "--no-defaults",
            f"--datadir={self.data}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--socket={self.folder / 'sock'}",
            f"--pid-file={self.folder / 'pid'}",
            f"--log-error={self.folder / 'error.log'}",
            *run_as_root(),
            *SERVER_OPTIONS,
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if port_open(self.port):
                return time.monotonic()
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        raise RuntimeError(f"mariadbd did not open port {self.port}:\n{self.log_tail()}")

    def stop(self, *, kill: bool) -> float:
        """SIGTERM (a clean shutdown) or SIGKILL (a crash); return when the process has exited."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        self.proc.wait(timeout=120)
        return time.monotonic()

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def log_tail(self, lines: int = 20) -> str:
        log = self.folder / "error.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def url(self, database: str) -> str:
        return f"mysql+pymysql://root@127.0.0.1:{self.port}/{database}?charset=utf8mb4"

    def connect(self, database: str | None = None) -> pymysql.Connection[Any]:
        return pymysql.connect(
            host="127.0.0.1", port=self.port, user="root", database=database, autocommit=True
        )


@contextmanager
def private_mariadb() -> Iterator[PrivateMariaDB]:
    folder = Path(tempfile.mkdtemp(prefix="rbx-mariadb-"))
    server = PrivateMariaDB(folder)
    try:
        server.install()
        server.start()
        yield server
    finally:
        server.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def gunicorn(database_url: str, log: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """Start serving the app on a free port (see `wait_ready`); yield (port, master process)."""
    port = free_port()
    env = os.environ | {
        "RECIPEBOX_DATABASE_URL": database_url,
        "RECIPEBOX_SECRET_KEY": secrets.token_hex(32),
        "RECIPEBOX_PRODUCTION": "1",
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "recipebox.web.app:create_app()",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "--worker-class=gthread",
        "--timeout=30",
        "--graceful-timeout=30",
        "--keep-alive=5",
        f"--error-logfile={log}",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield port, proc
    finally:
        proc.send_signal(signal.SIGQUIT)  # quick shutdown: the measurement is over
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path) -> set[int]:
    """Wait until /healthz answers 200 and every worker is up; return the workers' pids."""
    deadline = time.monotonic() + 60
    while not healthy(port) or len(children(proc.pid)) < WORKERS:
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"gunicorn did not start:\n{tail}")
        time.sleep(0.1)
    return children(proc.pid)


def healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def children(pid: int) -> set[int]:
    """Pids of the processes whose parent is `pid` (gunicorn's workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rpartition(")")[2].split()
        except OSError:
            continue
        if fields and int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


# --- the clients -------------------------------------------------------------------------
@dataclass
class Call:
    """One request as a client saw it; times are time.monotonic()."""

    client: int
    op: str  # "add", "check" or "uncheck"
    item_id: str | None  # None for an add that was not acknowledged
    text: str | None
    checked: bool
    sent: float
    answered: float
    status: int | None  # None: no HTTP answer (connection error or timeout)
    retry_after: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def prepare(server: PrivateMariaDB, database: str, clients: int) -> list[str]:
    """Migrate (what `recipebox db upgrade` does), add one user and token per client.

    Returns the tokens' secrets. In process: a second interpreter would cost seconds.
    """
    from recipebox.services.people import local_user
    from recipebox.store.sql import SqlStore
    from recipebox.web.api.tokens import issue_token

    store = SqlStore(server.url(database))
    try:
        store.upgrade()
        secrets_ = []
        for n in range(clients):
            user = local_user(store, f"client{n}")
            assert user is not None
            secrets_.append(issue_token(store, user, "reliability bench")[1])
        return secrets_
    finally:
        store.close()


class Client(threading.Thread):
    """Add items and check or uncheck them as fast as answers come; log every request."""

    def __init__(self, n: int, port: int, token: str, stop: threading.Event, pause: float):
        super().__init__(name=f"client{n}", daemon=True)
        self.n, self.port, self.stop, self.pause = n, port, stop, pause
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.random = random.Random(n)
        self.calls: list[Call] = []
        self.items: list[str] = []  # ids of acknowledged adds
        self.adds = 0
        self.conn: http.client.HTTPConnection | None = None

    def run(self) -> None:
        while not self.stop.is_set():
            call = self.one_call()
            self.calls.append(call)
            if not call.acknowledged:
                time.sleep(self.pause)

    def one_call(self) -> Call:
        checked = self.random.random() < 0.5
        if not self.items or (self.adds < ADDS_PER_CLIENT and self.random.random() < 0.4):
            self.adds += 1
            text = f"client {self.n} item {self.adds} {secrets.token_hex(4)}"
            body = json.dumps({"text": text, "checked": checked})
            call = self.request("add", "/api/v1/shopping-list/items", body, text, checked)
            if call.acknowledged and call.item_id:
                self.items.append(call.item_id)
            return call
        item = self.random.choice(self.items)
        op = "check" if checked else "uncheck"
        path = f"/api/v1/shopping-list/items/{item}/{op}"
        return self.request(op, path, "", None, checked, item_id=item)

    def request(
        self,
        op: str,
        path: str,
        body: str,
        text: str | None,
        checked: bool,
        item_id: str | None = None,
    ) -> Call:
        sent = time.monotonic()
        status, retry_after = None, None
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            self.conn.request("POST", path, body=body.encode("utf-8"), headers=self.headers)
            response = self.conn.getresponse()
            payload = response.read()
            status, retry_after = response.status, response.getheader("Retry-After")
            if op == "add" and status == 201:
                # An acknowledged add without an id counts as lost in the checks.
                item_id = json.loads(payload).get("id")
        except ValueError:
            pass
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
        return Call(self.n, op, item_id, text, checked, sent, time.monotonic(), status, retry_after)


# --- the run ------------------------------------------------------------------------------
@dataclass
class Restart:
    """One stop and start of the database; times are time.monotonic()."""

    stopped: float  # signal sent
    exited: float  # process gone
    started: float  # start command given
    port_open: float  # accepting connections again


def run_load(
    server: PrivateMariaDB,
    port: int,
    tokens: list[str],
    *,
    seconds: float,
    restarts: int,
    down: float,
    kill: bool,
    pause: float,
) -> tuple[list[Call], list[Restart], float]:
    """Run the clients for `seconds` while restarting the database; return the log."""
    stop = threading.Event()
    clients = [Client(n, port, token, stop, pause) for n, token in enumerate(tokens)]
    began = time.monotonic()
    for client in clients:
        client.start()
    done: list[Restart] = []
    try:
        for i in range(restarts):
            # Stops fall at 30% of each equal slice: time before to run normally, after to
            # show the error rate back at zero.
            time.sleep(max(0.0, began + seconds * (i + 0.3) / restarts - time.monotonic()))
            stopped = time.monotonic()
            exited = server.stop(kill=kill)
            time.sleep(down)
            started = time.monotonic()
            done.append(Restart(stopped, exited, started, server.start()))
        time.sleep(max(0.0, began + seconds - time.monotonic()))
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=REQUEST_TIMEOUT + 5)
    return [call for client in clients for call in client.calls], done, began


def read_items(server: PrivateMariaDB, database: str) -> dict[str, tuple[str, str, bool]]:
    """id -> (user name, text, checked) for every list item, read with PyMySQL directly."""
    conn = server.connect(database)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT i.id, u.name, i.text, i.checked FROM list_items i"
                " JOIN users u ON u.id = i.user_id"
            )
            return {row[0]: (row[1], row[2], bool(row[3])) for row in cur.fetchall()}
    finally:
        conn.close()


# --- the checks ---------------------------------------------------------------------------
def check(name: str, passed: bool, value: Any, limit: Any, detail: str = "") -> dict[str, Any]:
    return {"name": name, "passed": bool(passed), "value": value, "limit": limit, "detail": detail}


def durability_checks(calls: list[Call], rows: dict[str, tuple[str, str, bool]]) -> list[Any]:
    """Compare the clients' log with the database."""
    adds = [c for c in calls if c.op == "add"]
    acked = [c for c in adds if c.acknowledged]
    missing = [
        c for c in acked if rows.get(c.item_id or "", ())[:2] != (f"client{c.client}", c.text)
    ]
    # A row whose text no client sent, or a text stored twice, is a write nobody made.
    sent_texts = {c.text for c in adds}
    row_texts = Counter(text for _user, text, _checked in rows.values())
    phantoms = [t for t, n in row_texts.items() if t not in sent_texts or n > 1]
    unknown_committed = sum(1 for c in adds if not c.acknowledged and c.text in row_texts)

    writes: dict[str, list[Call]] = {}
    for c in sorted(calls, key=lambda c: c.sent):
        if c.item_id is not None:
            writes.setdefault(c.item_id, []).append(c)
    wrong = []
    for item_id, history in writes.items():
        last = max(i for i, c in enumerate(history) if c.acknowledged)
        allowed = {history[last].checked}
        allowed |= {c.checked for c in history[last + 1 :] if not c.acknowledged}
        # No answer: the request may still have been running after the client gave up.
        allowed |= {c.checked for c in history[:last] if c.status is None}
        if item_id in rows and rows[item_id][2] not in allowed:
            wrong.append(item_id)
    return [
        check(
            "acknowledged adds in the database",
            not missing,
            f"{len(acked) - len(missing)}/{len(acked)}",
            "all",
            f"{len(adds) - len(acked)} unknown adds, {unknown_committed} of them committed",
        ),
        check(
            "checked state = last acknowledged",
            not wrong,
            f"{len(wrong)} wrong of {len(writes)} items",
            "0 wrong",
            f"{sum(c.acknowledged for c in calls if c.op != 'add')} acknowledged checks",
        ),
        check("no phantom or duplicate items", not phantoms, len(phantoms), 0),
    ]


def outage_checks(calls: list[Call], restarts: list[Restart]) -> list[Any]:
    """Fast 503s while the database is down, recovery after it returns, no errors otherwise."""
    recoveries, windows = [], []
    for r in restarts:
        # The database is gone from `exited` to `port_open`: a request sent in between that
        # succeeds reached it after it came back.
        after = [c.answered for c in calls if c.acknowledged and c.sent > r.exited]
        recovered = min(after, default=float("inf"))
        recoveries.append(max(0.0, recovered - r.port_open))
        windows.append((r.stopped, recovered))

    def in_outage(c: Call) -> bool:
        return any(c.sent <= end and c.answered >= start for start, end in windows)

    during = [c for c in calls if in_outage(c)]
    failed = [c for c in during if not c.acknowledged]
    bad = [c for c in failed if c.status != 503 or not c.retry_after]
    latency = max((c.answered - c.sent for c in during), default=0.0)
    per_outage = [sum(start <= c.sent <= end for c in failed) for start, end in windows]
    outside = [c for c in calls if not in_outage(c)]
    errors_outside = [c for c in outside if not c.acknowledged]
    statuses = Counter(str(c.status) for c in failed)
    return [
        check(
            "outage seen by the clients",
            bool(per_outage) and min(per_outage) > 0,
            per_outage,
            ">0 failures per restart",
        ),
        check(
            "outage failures are 503 + Retry-After",
            not bad,
            f"{len(failed) - len(bad)}/{len(failed)}",
            "all",
            f"statuses {dict(statuses)}",
        ),
        check(
            "max latency during outage (s)",
            latency < LIMITS["outage_latency_s"],
            round(latency, 3),
            LIMITS["outage_latency_s"],
            f"{len(during)} requests overlapping an outage",
        ),
        check(
            "recovery after port open (s)",
            bool(recoveries) and max(recoveries) <= LIMITS["recovery_s"],
            [round(r, 3) for r in recoveries],
            LIMITS["recovery_s"],
        ),
        check(
            "errors outside outages",
            not errors_outside,
            f"{len(errors_outside)}/{len(outside)}",
            0,
            "requests before the first stop and after each recovery",
        ),
    ]


# --- main ---------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a run produced: the clients' log, the restarts, the database's rows."""

    calls: list[Call]
    restarts: list[Restart]
    began: float  # when the clients started (time.monotonic())
    rows: dict[str, tuple[str, str, bool]]
    replaced_workers: int
    server: dict[str, Any]  # the private MariaDB's version and durability setting


def measure(args: argparse.Namespace, restarts: int, step: Callable[[str], None]) -> Outcome:
    """Set up the private MariaDB and gunicorn, run the load, read the database; clean up."""
    database = "recipebox"
    step("starting a private MariaDB")
    with private_mariadb() as server, tempfile.TemporaryDirectory() as tmp:
        step(f"MariaDB on port {server.port}; starting gunicorn, migrating")
        conn = server.connect()
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {database} CHARACTER SET utf8mb4")
            cur.execute("SELECT VERSION(), @@innodb_flush_log_at_trx_commit")
            version, flush = cur.fetchone() or ("?", "?")
        conn.close()
        log = Path(tmp) / "gunicorn.log"
        with gunicorn(server.url(database), log) as (port, app):
            tokens = prepare(server, database, args.clients)  # while the workers boot
            step("migrated; waiting for gunicorn")
            workers = wait_ready(port, app, log)
            step(f"gunicorn on port {port}; {args.clients} clients for {args.seconds:g} s")
            calls, done, began = run_load(
                server,
                port,
                tokens,
                seconds=args.seconds,
                restarts=restarts,
                down=args.down,
                kill=args.kill,
                pause=args.pause,
            )
            replaced = len(workers - children(app.pid))
            step("stopping gunicorn")
        rows = read_items(server, database)
        step("stopping MariaDB")
    server_info = {"mariadb": version, "innodb_flush_log_at_trx_commit": flush}
    return Outcome(calls, done, began, rows, replaced, server_info)


def main() -> int:
    from machine import describe, summary  # bench/ is sys.path[0] when run as a script

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--restarts", type=int, help="default: one per 30 s, at least one")
    parser.add_argument("--down", type=float, default=3.0, help="seconds the database is down")
    parser.add_argument("--kill", action="store_true", help="SIGKILL instead of SIGTERM")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds after a failure")
    parser.add_argument("--json", type=Path, help="default: bench/results/reliability[-kill].json")
    parser.add_argument("--log", type=Path, help="write the clients' log here (JSON lines)")
    args = parser.parse_args()
    # SIGTERM (a CI cancel, the test's timeout) unwinds like Ctrl-C: the private MariaDB and
    # gunicorn are stopped and the data folder removed by the `finally` blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    restarts = args.restarts or max(1, int(args.seconds // 30))
    out = args.json or RESULTS / ("reliability-kill.json" if args.kill else "reliability.json")
    t0 = time.monotonic()

    def step(message: str) -> None:
        print(f"[{time.monotonic() - t0:5.1f} s] {message}", file=sys.stderr, flush=True)

    machine = describe()
    run = measure(args, restarts, step)
    checks = [
        *durability_checks(run.calls, run.rows),
        *outage_checks(run.calls, run.restarts),
        check("gunicorn workers never replaced", not run.replaced_workers, run.replaced_workers, 0),
    ]
    settings = {
        "seconds": args.seconds,
        "clients": args.clients,
        "restarts": restarts,
        "down_s": args.down,
        "stop": "SIGKILL" if args.kill else "SIGTERM",
        "pause_after_failure_s": args.pause,
        "request_timeout_s": REQUEST_TIMEOUT,
        "gunicorn": f"{WORKERS} gthread workers x {THREADS} threads",
        **run.server,
    }
    # Seconds since the clients started.
    timeline = [{k: round(v - run.began, 3) for k, v in asdict(r).items()} for r in run.restarts]
    print(f"\nDatabase restarts under load ({summary(machine)})")
    print(f"{len(run.calls)} requests in {args.seconds:g} s; {settings['stop']} restarts:")
    for r in timeline:
        print("    " + ", ".join(f"{k} {v:.3f} s" for k, v in r.items()))
    print(f"{'check':<40} {'value':>24} {'limit':>22}  result")
    for c in checks:
        value, limit = str(c["value"]), str(c["limit"])
        print(f"{c['name']:<40} {value:>24} {limit:>22}  {'PASS' if c['passed'] else 'FAIL'}")
        if c["detail"]:
            print(f"    {c['detail']}")
    passed = all(c["passed"] for c in checks)
    print("PASS" if passed else "FAIL")

    out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "machine": machine,
        "settings": settings,
        "checks": checks,
        "passed": passed,
        "requests": len(run.calls),
        "statuses": dict(Counter(str(c.status) for c in run.calls)),
        "restarts": timeline,
    }
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.log:
        with args.log.open("w", encoding="utf-8") as log:
            for call in run.calls:
                times = {"sent": call.sent - run.began, "answered": call.answered - run.began}
                log.write(json.dumps(asdict(call) | times) + "\n")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
