"""`recipebox package` for real: wheels from PyPI for x86_64 and arm64, bytecode, the zip.

Needs the network (PyPI) and uv; wheels are cached between the builds of this module.
Builds leave URL import out (`--without import`, the lxml/rdflib half of the download) to keep
the runtime reasonable; the rest of the app, SQLAlchemy and Flask included, is in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from recipebox.deploy.bundle import UNUSED_PACKAGES
from recipebox.deploy.lock import LockError, find_uv
from recipebox.deploy.package import PackageOptions, PackageResult, build_package, find_python
from recipebox.deploy.target import UNZIPPED_LIMIT, ZIPPED_LIMIT, Target, elf_machine_of

PROJECT = Path(__file__).resolve().parents[3]
# The bootstrap uv of the project's build machines, when `make sync` has not run.
BOOTSTRAP_UV = Path("/opt/uvboot/bin/uv")
DISH = "Crème brûlée"


@pytest.fixture(scope="module")
def uv() -> str:
    try:
        return find_uv(PROJECT)
    except LockError:
        if BOOTSTRAP_UV.is_file():
            return str(BOOTSTRAP_UV)
        pytest.skip("uv not found: `make sync` installs it into .tools/bin")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pip-cache")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, so every build of this module reads the same inputs."""
    return copy_project(tmp_path_factory.mktemp("snapshot") / "recipebox")


def build(project: Path, uv: str, cache: Path, out: Path, arch: str) -> PackageResult:
    options = PackageOptions(
        project=project,
        target=Target(arch, "3.12"),
        out=out,
        without=("import",),
        cache_dir=cache,
        uv=uv,
    )
    return build_package(options)


