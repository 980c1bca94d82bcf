"""The demo recipes of demo.json, with fixed ids and dates: loading them twice changes nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

from recipebox.domain.parsing import parse_ingredients
from recipebox.domain.recipes import Recipe
from recipebox.seed import crockford

# The date of the first recipe in demo.json; each later one is an hour older, so a listing
# newest-first shows them in file order (the three sharing ingredients come first).
_NEWEST = datetime(2025, 1, 6, 12, 0, tzinfo=UTC)


def demo_id(title: str) -> str:
    """The fixed id of the demo recipe titled `title`: "0DEM0" and 105 bits of its SHA-256.

    ULID-shaped (26 Crockford base32 characters) like every other id, and recognisable; the
    prefix ends in a zero because Crockford base32 has no letter O.
    """
    digest = hashlib.sha256(title.encode("utf-8")).digest()
    return "0DEM0" + crockford(int.from_bytes(digest[:14], "big") >> 7, 21)


def demo_recipes() -> list[Recipe]:
    """Load the demo recipes, ingredient lines parsed; ids and dates are the same on every call."""
    text = files("recipebox.seed").joinpath("demo.json").read_text(encoding="utf-8")
    return [_recipe(index, record) for index, record in enumerate(json.loads(text))]


def _recipe(index: int, record: dict[str, Any]) -> Recipe:
    created = _NEWEST - timedelta(hours=index)
    return Recipe(
        id=demo_id(record["title"]),
        title=record["title"],
        description=record["description"],
        servings=int(record["servings"]),
        ingredients=parse_ingredients(record["ingredients"]),
        steps=list(record["steps"]),
        tags=list(record["tags"]),
        source_url=record.get("source_url"),
        image_url=record.get("image_url"),
        owner_id=None,
        created_at=created,
        updated_at=created,
    )
