"""The `recipebox` command line: every command end to end on SQLite, and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recipebox.cli import main


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("RECIPEBOX_DATABASE_URL", "RECIPEBOX_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_shopping_list_merges_three_demo_recipes(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--database-url", db, "seed", "--demo")[0] == 0
    for title in ("Spaghetti Bolognese", "Chicken Tikka Masala", "Shakshuka"):
        code, out, _ = run(capsys, "--database-url", db, "select", "--user", "ann", title)
        assert (code, out.startswith(f"ann: selected '{title}'")) == (0, True)
    code, out, _ = run(capsys, "--database-url", db, "shopping-list", "--user", "ann", "--json")
    assert code == 0
    shopping = json.loads(out)
    lines = {line["name"]: line for group in shopping["aisles"] for line in group["lines"]}
    garlic = lines["Garlic"]
    assert [r["title"] for r in garlic["recipes"]] == [
        "Spaghetti Bolognese",
        "Chicken Tikka Masala",
        "Shakshuka",
    ]
    # Each recipe's garlic, scaled to its own servings, summed exactly.
    assert garlic["unit"] == "clove"
    assert next(group["aisle"] for group in shopping["aisles"]) == "produce"
    code, text, _ = run(capsys, "--database-url", db, "shopping-list", "--user", "ann")
    assert (code, "Produce" in text, "Check you have" in text) == (0, True, True)


def test_export_then_import_round_trips_exactly(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--database-url", db, "seed", "--demo")
    run(capsys, "--database-url", db, "select", "--user", "bo", "Shakshuka", "--servings", "3")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run(capsys, "--database-url", db, "export", str(first))[0] == 0
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run(capsys, "--database-url", other, "import", str(first))[0] == 0
    assert run(capsys, "--database-url", other, "export", str(second))[0] == 0
    assert json.loads(first.read_text(encoding="utf-8")) == json.loads(
        second.read_text(encoding="utf-8")
    )


def test_a_malformed_import_writes_nothing(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--database-url", db, "seed", "--demo")
    good = tmp_path / "good.json"
    run(capsys, "--database-url", db, "export", str(good))
    document = json.loads(good.read_text(encoding="utf-8"))
    document["records"]["recipes"][5] = {"id": "broken"}  # halfway through: no title
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    code, _, err = run(capsys, "--database-url", empty, "import", str(bad))
    assert code != 0
    assert err.startswith("recipebox import: error:")
    assert err.count("\n") == 1
    code, _out, _ = run(capsys, "--database-url", empty, "export", str(tmp_path / "after.json"))
    after = json.loads((tmp_path / "after.json").read_text(encoding="utf-8"))
    assert all(rows == [] for rows in after["records"].values())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--database-url", "foo://x", "db", "upgrade"], "unknown database URL scheme 'foo'"),
        (
            ["--database-url", "mysql+pymysql://root:hunter2@127.0.0.1:1/x", "db", "upgrade"],
            "unavailable",
        ),
        (["shopping-list", "--user", "nobody"], "no local user named 'nobody'"),
        (["select", "--user", "ann", "No Such Recipe"], "no recipe with id or title"),
        (["import", "/nonexistent/file.json"], "no such file"),
    ],
)
def test_bad_input_gets_one_line_and_a_nonzero_exit(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    if argv[0] != "--database-url":
        argv = ["--database-url", db, *argv]
        run(capsys, "--database-url", db, "db", "upgrade")
    code, _, err = run(capsys, *argv)
    assert code != 0
    assert message in err
    assert err.count("\n") == 1
    assert "hunter2" not in err


def test_copy_data_copies_and_verifies(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--database-url", db, "seed", "--demo")
    run(capsys, "--database-url", db, "select", "--user", "cy", "Shakshuka")
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    code, out, _ = run(capsys, "copy-data", "--from", db, "--to", target)
    assert code == 0
    assert "verified:" in out
    assert "recipes" in out
    code, out, _ = run(capsys, "copy-data", "--from", db, "--to", target)
    assert (code, "0 written" in out) == (0, True)  # idempotent: nothing left to write
