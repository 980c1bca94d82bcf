"""The locked dependencies for one Lambda target, from uv.lock.

`uv export --frozen` turns the lock into pinned requirements with their hashes and PEP 508
markers, resolving extras and groups exactly as `uv sync` does (re-implementing that walk
over uv.lock would be a second, diverging resolver). The markers are then evaluated here for
the *target* (Linux, its CPU, its Python), not for the build host: pip evaluates markers
against the interpreter running it, so a build on Windows would otherwise ship colorama and
a build on Python 3.11 would pick the 3.11 branch of a forked resolution.

uv.lock is also read directly (tomllib) for one fact `uv export` does not give: which wheels
each pinned version has, so a dependency without a wheel for the target is named before pip
runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from recipebox.deploy.target import Target
from recipebox.domain.errors import RecipeboxError


class LockError(RecipeboxError):
    """The lock cannot be read or exported; the message says what to do."""


# Provided by every Python Lambda runtime (and pruned with the dependencies only they need):
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html ("includes the AWS SDK").
RUNTIME_PROVIDED = ("boto3", "botocore")

# Dependency groups a package may leave out: `--without NAME` prunes these packages and every
# dependency only they need. "import" is URL import (recipe-scrapers pulls lxml, extruct,
# rdflib...: a third of the package); "sql" is the SQL backends, which the DynamoDB and the
# split topologies' web function never open; "web" is the site itself, which the split
# topology's data function never serves.
OPTIONAL_GROUPS: dict[str, tuple[str, ...]] = {
    "import": ("recipe-scrapers",),
    "sql": ("alembic", "sqlalchemy", "pymysql", "psycopg", "psycopg-binary"),
    "web": ("flask", "flask-wtf", "authlib", "joserfc", "requests", "waitress"),
}
# Extras never packaged: the runtime has boto3; the deploy tools run on the deploying machine.
UNPACKAGED_EXTRAS = {"aws": "boto3 is part of the Lambda runtime", "deploy": "deploy tools"}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One pinned requirement line of the export."""

    name: str
    version: str
    marker: str = ""
    hashes: tuple[str, ...] = ()

    def applies_to(self, target: Target) -> bool:
        if not self.marker:
            return True
        from packaging.markers import Marker  # deploy-time dependency

        return Marker(self.marker).evaluate(target.marker_environment())

    def line(self) -> str:
        """The requirement for pip: exact pin and hashes, no marker (already evaluated)."""
        return " ".join([f"{self.name}=={self.version}", *(f"--hash={h}" for h in self.hashes)])


@dataclass(frozen=True, slots=True)
class LockedFiles:
    """What uv.lock records for one package version: wheel file names, and whether an sdist."""

    wheels: tuple[str, ...] = ()
    sdist: bool = False


@dataclass(frozen=True, slots=True)
class Locked:
    """The requirements that apply to a target, and what uv.lock says of their files."""

    requirements: tuple[Requirement, ...]
    files: Mapping[tuple[str, str], LockedFiles] = field(default_factory=dict)
    project_version: str = "0"

    def without_wheel(self, target: Target) -> list[Requirement]:
        """The requirements with no wheel for `target` in the lock (an sdist, or nothing)."""
        supported = supported_tags(target)
        missing = []
        for req in self.requirements:
            names = self.files.get((canonical(req.name), req.version), LockedFiles()).wheels
            if not any(wheel_tags(n) & supported for n in names):
                missing.append(req)
        return missing


def canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def supported_tags(target: Target) -> frozenset[str]:
    """Wheel tags (interpreter-abi-platform) the target runtime installs."""
    from packaging import tags

    version = tuple(int(p) for p in target.python.split("."))
    platforms = list(target.platforms)
    found = [
        *tags.cpython_tags(python_version=version, abis=[target.cp], platforms=platforms),
        *tags.compatible_tags(python_version=version, interpreter=target.cp, platforms=platforms),
    ]
    return frozenset(str(t) for t in found)


def wheel_tags(filename: str) -> frozenset[str]:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    try:
        return frozenset(str(t) for t in parse_wheel_filename(filename)[3])
    except InvalidWheelFilename:
        return frozenset()


