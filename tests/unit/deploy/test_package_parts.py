"""The package builder's pure parts: lock export parsing, markers, tags, pruning, the zip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from recipebox.deploy import bundle, changeset, lock, wheels
from recipebox.deploy.target import Target, elf_machine_of

EXPORT = """\
colorama==0.4.6 ; sys_platform == 'win32' \\
    --hash=sha256:aaa
flask==3.1.3 \\
    --hash=sha256:bbb \\
    --hash=sha256:ccc
soupsieve==2.10 ; python_full_version < '3.11.5' \\
    --hash=sha256:ddd
soupsieve==4.1.4 ; python_full_version >= '3.11.5' \\
    --hash=sha256:eee
"""
ELF_X86_64 = b"\x7fELF\x02\x01\x01" + b"\x00" * 11 + b"\x3e\x00"
ELF_AARCH64 = b"\x7fELF\x02\x01\x01" + b"\x00" * 11 + b"\xb7\x00"


def test_parses_the_export_and_keeps_what_applies_to_the_lambda_runtime() -> None:
    found = lock.parse_export(EXPORT)
    assert found[1] == lock.Requirement("flask", "3.1.3", "", ("sha256:bbb", "sha256:ccc"))
    applicable = [(r.name, r.version) for r in found if r.applies_to(Target("arm64", "3.12"))]
    # Not colorama (Windows only), and the soupsieve of Python 3.12, whatever runs the build.
    assert applicable == [("flask", "3.1.3"), ("soupsieve", "4.1.4")]
    assert found[1].line() == "flask==3.1.3 --hash=sha256:bbb --hash=sha256:ccc"


def test_target_tags_accept_manylinux_up_to_amazon_linux_2023_for_its_cpu_only() -> None:
    arm = lock.supported_tags(Target("arm64", "3.12"))
    assert {"cp312-cp312-manylinux_2_28_aarch64", "cp312-abi3-manylinux_2_34_aarch64"} <= arm
    assert "py3-none-any" in arm
    assert "cp312-cp312-manylinux_2_17_x86_64" not in arm
    assert "cp312-cp312-manylinux_2_35_aarch64" not in arm  # newer glibc than the runtime's
    assert "cp313-cp313-manylinux_2_17_aarch64" not in arm
    assert "cp312-cp312-musllinux_1_2_aarch64" not in arm


def test_a_locked_version_without_a_wheel_for_the_target_is_named() -> None:
    locked = lock.Locked(
        requirements=(
            lock.Requirement("jstyleson", "0.0.2"),
            lock.Requirement("markupsafe", "3.0.4"),
        ),
        files={
            ("jstyleson", "0.0.2"): lock.LockedFiles(wheels=(), sdist=True),
            ("markupsafe", "3.0.4"): lock.LockedFiles(
                wheels=("markupsafe-3.0.4-cp312-cp312-manylinux_2_17_x86_64.whl",), sdist=True
            ),
        },
    )
    assert [r.name for r in locked.without_wheel(Target("x86_64"))] == ["jstyleson"]
    assert [r.name for r in locked.without_wheel(Target("arm64"))] == ["jstyleson", "markupsafe"]


def test_unknown_extras_and_groups_are_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.optional-dependencies]\naws = ["boto3"]\n',
        encoding="utf-8",
    )
    with pytest.raises(lock.LockError, match="boto3 is part of the Lambda runtime"):
        lock.locked_for(tmp_path, Target(), extras=["aws"], uv="uv")
    with pytest.raises(lock.LockError, match="unknown group 'docs'"):
        lock.locked_for(tmp_path, Target(), without=["docs"], uv="uv")


def write(path: Path, data: bytes = b"x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_prune_leaves_out_what_never_runs_and_maps_files_to_distributions(tmp_path: Path) -> None:
    for name in [
        "pkg/__init__.py",
        "pkg/core.py",
        "pkg/core.pyi",
        "pkg/py.typed",
        "pkg/_speedups.c",
        "pkg/__pycache__/core.cpython-311.pyc",
        "pkg/tests/test_core.py",
        "pkg/data/table.json",
        "pkg-1.0.dist-info/METADATA",
        "pkg-1.0.dist-info/INSTALLER",
        "pkg-1.0.dist-info/WHEEL",
        "pkg-1.0.dist-info/licenses/LICENSE.txt",
        "bin/pkg-cli",
        "single.py",
    ]:
        write(tmp_path / name)
    (tmp_path / "pkg-1.0.dist-info/RECORD").write_text(
        "pkg/__init__.py,,\npkg/core.py,,\nsingle.py,,\n", encoding="utf-8"
    )
    owners = bundle.prune(tmp_path)
    kept = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert kept == [
        "pkg-1.0.dist-info/METADATA",
        "pkg-1.0.dist-info/licenses/LICENSE.txt",
        "pkg/__init__.py",
        "pkg/core.py",
        "pkg/data/table.json",
        "single.py",
    ]
    assert owners["pkg"] == owners["single.py"] == "pkg"
    assert bundle.owner_of("__pycache__/single.cpython-312.pyc", owners) == "pkg"
    assert bundle.owner_of("single.pyc", owners) == "pkg"


def test_the_zip_is_reproducible_sorted_and_keeps_utf8_names(tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    write(staging / "b.py", b"print('b')\n")
    write(staging / "a" / "Crème brûlée.txt", "Crème brûlée".encode())
    first = bundle.write_zip(staging, tmp_path / "one.zip", {})
    (staging / "b.py").touch()  # a newer mtime changes nothing
    second = bundle.write_zip(staging, tmp_path / "two.zip", {})
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["a/Crème brûlée.txt", "b.py"]
        assert {(i.date_time, i.external_attr >> 16, i.create_system) for i in infos} == {
            ((1980, 1, 1, 0, 0, 0), 0o100644, 3)
        }
        assert archive.read("a/Crème brûlée.txt").decode() == "Crème brûlée"


def test_compiled_files_for_another_cpu_fail_the_build(tmp_path: Path) -> None:
    assert elf_machine_of(ELF_X86_64) == 0x3E
    assert elf_machine_of(ELF_AARCH64) == 0xB7
    assert elf_machine_of(b"\xcf\xfa\xed\xfe" + b"\x00" * 16) is None  # a macOS binary
    write(tmp_path / "fast" / "_speedups.cpython-312-x86_64-linux-gnu.so", ELF_X86_64)
    wheels.check_binaries(tmp_path, Target("x86_64"))
    with pytest.raises(wheels.WheelError, match="not Linux aarch64 binaries: fast/_speedups"):
        wheels.check_binaries(tmp_path, Target("arm64"))


def test_targets_are_lambda_runtimes() -> None:
    assert Target().describe() == "python3.12 on arm64"
    assert Target("x86_64", "3.13").platforms[-1] == "manylinux2014_x86_64"
    with pytest.raises(ValueError, match="architecture 'aarch64'"):
        Target("aarch64")
    with pytest.raises(ValueError, match=r"Python '3\.11'"):
        Target(python="3.11")


def test_dry_run_plan_masks_credentials_in_parameter_values(tmp_path: Path) -> None:
    plan = changeset.Plan(
        stack_name="food",
        bucket="artifacts",
        template_path=tmp_path / "food.template.yaml",
        template_body="Resources: {}\n",
        parameters={
            "CodeBucket": "artifacts",
            "LegacyDatabaseUrl": "mysql+pymysql://app:s3cret@db.internal/recipes",
            "AdminPassword": "hunter2",
        },
        uploads=(changeset.Upload(tmp_path / "web.zip", "food/web-0123.zip"),),
        change_set_name="recipebox-20250101-000000",
        region="eu-west-1",
    )
    text = "\n".join(changeset.describe(plan))
    assert "s3cret" not in text
    assert "hunter2" not in text
    assert "LegacyDatabaseUrl=mysql+pymysql://app:****@db.internal/recipes" in text
    assert f"upload         {tmp_path / 'web.zip'} -> s3://artifacts/food/web-0123.zip" in text
    assert "change set     recipebox-20250101-000000" in text
