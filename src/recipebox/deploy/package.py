"""Build the Lambda deployment zip: locked wheels for the target, the app, bytecode, one zip.

`build_package(options)` runs the steps of the package modules in order and returns where
the zip is, its sha256 and its sizes; `size_report` formats them. The build fails (with the
sizes) if the zip would exceed Lambda's limits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from recipebox.deploy import bundle, lock, wheels
from recipebox.deploy.target import UNZIPPED_LIMIT, ZIPPED_LIMIT, Target
from recipebox.domain.errors import RecipeboxError

APP = "recipebox"
MIB = 1024 * 1024


class PackageError(RecipeboxError):
    """The package cannot be built or would not fit Lambda; the message says why."""


@dataclass(frozen=True, slots=True)
class PackageOptions:
    """What to build: the project, the target runtime, where to, and with which parts."""

    project: Path
    target: Target = field(default_factory=Target)
    out: Path = Path("dist")
    extras: Sequence[str] = ()  # --with: project extras (postgres)
    without: Sequence[str] = ()  # --without: lock.OPTIONAL_GROUPS to leave out
    bytecode: str = "sourceless"  # bundle.BYTECODE_MODES
    compile_with: str | None = None  # the target's Python; found on this machine if None
    strip: bool = True  # remove debug info from shared libraries (when a strip tool exists)
    cache_dir: Path | None = None  # pip's cache (default: pip's own)
    uv: str | None = None

    def zip_name(self, version: str) -> str:
        parts = [APP, version, self.target.runtime, self.target.arch]
        parts += [f"with-{e}" for e in sorted(self.extras)]
        parts += [f"without-{g}" for g in sorted(self.without)]
        return "-".join(parts) + ".zip"


@dataclass(frozen=True, slots=True)
class PackageResult:
    """A built package: the zip, its digest and sizes, and what the build had to say."""

    path: Path
    sha256: str
    sizes: bundle.Sizes
    target: Target
    notes: tuple[str, ...] = ()


def build_package(
    options: PackageOptions, *, say: Callable[[str], None] = lambda _: None
) -> PackageResult:
    """Build the zip described by `options`; `say` receives progress lines."""
    project, target = options.project.resolve(), options.target
    if options.bytecode not in bundle.BYTECODE_MODES:
        raise PackageError(f"bytecode {options.bytecode!r}: use one of {bundle.BYTECODE_MODES}")
    if not (project / "src" / APP / "__init__.py").is_file():
        raise PackageError(f"{project} is not the recipebox project (no src/{APP})")
    notes: list[str] = []
    say(f"reading uv.lock for {target.describe()}")
    locked = lock.locked_for(
        project, target, extras=options.extras, without=options.without, uv=options.uv
    )
    python = None if options.bytecode == "none" else find_python(target, options.compile_with)
    if python is None and options.bytecode != "none":
        notes.append(
            f"no Python {target.python} found to compile bytecode: the package ships source "
            "only, so every cold start compiles what it imports (about 1 s more). Install "
            f"Python {target.python} (pyenv, `uv python install {target.python}`) or pass "
            "--compile-with PATH."
        )
    with tempfile.TemporaryDirectory(prefix="recipebox-package-") as work:
        staging, wheelhouse = Path(work) / "staging", Path(work) / "wheelhouse"
        say(f"installing {len(locked.requirements)} locked dependencies from wheels")
        wheels.install(locked, target, staging, wheelhouse=wheelhouse, cache_dir=options.cache_dir)
        add_app(project, staging, locked.project_version)
        owners = bundle.prune(staging)
        owners[APP] = owners[f"{APP}-{locked.project_version}.dist-info"] = APP
        if options.strip:
            notes.append(strip(staging, target))
        if python is not None:
            say(f"compiling bytecode with {python} ({options.bytecode})")
            complaints = bundle.compile_bytecode(staging, python, options.bytecode, (APP,))
            if complaints:
                notes.append("some files did not compile (they ship as source):\n" + complaints)
        out = options.out / options.zip_name(locked.project_version)
        sizes = bundle.write_zip(staging, out, owners)
    result = PackageResult(out, bundle.sha256_of(out), sizes, target, tuple(notes))
    check_limits(result)
    return result


def strip(staging: Path, target: Target) -> str:
    tool = bundle.find_strip(target)
    if tool is None:
        return (
            "no strip tool for the target (llvm-strip): shared libraries keep their debug "
            "info (SQLAlchemy's alone is 8 MB unzipped)"
        )
    saved = bundle.strip_debug_info(staging, tool)
    return f"debug info stripped from shared libraries with {Path(tool).name}: -{mib(saved)}"


def add_app(project: Path, staging: Path, version: str) -> None:
    """Copy the app's package and give it a dist-info, as installing its wheel would."""
    shutil.copytree(
        project / "src" / APP,
        staging / APP,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache"),
    )
    info = staging / f"{APP}-{version}.dist-info"
    info.mkdir()
    metadata = f"Metadata-Version: 2.1\nName: {APP}\nVersion: {version}\n"
    (info / "METADATA").write_text(metadata, encoding="utf-8")
    (info / "top_level.txt").write_text(APP + "\n", encoding="utf-8")