def find_uv(project: Path, environ: Mapping[str, str] | None = None) -> str:
    """The uv executable: $RECIPEBOX_UV, $UV (set by `uv run`), .tools/bin/uv, then PATH."""
    env = os.environ if environ is None else environ
    candidates = [
        env.get("RECIPEBOX_UV", ""),
        env.get("UV", ""),
        str(project / ".tools" / "bin" / "uv"),
        shutil.which("uv") or "",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise LockError(
        "uv is needed to read uv.lock: run `make sync` (it installs uv into .tools/bin), "
        "install uv, or set RECIPEBOX_UV to its path"
    )


def export_command(uv: str, extras: Iterable[str], prune: Iterable[str]) -> list[str]:
    command = [uv, "export", "--frozen", "--no-default-groups", "--no-emit-project"]
    command += ["--format", "requirements-txt", "--no-header", "--no-annotate"]
    for extra in sorted(set(extras)):
        command += ["--extra", extra]
    for name in sorted(set(prune)):
        command += ["--prune", name]
    return command


def parse_export(text: str) -> list[Requirement]:
    """Requirement lines of `uv export` (continuation lines joined; comments skipped)."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line and not line.startswith(("#", "-")):
            logical.append(line)
    found = []
    for line in logical:
        words = line.split()
        hashes = tuple(w.removeprefix("--hash=") for w in words if w.startswith("--hash="))
        spec = " ".join(w for w in words if not w.startswith("--hash="))
        pin, _, marker = spec.partition(";")
        name, sep, version = pin.strip().partition("==")
        if not sep:
            raise LockError(f"uv export gave an unpinned requirement: {line!r}")
        found.append(Requirement(name.strip(), version.strip(), marker.strip(), hashes))
    return found


def read_lock_files(lock_path: Path) -> tuple[dict[tuple[str, str], LockedFiles], str]:
    """(name, version) -> files recorded in uv.lock, and the project's own version."""
    with lock_path.open("rb") as handle:  # tomllib reads bytes: UTF-8 by the TOML spec
        data = tomllib.load(handle)
    files: dict[tuple[str, str], LockedFiles] = {}
    project_version = "0"
    for package in data.get("package", []):
        name, version = canonical(package["name"]), str(package.get("version", ""))
        source = package.get("source", {})
        if "editable" in source or "virtual" in source:
            project_version = version or project_version
            continue
        wheels = tuple(w["url"].rsplit("/", 1)[-1] for w in package.get("wheels", []))
        files[(name, version)] = LockedFiles(wheels=wheels, sdist="sdist" in package)
    return files, project_version


def project_extras(project: Path) -> tuple[str, ...]:
    """The optional-dependency names pyproject.toml declares."""
    with (project / "pyproject.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(sorted(data.get("project", {}).get("optional-dependencies", {})))


def locked_for(
    project: Path,
    target: Target,
    *,
    extras: Sequence[str] = (),
    without: Sequence[str] = (),
    uv: str | None = None,
) -> Locked:
    """The project's locked runtime requirements that apply to `target`."""
    available = [e for e in project_extras(project) if e not in UNPACKAGED_EXTRAS]
    for extra in extras:
        if extra not in available:
            reason = UNPACKAGED_EXTRAS.get(extra, "not an extra of the project")
            raise LockError(f"--with {extra}: {reason}; choose from {', '.join(available)}")
    prune = list(RUNTIME_PROVIDED)
    for group in without:
        if group not in OPTIONAL_GROUPS:
            raise LockError(f"unknown group {group!r}: choose from {', '.join(OPTIONAL_GROUPS)}")
        prune.extend(OPTIONAL_GROUPS[group])
    lock_path = project / "uv.lock"
    if not lock_path.is_file():
        raise LockError(f"no uv.lock in {project}: run `uv lock` first")
    command = export_command(uv or find_uv(project), extras, prune)
    result = subprocess.run(  # noqa: S603 - a fixed command line; no shell
        command,
        cwd=project,
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONUTF8": "1"},
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise LockError(f"uv export failed: {message}")
    exported = parse_export(result.stdout.decode("utf-8"))
    files, project_version = read_lock_files(lock_path)
    applicable = tuple(r for r in exported if r.applies_to(target))
    return Locked(applicable, files, project_version)
