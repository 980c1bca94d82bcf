"""Export and import everything as one JSON document (round-trips exactly)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from recipebox.domain.errors import Invalid
from recipebox.store.protocol import ENTITY_KINDS, Store

FORMAT = "recipebox-export"
VERSION = 1


def export_data(store: Store) -> dict[str, Any]:
    """Every record of every entity kind, in dependency order."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "records": {kind: list(store.dump(kind)) for kind in ENTITY_KINDS},
    }


def export_file(store: Store, path: Path) -> dict[str, int]:
    """Write the export to `path` (UTF-8 JSON); return counts per kind."""
    document = export_data(store)
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")
    tmp.replace(path)
    return {kind: len(rows) for kind, rows in document["records"].items()}


def read_export(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Read and validate an export file's shape; raise Invalid with a one-line reason."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Invalid(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"{path}: not a JSON export file ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid(f'{path}: not a recipebox export (missing "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise Invalid(f"{path}: unsupported export version {document.get('version')!r}")
    records = document.get("records")
    if not isinstance(records, dict):
        raise Invalid(f'{path}: "records" must be an object')
    unknown = set(records) - set(ENTITY_KINDS)
    if unknown:
        raise Invalid(f"{path}: unknown record kinds: {', '.join(sorted(unknown))}")
    for kind, rows in records.items():
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise Invalid(f"{path}: records.{kind} must be a list of objects")
    return records


def import_file(store: Store, path: Path) -> dict[str, int]:
    """Load an export file in one transaction (all or nothing); return counts per kind."""
    records = read_export(path)
    store.load(records)
    return {kind: len(records.get(kind, [])) for kind in ENTITY_KINDS}