def python_version_of(executable: str) -> str | None:
    """ "3.12" for a Python 3.12 interpreter; None if it does not run."""
    try:
        result = subprocess.run(  # noqa: S603 - probing a candidate interpreter
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            timeout=20,
            check=False,
            env=wheels.child_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.decode("ascii", "replace").strip() if result.returncode == 0 else None


def find_python(target: Target, explicit: str | None = None) -> str | None:
    """An interpreter of the target's Python version, for compiling bytecode.

    Looks at `explicit`, this interpreter, pythonX.Y on PATH, pyenv's versions, then
    `uv python find` (which never downloads). None if there is none.
    """
    import sys

    if explicit:
        if python_version_of(explicit) != target.python:
            raise PackageError(f"--compile-with {explicit} is not Python {target.python}")
        return explicit
    candidates = [sys.executable, shutil.which(f"python{target.python}") or ""]
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if pyenv.is_dir():
        found = sorted(pyenv.glob(f"{target.python}.*/bin/python{target.python}"), reverse=True)
        candidates += [str(p) for p in found]
    for candidate in candidates:
        if candidate and python_version_of(candidate) == target.python:
            return candidate
    return _uv_python(target)


def _uv_python(target: Target) -> str | None:
    uv = shutil.which("uv")
    if uv is None:
        return None
    try:
        result = subprocess.run(  # noqa: S603
            [uv, "python", "find", "--no-python-downloads", target.python],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = os.fsdecode(result.stdout.strip())
    return path if result.returncode == 0 and python_version_of(path) == target.python else None


def check_limits(result: PackageResult) -> None:
    sizes, problems = result.sizes, []
    if sizes.zipped > ZIPPED_LIMIT:
        problems.append(f"{mib(sizes.zipped)} zipped (limit {mib(ZIPPED_LIMIT)})")
    if sizes.unzipped > UNZIPPED_LIMIT:
        problems.append(f"{mib(sizes.unzipped)} unzipped (limit {mib(UNZIPPED_LIMIT)})")
    if problems:
        biggest = ", ".join(f"{s.name} {mib(s.unzipped)}" for s in sizes.shares[:5])
        raise PackageError(
            f"{result.path.name} is too big for Lambda: {'; '.join(problems)}. "
            f"Biggest parts (unzipped): {biggest}. Leave parts out with --without."
        )


def mib(size: int) -> str:
    return f"{size / MIB:.1f} MiB"


def size_report(result: PackageResult, *, top: int = 15) -> str:
    """The sizes as a table, biggest zipped share first."""
    sizes = result.sizes
    lines = [
        f"{result.path}  ({result.target.describe()})",
        f"sha256 {result.sha256}",
        f"{'distribution':<28}{'files':>7}{'zipped':>12}{'unzipped':>12}",
    ]
    for share in sizes.shares[:top]:
        lines.append(
            f"{share.name:<28}{share.files:>7}{mib(share.zipped):>12}{mib(share.unzipped):>12}"
        )
    rest = sizes.shares[top:]
    if rest:
        zipped, unzipped = sum(s.zipped for s in rest), sum(s.unzipped for s in rest)
        files = sum(s.files for s in rest)
        label = f"({len(rest)} more)"
        lines.append(f"{label:<28}{files:>7}{mib(zipped):>12}{mib(unzipped):>12}")
    lines.append(
        f"{'total':<28}{sum(s.files for s in sizes.shares):>7}"
        f"{mib(sizes.zipped):>12}{mib(sizes.unzipped):>12}"
    )
    lines.append(
        f"Lambda limits: {mib(ZIPPED_LIMIT)} zipped (direct upload), {mib(UNZIPPED_LIMIT)} unzipped"
    )
    return "\n".join([*lines, *result.notes])