@pytest.fixture(scope="module")
def x86_64(
    snapshot: Path, uv: str, cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> PackageResult:
    return build(snapshot, uv, cache, tmp_path_factory.mktemp("x86_64"), "x86_64")


@pytest.fixture(scope="module")
def arm64(
    snapshot: Path, uv: str, cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> PackageResult:
    return build(snapshot, uv, cache, tmp_path_factory.mktemp("arm64"), "arm64")


def top_levels(result: PackageResult) -> set[str]:
    with zipfile.ZipFile(result.path) as archive:
        return {name.split("/", 1)[0] for name in archive.namelist()}


@pytest.mark.parametrize("package", ["x86_64", "arm64"])
def test_holds_the_app_and_its_runtime_dependencies_only(
    package: str, request: pytest.FixtureRequest
) -> None:
    result: PackageResult = request.getfixturevalue(package)
    found = top_levels(result)
    assert {"recipebox", "flask", "sqlalchemy", "alembic", "pymysql", "authlib"} <= found
    assert not found & {"boto3", "botocore", "s3transfer", "bin", "recipe_scrapers", "lxml"}
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
    assert not [n for n in names if "/tests/" in n or n.endswith((".pyi", "/RECORD"))]
    host_bytecode = f"cpython-{sys.version_info.major}{sys.version_info.minor}.pyc"
    assert not [n for n in names if n.endswith(host_bytecode)]
    # Dependencies ship bytecode only (legacy layout); the app keeps its source too.
    assert "flask/app.pyc" in names
    assert "flask/app.py" not in names
    assert {"recipebox/aws/handlers.py", "recipebox/aws/__pycache__/handlers.cpython-312.pyc"} <= (
        set(names)
    )
    assert "recipebox/store/sql/migrations/versions/0001_initial.py" in names


@pytest.mark.parametrize(("package", "machine"), [("x86_64", 0x3E), ("arm64", 0xB7)])
def test_compiled_extensions_are_linux_binaries_for_the_target_cpu(
    package: str, machine: int, request: pytest.FixtureRequest
) -> None:
    result: PackageResult = request.getfixturevalue(package)
    with zipfile.ZipFile(result.path) as archive:
        extensions = [n for n in archive.namelist() if n.endswith(".so")]
        checked = [
            n for n in extensions if n.startswith(("markupsafe/_speedups", "sqlalchemy/engine/"))
        ]
        assert checked
        assert {elf_machine_of(archive.read(n)[:20]) for n in extensions} == {machine}


@pytest.mark.parametrize("package", ["x86_64", "arm64"])
def test_fits_lambda_and_reports_sizes(package: str, request: pytest.FixtureRequest) -> None:
    result: PackageResult = request.getfixturevalue(package)
    assert result.path.stat().st_size == result.sizes.zipped < ZIPPED_LIMIT
    assert result.sizes.unzipped < UNZIPPED_LIMIT
    shares = result.sizes.shares
    assert [s.zipped for s in shares] == sorted((s.zipped for s in shares), reverse=True)
    assert {"sqlalchemy", "cryptography", "recipebox"} <= {s.name for s in shares[:5]}
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()


def test_building_twice_gives_the_same_bytes(
    snapshot: Path, uv: str, cache: Path, x86_64: PackageResult, tmp_path: Path
) -> None:
    again = build(snapshot, uv, cache, tmp_path, "x86_64")
    assert again.sha256 == x86_64.sha256


def copy_project(destination: Path) -> Path:
    """A copy of the project (holding a file with a non-ASCII name and text)."""
    destination.mkdir()
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copy2(PROJECT / name, destination / name)
    shutil.copytree(
        PROJECT / "src", destination / "src", ignore=shutil.ignore_patterns("__pycache__")
    )
    package = destination / "src" / "recipebox"
    (package / "crème.py").write_text(f'DISH = "{DISH}"\n', encoding="utf-8")
    (package / "seed" / f"{DISH}.txt").write_text(f"{DISH}: 4 jaunes d'œufs\n", encoding="utf-8")
    return destination


def test_builds_under_a_non_utf8_locale(uv: str, cache: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / DISH)  # a folder name the ASCII locale cannot spell
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHON"))}
    env |= {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "RECIPEBOX_UV": uv}
    command = [sys.executable, "-m", "recipebox.deploy", "package", "--project", str(project)]
    command += ["--out", str(out), "--arch", "x86_64", "--cache-dir", str(cache)]
    command += ["--without", "import", "--without", "sql", "--without", "web"]
    done = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert b"total" in done.stdout
    (built,) = out.glob("*.zip")
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        assert "recipebox/crème.py" in names  # stored as UTF-8, whatever the locale
        assert "recipebox/__pycache__/crème.cpython-312.pyc" in names
        assert archive.read(f"recipebox/seed/{DISH}.txt").decode("utf-8").startswith(DISH)
        assert not {n.split("/", 1)[0] for n in names} & {"flask", "sqlalchemy"}


RUN_FROM_PACKAGE = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
os.environ.update(RECIPEBOX_DATABASE_URL="sqlite:///" + sys.argv[2], RECIPEBOX_SECRET_KEY="k",
                  AWS_LAMBDA_FUNCTION_NAME="recipebox-web")
from recipebox.aws import handlers
from recipebox.aws.events import rest_event
answers = [handlers.web({"recipebox": command}, None) for command in ("db-upgrade", "seed-demo")]
events = {"/": rest_event(), "/?q=garlic": rest_event(query={"q": ["garlic"]})}
pages = {path: handlers.web(event, None) for path, event in events.items()}
print(json.dumps({"answers": answers, "pages": {p: r["statusCode"] for p, r in pages.items()},
                  "home": pages["/"]["body"][:20000], "modules": sorted(sys.modules)}))
"""


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="runs the x86_64 package's binaries")
def test_the_package_migrates_and_serves_pages_on_its_own(
    x86_64: PackageResult, tmp_path: Path
) -> None:
    # Only the zip and the target's standard library (-I -S: no site-packages): what Lambda has.
    python = find_python(Target("x86_64", "3.12"))
    assert python is not None, "the package was compiled with a Python 3.12"
    root = tmp_path / "task"
    with zipfile.ZipFile(x86_64.path) as archive:
        archive.extractall(root)
        names = archive.namelist()
    assert not [n for n in names if n.startswith(UNUSED_PACKAGES)]  # pruned, yet all works
    done = subprocess.run(
        [python, "-I", "-S", "-c", RUN_FROM_PACKAGE, str(root), str(tmp_path / "rb.db")],
        capture_output=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-3000:]
    seen = json.loads(done.stdout.decode("utf-8").splitlines()[-1])
    assert [answer["ok"] for answer in seen["answers"]] == [True, True]
    assert seen["pages"] == {"/": 200, "/?q=garlic": 200}
    assert 'href="/dev/recipes/' in seen["home"]  # demo recipe cards, linked under the stage
    assert not [m for m in seen["modules"] if m.startswith(("sqlalchemy.orm", "boto3"))]
