"""The package's files: what never runs is left out, bytecode is compiled, the zip is reproducible.

Left out: the host's `__pycache__`, console scripts (`bin/`), test folders, type stubs and
markers (.pyi, py.typed), C/Cython sources and headers, dist-info bookkeeping (RECORD,
INSTALLER, REQUESTED, WHEEL, direct_url.json), and the parts of SQLAlchemy recipebox never
imports (UNUSED_PACKAGES: the ORM, its test kit, the Oracle and SQL Server dialects, asyncio
and the mypy plugin; 1.5 MiB zipped; tests/integration/deploy/test_package.py migrates and
serves pages from the unzipped package alone, so a new use of one fails a test, not Lambda).
Kept from dist-info: METADATA (for `importlib.metadata.version`), entry_points.txt,
top_level.txt and license files (the licenses of MIT/BSD dependencies ask for their notice to
travel with the code).

Bytecode: Lambda unpacks the zip into the read-only /var/task, so Python cannot cache what it
compiles: without .pyc files every cold start compiles every imported module again (about
1 s for this app). The .pyc files are compiled by the *target's* Python (the magic number
differs between 3.12 and 3.13), with unchecked-hash invalidation (no source mtimes inside, so
the bytes are reproducible) and with /var/task paths in their code objects (tracebacks name
/var/task/flask/app.py, not the build machine's folder). Compiling runs in one process with
a fixed hash seed, the only way marshal gives the same bytes twice.

Shared libraries lose their debug sections when a strip tool for the target is found
(`strip_debug_info`).

The zip lists files in sorted order with a fixed time (1980-01-01, the zip format's epoch)
and fixed permissions (0644), so the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from recipebox.deploy.target import Target
from recipebox.deploy.wheels import child_env
from recipebox.domain.errors import RecipeboxError

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
LAMBDA_ROOT = "/var/task"
DROPPED_SUFFIXES = frozenset(
    {".pyc", ".pyo", ".pyi", ".pyx", ".pxd", ".pxi", ".c", ".h", ".cpp", ".hpp"}
)
DROPPED_NAMES = frozenset({"py.typed", ".DS_Store"})
DROPPED_DIRS = frozenset({"__pycache__", "tests", ".mypy_cache", ".pytest_cache"})
KEPT_DIST_INFO = ("METADATA", "entry_points.txt", "top_level.txt")
UNUSED_PACKAGES = (
    "sqlalchemy/orm",
    "sqlalchemy/testing",
    "sqlalchemy/dialects/oracle",
    "sqlalchemy/dialects/mssql",
    "sqlalchemy/ext/asyncio",
    "sqlalchemy/ext/mypy",
)
BYTECODE_MODES = ("alongside", "sourceless", "none")


class BundleError(RecipeboxError):
    """The package cannot be assembled; the message says why."""


@dataclass(frozen=True, slots=True)
class Share:
    """One distribution's part of the package."""

    name: str
    files: int
    unzipped: int
    zipped: int


@dataclass(slots=True)
class Sizes:
    """The package's size, in total and per distribution (biggest zipped share first)."""

    zipped: int = 0
    unzipped: int = 0
    shares: list[Share] = field(default_factory=list)


def prune(staging: Path) -> dict[str, str]:
    """Delete what never runs; return top-level name -> distribution (from RECORD files)."""
    owners = owners_from_records(staging)
    if (staging / "bin").is_dir():
        shutil.rmtree(staging / "bin")  # console scripts written by pip --target
    for unused in UNUSED_PACKAGES:
        if (staging / unused).is_dir():
            shutil.rmtree(staging / unused)
    for path in sorted(staging.rglob("*"), reverse=True):  # children before their folders
        if path.is_dir():
            if path.name in DROPPED_DIRS:
                shutil.rmtree(path)
            continue
        if path.parent.name.endswith(".dist-info"):
            if path.name not in KEPT_DIST_INFO and not _is_license(path.name):
                path.unlink()
        elif path.suffix in DROPPED_SUFFIXES or path.name in DROPPED_NAMES:
            path.unlink()
    return owners


def _is_license(name: str) -> bool:
    upper = name.upper()
    return upper.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS"))


def owners_from_records(staging: Path) -> dict[str, str]:
    """Map each top-level file or folder to the distribution whose RECORD lists it."""
    owners: dict[str, str] = {}
    for record in sorted(staging.glob("*.dist-info/RECORD")):
        dist = record.parent.name.removesuffix(".dist-info").rsplit("-", 1)[0]
        dist = dist.lower().replace("_", "-")
        with record.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                top = row[0].split("/", 1)[0] if row else ""
                if top and not top.endswith(".dist-info") and top != "..":
                    owners.setdefault(top, dist)
        owners.setdefault(record.parent.name, dist)
    return owners


