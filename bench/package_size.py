"""Lambda zip sizes for each topology, against the 10.3 MiB goal (Zappa's hello-world zip).

Usage: .venv/bin/python bench/package_size.py [--arch arm64] [--python 3.12]

Builds the package (`recipebox package`, the real builder: locked manylinux wheels for the
target, bytecode by the target's Python, pruned, stripped) once per deployment shape and
reports zipped/unzipped MiB and the biggest distributions. Prints a table and writes
bench/results/package.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from recipebox.deploy.package import PackageOptions, build_package
from recipebox.deploy.target import Target

HERE = Path(__file__).parent
RESULTS = HERE / "results"
PROJECT = HERE.parent
GOAL_MIB = 10.3
MIB = 1024 * 1024
# (deployment, --with extras, --without groups)
VARIANTS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("web: SQL direct (vpc-nat)", (), ()),
    ("web: SQL direct, with URL import", ("import",), ()),
    ("web: DynamoDB or split", (), ("sql",)),
    ("web: DynamoDB or split, with URL import", ("import",), ("sql",)),
    ("data function (split)", (), ("web",)),
]


def machine() -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    from machine import describe  # type: ignore[import-not-found]

    return dict(describe())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="arm64", choices=["arm64", "x86_64"])
    parser.add_argument("--python", default="3.12", choices=["3.12", "3.13"])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, extras, without) in enumerate(VARIANTS, 1):
            print(f"[{n}/{len(VARIANTS)}] building {name} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            result = build_package(
                PackageOptions(
                    project=PROJECT,
                    target=Target(args.arch, args.python),
                    out=Path(tmp) / str(n),
                    extras=extras,
                    without=without,
                    cache_dir=Path(tmp) / "pip-cache",
                )
            )
            rows.append(
                {
                    "variant": name,
                    "with": list(extras),
                    "without": list(without),
                    "zipped_mib": round(result.sizes.zipped / MIB, 2),
                    "unzipped_mib": round(result.sizes.unzipped / MIB, 2),
                    "biggest": [
                        {"name": s.name, "zipped_mib": round(s.zipped / MIB, 2)}
                        for s in result.sizes.shares[:6]
                    ],
                    "meets_goal": result.sizes.zipped / MIB < GOAL_MIB,
                    "build_seconds": round(time.perf_counter() - started, 1),
                }
            )
    print(f"\nLambda zip, python{args.python} on {args.arch} (goal < {GOAL_MIB} MiB zipped)\n")
    print("| deployment | zipped MiB | unzipped MiB | biggest (zipped MiB) | goal |")
    print("|---|---|---|---|---|")
    for row in rows:
        biggest = ", ".join(f"{b['name']} {b['zipped_mib']}" for b in row["biggest"][:4])
        verdict = "met" if row["meets_goal"] else "NOT met"
        print(
            f"| {row['variant']} | {row['zipped_mib']} | {row['unzipped_mib']} | {biggest}"
            f" | {verdict} |"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "package.json"
    payload = {
        "machine": machine(),
        "settings": {"arch": args.arch, "python": args.python, "goal_mib": GOAL_MIB},
        "rows": rows,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
