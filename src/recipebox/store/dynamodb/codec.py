"""Items <-> domain objects, in one place: attribute values, entity records, recipe summaries.

Entity items (users, identities, selections, ...) hold the fields of their
`recipebox.domain.records` record as plain attributes next to `pk`, `sk` and `kind`, so an item
reads like the record in the console and single fields (servings, checked) update atomically.
A recipe item holds its record as one compact JSON string (`data`), the card fields as another
(`summary`), a version number (`v`) and the keys of its index items (`ix`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from recipebox.domain import records
from recipebox.domain.errors import Invalid
from recipebox.domain.recipes import Recipe, RecipeSummary
from recipebox.store.dynamodb.keys import KIND, PK, SK, recipe_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    Wire = dict[str, AttributeValueTypeDef]

Item = dict[str, Any]  # an item with plain Python values (str, int, bool, None, list, dict)

MAX_ITEM_BYTES = 400 * 1024  # DynamoDB's item size limit, attribute names included
RECIPE_KIND = "recipes"


# --- attribute values -------------------------------------------------------------------------
def to_wire(value: object) -> AttributeValueTypeDef:
    """Serialise a plain value (no floats: every number recipebox stores is an int)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, list | tuple):
        return {"L": [to_wire(v) for v in value]}
    if isinstance(value, Mapping):
        return {"M": {str(k): to_wire(v) for k, v in value.items()}}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def from_wire(value: Mapping[str, Any]) -> Any:
    """Deserialise an attribute value; numbers become int (or float if fractional)."""
    kind, raw = next(iter(value.items()))
    if kind == "S" or kind == "BOOL":
        return raw
    if kind == "N":
        number = str(raw)
        return int(number) if number.lstrip("-").isdigit() else float(number)
    if kind == "NULL":
        return None
    if kind == "L":
        return [from_wire(v) for v in raw]
    if kind == "M":
        return {k: from_wire(v) for k, v in raw.items()}
    raise TypeError(f"unsupported DynamoDB attribute type {kind}")


def encode(item: Mapping[str, object]) -> Wire:
    return {name: to_wire(value) for name, value in item.items()}


def decode(item: Mapping[str, Any]) -> Item:
    return {name: from_wire(value) for name, value in item.items()}


def item_size(item: Mapping[str, object]) -> int:
    """An upper bound of the stored size: attribute names plus UTF-8 values (numbers ~21 bytes)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: object) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, list | tuple):
        return 3 + sum(1 + _value_size(v) for v in value)
    if isinstance(value, Mapping):
        return 3 + sum(1 + len(str(k).encode()) + _value_size(v) for k, v in value.items())
    return 21 if isinstance(value, int) and not isinstance(value, bool) else 1


# --- entity items -------------------------------------------------------------------------------
_INTERNAL = frozenset({PK, SK, KIND})


def entity_item(key: Mapping[str, str], kind: str, record: Mapping[str, Any]) -> Item:
    """An entity item: the record's fields as attributes, plus the key and the kind."""
    return {**record, **key, KIND: kind}


def entity_record(item: Mapping[str, Any]) -> dict[str, Any]:
    """The record stored in an entity item."""
    if item.get(KIND) == RECIPE_KIND:
        record: dict[str, Any] = json.loads(item["data"])
        return record
    return {name: value for name, value in item.items() if name not in _INTERNAL}


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- recipes ----------------------------------------------------------------------------------
def summary_record(recipe: Recipe) -> dict[str, Any]:
    return {
        "id": recipe.id,
        "title": recipe.title,
        "description": recipe.description,
        "servings": recipe.servings,
        "tags": list(recipe.tags),
        "image_url": recipe.image_url,
        "owner_id": recipe.owner_id,
    }


def summary_of(text: str) -> RecipeSummary:
    rec = json.loads(text)
    return RecipeSummary(
        id=rec["id"],
        title=rec["title"],
        description=rec["description"],
        servings=int(rec["servings"]),
        tags=tuple(rec["tags"]),
        image_url=rec["image_url"],
        owner_id=rec["owner_id"],
    )


def recipe_item(recipe: Recipe, version: int, index_keys: list[tuple[str, str]]) -> Item:
    """The recipe's main item; Invalid when it would pass DynamoDB's 400 KB item limit."""
    item: Item = {
        **recipe_key(recipe.id),
        KIND: RECIPE_KIND,
        "data": compact(records.recipe_to_record(recipe)),
        "summary": compact(summary_record(recipe)),
        "v": version,
        "ix": compact(index_keys),  # one string: cheaper to (de)serialise than nested lists
    }
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise Invalid(
            f"recipe {recipe.title!r} is too large to store "
            f"({size // 1024} KB; DynamoDB's limit is 400 KB)"
        )
    return item


def recipe_of(item: Mapping[str, Any]) -> Recipe:
    return records.recipe_from_record(json.loads(item["data"]))


def index_keys_of(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (pk, sk) of every index item written with this recipe item."""
    return [(pk, sk) for pk, sk in json.loads(item.get("ix", "[]"))]


def key_of(item: Mapping[str, Any]) -> tuple[str, str]:
    return item[PK], item[SK]