def compile_bytecode(staging: Path, python: str, mode: str, keep_source: tuple[str, ...]) -> str:
    """Compile every .py under `staging` with `python`; return compileall's complaints.

    `sourceless` writes legacy-layout .pyc files (next to the .py) and deletes the sources,
    except under the top-level folders in `keep_source`, which keep both.
    """
    if mode == "none":
        return ""
    tops = sorted(p.name for p in staging.iterdir())
    if mode == "sourceless":
        runs = [
            ([t for t in tops if t not in keep_source], ["-b"]),
            ([t for t in tops if t in keep_source], []),
        ]
    else:
        runs = [(tops, [])]
    complaints = []
    for names, extra in runs:
        if not names:
            continue
        # One process, in compileall's sorted order, with a fixed hash seed: marshal's output
        # depends on what the process compiled before (object reference counts decide its
        # back-references) and on string hashing, so parallel workers (-j 0) give different
        # bytes from run to run.
        command = [python, "-m", "compileall", "-q", "-f", "-j", "1", *extra]
        command += ["--invalidation-mode", "unchecked-hash", "-s", str(staging)]
        command += ["-p", LAMBDA_ROOT, *(str(staging / n) for n in names)]
        result = subprocess.run(  # noqa: S603 - the interpreter we located, fixed arguments
            command, capture_output=True, check=False, env={**child_env(), "PYTHONHASHSEED": "0"}
        )
        complaints.append((result.stdout + result.stderr).decode("utf-8", "replace").strip())
        if extra:
            for name in names:
                top = staging / name
                sources = [top] if top.is_file() else list(top.rglob("*.py"))
                for source in sources:
                    if source.suffix == ".py" and source.with_suffix(".pyc").is_file():
                        source.unlink()
    return "\n".join(c for c in complaints if c)


def find_strip(target: Target) -> str | None:
    """A `strip` that edits the target's ELF files: llvm-strip reads every architecture."""
    names = ["llvm-strip", f"{target.machine}-linux-gnu-strip"]
    if sys.platform == "linux" and platform.machine() == target.machine:
        names.append("strip")
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def strip_debug_info(staging: Path, tool: str) -> int:
    """Remove debug sections from the shared libraries; return the bytes saved.

    Only .debug_* sections go (`--strip-debug`): symbols stay, so native stack traces keep
    their function names. SQLAlchemy's Cython modules ship with debug info (9.5 MB of
    11 MB x86_64); serverless-python-requirements' `slim` option strips the same way.
    """
    saved = 0
    for path in sorted(staging.rglob("*.so*")):
        if not path.is_file():
            continue
        before = path.stat().st_size
        result = subprocess.run(  # noqa: S603 - the strip tool we located, one file
            [tool, "--strip-debug", str(path)], capture_output=True, check=False
        )
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise BundleError(f"{tool} failed on {path.name}: {message}")
        saved += before - path.stat().st_size
    return saved


def files_of(staging: Path) -> Iterator[tuple[str, Path]]:
    """(name in the zip, path) of every file under `staging`, sorted by name."""
    found = []
    for path in staging.rglob("*"):
        if path.is_file():
            relative = os.fsencode(path.relative_to(staging).as_posix())
            try:
                name = relative.decode("utf-8")  # Lambda runs with UTF-8 file names
            except UnicodeDecodeError:
                raise BundleError(f"file name is not UTF-8: {relative!r}") from None
            found.append((name, path))
    yield from sorted(found)


def write_zip(staging: Path, out: Path, owners: dict[str, str]) -> Sizes:
    """Write `staging` as a reproducible zip at `out`; return its sizes."""
    shares: dict[str, list[int]] = {}
    buffer = io.BytesIO()
    # Deflate level 6 (zlib's default): level 9 is ~6x slower here for 0.8% less.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, path in files_of(staging):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 3  # Unix, so external_attr holds the mode
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            archive.writestr(info, data)
            written = archive.getinfo(name)
            share = shares.setdefault(owner_of(name, owners), [0, 0, 0])
            share[0] += 1
            share[1] += written.file_size
            share[2] += written.compress_size
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())
    listed = [Share(n, f, u, z) for n, (f, u, z) in shares.items()]
    listed.sort(key=lambda s: (-s.zipped, s.name))
    return Sizes(out.stat().st_size, sum(s.unzipped for s in listed), listed)


def owner_of(name: str, owners: dict[str, str]) -> str:
    top, _, rest = name.partition("/")
    if top == "__pycache__":  # bytecode of a top-level module: __pycache__/six.cpython-312.pyc
        top = rest
    if top in owners:
        return owners[top]
    stem = top.split(".", 1)[0]  # single-module distributions: six.py, six.pyc
    for candidate in (stem + ".py", stem):
        if candidate in owners:
            return owners[candidate]
    return stem


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
