"""Describe the machine a benchmark ran on, for the "machine" key of every bench/results JSON.

Usage: .venv/bin/python bench/machine.py  (prints the description as JSON)

In a benchmark: `sys.path.insert(0, str(Path(__file__).resolve().parent))`, then
`from machine import describe` and store `describe()` under "machine", taken before the
measurements start (the load average then says what else was running). Fast (~0.3 s: one CPU
sample of 0.2 s, two database probes with one-second timeouts) and never raises: a value it
cannot find is None.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Busy: the 1-minute load average already used half the logical cores before the benchmark.
BUSY_LOAD_PER_CORE = 0.5


def _quietly(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception:  # a description must never stop a benchmark
        return None


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    raise LookupError("no MemTotal")


def _cpu_ticks() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text(encoding="utf-8").split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields), idle


def _cpu_busy_percent(seconds: float = 0.2) -> float:
    """Share of all cores busy over a short sample, whoever used them."""
    total0, idle0 = _cpu_ticks()
    time.sleep(seconds)
    total1, idle1 = _cpu_ticks()
    spent = total1 - total0
    return round(100 * (1 - (idle1 - idle0) / spent), 1) if spent else 0.0


def _git(*args: str) -> str:
    out = subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=5, check=True
    )
    return out.stdout.strip()


def _mariadb_version() -> str:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", user="root", password="", connect_timeout=1)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            return str(cur.fetchone()[0])
    finally:
        conn.close()


def _postgres_version() -> str:
    import psycopg

    # libpq rounds connect_timeout up to 2 seconds.
    dsn = "host=127.0.0.1 user=postgres dbname=postgres connect_timeout=1"
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else ""


def describe() -> dict[str, Any]:
    """Return the machine, software and moment of a benchmark run as plain JSON data."""
    cores = os.cpu_count() or 1
    load = _quietly(lambda: [round(v, 2) for v in os.getloadavg()])
    return {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu_model": _quietly(_cpu_model),
        "logical_cores": cores,
        "memory_gib": _quietly(_memory_gib),
        "arch": platform.machine(),
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "mariadb": _quietly(_mariadb_version),
        "postgresql": _quietly(_postgres_version),
        "git_commit": _quietly(lambda: _git("rev-parse", "HEAD")),
        "git_dirty": _quietly(lambda: bool(_git("status", "--porcelain", "--untracked-files=no"))),
        "load_average": load,
        "cpu_busy_percent": _quietly(_cpu_busy_percent),
        "busy": bool(load and load[0] >= BUSY_LOAD_PER_CORE * cores),
    }


def summary(machine: dict[str, Any]) -> str:
    """One line for a table caption: cores, CPU, memory, Python, commit, load."""
    commit = (machine.get("git_commit") or "?")[:7] + ("+dirty" if machine.get("git_dirty") else "")
    load = machine.get("load_average") or ["?"]
    busy = ", busy" if machine.get("busy") else ""
    return (
        f"{machine.get('logical_cores')} cores {machine.get('cpu_model')}, "
        f"{machine.get('memory_gib')} GiB, Python {machine.get('python')}, "
        f"commit {commit}, {machine.get('date_utc')}, load {load[0]}{busy}"
    )


if __name__ == "__main__":
    json.dump(describe(), sys.stdout, indent=2)
    print()
