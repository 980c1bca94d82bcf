"""Run every benchmark, then regenerate docs/benchmarks.md: the one command.

Usage: .venv/bin/python bench/run.py [--quick] [--only NAME[,NAME]] [--report-only]

Runs each script of BENCHMARKS in order as a subprocess with its documented arguments (a
script not written yet is skipped with a message), streaming its output, then bench/report.py.
--quick passes small sizes for a smoke run (its figures are not worth publishing: the page
then shows the smoke run's numbers). A failing benchmark does not stop the others; the exit
status is 1 if any failed. MariaDB (127.0.0.1:3306) and PostgreSQL (127.0.0.1:5432) must be
up; web.py needs wrk.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = ".venv/bin/python"
# name: (script, full arguments, --quick arguments). Order: the server benchmarks first, while
# the machine is as quiet as it gets; the in-process micro-benchmarks after; the database
# restarts last. bench/search.py repeats scale's 100k figures with per-query detail.
KILL_JSON = "bench/results/reliability-kill.json"
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "web": ("web", [], ["--recipes", "2000", "--seconds", "2", "--rounds", "1"]),
    "scale": ("scale", [], ["--sizes", "500,5000", "--users", "100", "--dynamodb-sizes", "200",
                            "--rounds", "3"]),
    "search": ("search", [], ["--recipes", "5000", "--users", "100"]),
    "frontdoors": ("frontdoors", [], ["--rounds", "1", "--requests", "5"]),
    "coldstart": ("coldstart", ["--rounds", "15"], ["--rounds", "3"]),
    "adapter": ("adapter", ["--rounds", "15", "--calls", "1000"],
                ["--rounds", "3", "--calls", "200"]),
    "pages": ("pages", ["--seconds", "2"], ["--seconds", "0.5"]),
    "package": ("package_size", [], []),
    "reliability": ("reliability", [], ["--seconds", "15"]),
    "reliability-kill": ("reliability", ["--kill", "--json", KILL_JSON],
                         ["--kill", "--json", KILL_JSON, "--seconds", "15"]),
}  # fmt: skip


def command(name: str, quick: bool = False) -> str:
    """The shell command that runs benchmark `name` (as printed in docs/benchmarks.md)."""
    script, full, small = BENCHMARKS[name]
    return " ".join([PYTHON, f"bench/{script}.py", *(small if quick else full)])


def accepted(script: Path, args: list[str]) -> list[str]:
    """`args` without the options the script's --help does not mention (scripts evolve)."""
    shown = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120
    ).stdout
    kept: list[str] = []
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg.startswith("--") and arg not in shown:
            print(f"  (dropping {arg}: not in {script.name} --help)", flush=True)
            skip = i + 1 < len(args) and not args[i + 1].startswith("--")
            continue
        kept.append(arg)
    return kept


def run(name: str, quick: bool, index: str) -> str:
    """Run one benchmark; return "ok", "skipped" or what went wrong."""
    file, full, small = BENCHMARKS[name]
    script = BENCH / f"{file}.py"
    if not script.exists():
        print(f"\n[{index}] {name}: skipped, bench/{file}.py does not exist yet", flush=True)
        return "skipped (no script)"
    args = accepted(script, small) if quick else full
    print(f"\n[{index}] {name}: {PYTHON} bench/{file}.py {' '.join(args)}", flush=True)
    start = time.perf_counter()
    code = subprocess.run([sys.executable, str(script), *args], cwd=BENCH.parent).returncode
    took = time.perf_counter() - start
    print(f"[{index}] {name}: exit {code} after {took:.0f} s", flush=True)
    return "ok" if code == 0 else f"exit {code}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--report-only", action="store_true", help="only regenerate the page")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    outcomes: dict[str, str] = {}
    began = time.perf_counter()
    if not args.report_only:
        sys.path.insert(0, str(BENCH))
        from machine import describe, summary

        print(f"machine: {summary(describe())}", flush=True)
        for i, name in enumerate(names, 1):
            outcomes[name] = run(name, args.quick, f"{i}/{len(names)}")
    print("\nreport: bench/report.py", flush=True)
    report = subprocess.run([sys.executable, str(BENCH / "report.py")], cwd=BENCH.parent)
    outcomes["report"] = "ok" if report.returncode == 0 else f"exit {report.returncode}"
    print(f"\ndone in {time.perf_counter() - began:.0f} s:")
    for name, outcome in outcomes.items():
        print(f"  {name:12} {outcome}")
    failed = [n for n, o in outcomes.items() if not o.startswith(("ok", "skipped"))]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
