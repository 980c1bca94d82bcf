"""Install the locked dependencies for the target from wheels built for it, never the host's.

pip is told the target's platform tags, implementation and Python version, and accepts only
wheels (`--only-binary=:all:`): a dependency with compiled code and no manylinux wheel (the
mysqlclient trap) fails the build by name instead of shipping a macOS or Windows binary.
Dependencies are exact pins with hashes (`--require-hashes --no-deps`): what the lock says,
nothing resolved again.

A locked version published as source only (jstyleson, used by recipe-scrapers) is built into
a wheel first, and accepted only if that wheel is pure Python (`py3-none-any`): pure code runs
anywhere, so building it on the host is safe; anything else fails the build.

After installing, every shared library is checked to be an ELF file for the target CPU.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from recipebox.deploy.lock import Locked, LockedFiles, Requirement, canonical, wheel_tags
from recipebox.deploy.target import Target, elf_machine_of
from recipebox.domain.errors import RecipeboxError

PURE_PLATFORM = "none-any"
_NO_MATCH = re.compile(r"No matching distribution found for ([A-Za-z0-9_.\-]+)")
_EXTENSIONS = (".so", ".pyd", ".dylib", ".dll")


class WheelError(RecipeboxError):
    """A dependency cannot be installed for the target; the message names it."""


def child_env() -> dict[str, str]:
    """Environment for pip and other Python children: UTF-8 whatever the locale says."""
    return {
        **os.environ,
        "PYTHONUTF8": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }


def run_pip(args: Sequence[str], *, what: str) -> str:
    """Run `python -m pip ARGS`; return its output, or raise WheelError explaining it."""
    command = [sys.executable, "-m", "pip", *args]
    result = subprocess.run(command, capture_output=True, check=False, env=child_env())  # noqa: S603
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    if result.returncode != 0:
        missing = _NO_MATCH.findall(output)
        if missing:
            raise WheelError(f"{what}: no usable wheel for {', '.join(sorted(set(missing)))}")
        if "No module named pip" in output:
            raise WheelError("pip is needed to build the package: `uv pip install pip`")
        tail = "\n".join(output.strip().splitlines()[-12:])
        raise WheelError(f"{what} failed:\n{tail}")
    return output


def platform_args(target: Target) -> list[str]:
    args = []
    for platform in target.platforms:
        args += ["--platform", platform]
    return [*args, "--implementation", "cp", "--python-version", target.python]


def build_pure_wheels(
    requirements: Sequence[Requirement], wheelhouse: Path, cache: list[str]
) -> list[Path]:
    """Build source-only requirements into wheels; every one must be pure Python."""
    if not requirements:
        return []
    wheelhouse.mkdir(parents=True, exist_ok=True)
    spec = wheelhouse / "source-only.txt"
    spec.write_text("".join(r.line() + "\n" for r in requirements), encoding="utf-8")
    names = ", ".join(f"{r.name} {r.version}" for r in requirements)
    run_pip(
        [
            "wheel",
            "--no-deps",
            "--require-hashes",
            "--no-binary",
            ":all:",
            "-r",
            str(spec),
            "--wheel-dir",
            str(wheelhouse),
            *cache,
        ],
        what=f"building {names} from source",
    )
    built = []
    for req in requirements:
        stem = req.name.replace("-", "_").lower() + "-" + req.version + "-"
        found = [p for p in sorted(wheelhouse.glob("*.whl")) if p.name.lower().startswith(stem)]
        if not found:
            raise WheelError(f"{req.name} {req.version}: pip built no wheel")
        tags = wheel_tags(found[0].name)
        if not tags or not all(t.endswith(PURE_PLATFORM) for t in tags):
            raise WheelError(
                f"{req.name} {req.version} has no wheel for the target and its source builds "
                f"compiled code ({found[0].name}): it would be the build machine's binary. "
                "Pin a version with manylinux wheels or replace the dependency."
            )
        built.append(found[0])
    return built


def install(
    locked: Locked,
    target: Target,
    staging: Path,
    *,
    wheelhouse: Path,
    cache_dir: Path | None = None,
) -> None:
    """Install every locked requirement for `target` into `staging` (a `--target` folder)."""
    cache = ["--cache-dir", str(cache_dir)] if cache_dir else []
    source_only = locked.without_wheel(target)
    no_sdist = [
        r
        for r in source_only
        if not locked.files.get((canonical(r.name), r.version), LockedFiles()).sdist
    ]
    if no_sdist:
        names = ", ".join(f"{r.name} {r.version}" for r in no_sdist)
        raise WheelError(f"no wheel for {target.describe()} and no source in uv.lock: {names}")
    pure = build_pure_wheels(source_only, wheelhouse, cache)
    binary = [r for r in locked.requirements if r not in source_only]
    spec = wheelhouse / "requirements.txt"
    wheelhouse.mkdir(parents=True, exist_ok=True)
    spec.write_text("".join(r.line() + "\n" for r in binary), encoding="utf-8")
    common = ["install", "--no-deps", "--no-compile", "--target", str(staging), *cache]
    run_pip(
        [
            *common,
            "--require-hashes",
            "--only-binary=:all:",
            *platform_args(target),
            "-r",
            str(spec),
        ],
        what=f"installing wheels for {target.describe()}",
    )
    if pure:
        run_pip([*common, "--no-index", *map(str, pure)], what="installing source-built wheels")
    check_binaries(staging, target)


def check_binaries(root: Path, target: Target) -> None:
    """Every compiled extension under `root` is ELF for the target CPU (else WheelError)."""
    wrong = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not (path.suffix in _EXTENSIONS or ".so." in path.name):
            continue
        with path.open("rb") as handle:
            machine = elf_machine_of(handle.read(20))
        if machine != target.elf_machine:
            wrong.append(path.relative_to(root).as_posix())
    if wrong:
        shown = ", ".join(wrong[:5]) + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        raise WheelError(f"compiled files that are not Linux {target.machine} binaries: {shown}")
