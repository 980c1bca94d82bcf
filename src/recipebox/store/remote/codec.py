"""JSON codecs for every argument and result type of the data protocol.

Entities go through `recipebox.domain.records`, the one record format of export files and
copy-data; the types it has no converter for (a Selection without its user, RecipeSummary,
Page, ShoppingData, tag counts, a dump page) are converted here. What arrives over the wire is
untrusted: decoding checks the type of every value of the protocol's own structures (a bool is
not an integer), entity records fail in their `records` converter when a field is missing or
malformed, and the backend validates the rest as it does for local callers. A failure raises
TypeError, ValueError or KeyError, which each side turns into its own error (server: Invalid;
client: StorageUnavailable, as a malformed answer is the service's fault).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from recipebox.domain import records
from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.domain.recipes import Page, Recipe, RecipeSummary
from recipebox.domain.users import AccessToken

T = TypeVar("T")
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Codec(Generic[T]):
    """How one Python type travels: `encode` makes JSON-ready data, `decode` checks and reverts."""

    name: str
    encode: Callable[[T], Any]
    decode: Callable[[Any], T]


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _checked(kind: type, name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        # bool is an int in Python, never on the wire.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {name}, got {_type_name(value)}")
        return value

    return check


def _same(value: T) -> T:
    return value


def _none(value: Any) -> None:
    if value is not None:
        raise TypeError(f"expected null, got {_type_name(value)}")


def _object(value: Any) -> Record:
    checked: Record = _checked(dict, "an object")(value)
    return checked


STR: Codec[str] = Codec("string", _same, _checked(str, "a string"))
INT: Codec[int] = Codec("integer", _same, _checked(int, "an integer"))
BOOL: Codec[bool] = Codec("boolean", _same, _checked(bool, "a boolean"))
NONE: Codec[None] = Codec("null", _same, _none)


def optional(codec: Codec[T]) -> Codec[T | None]:
    def encode(value: T | None) -> Any:
        return None if value is None else codec.encode(value)

    def decode(value: Any) -> T | None:
        return None if value is None else codec.decode(value)

    return Codec(f"{codec.name} or null", encode, decode)


def list_of(codec: Codec[T]) -> Codec[list[T]]:
    def encode(values: Iterable[T]) -> Any:
        return [codec.encode(value) for value in values]

    def decode(value: Any) -> list[T]:
        return [codec.decode(item) for item in _checked(list, "a list")(value)]

    return Codec(f"list of {codec.name}", encode, decode)


def entity(
    name: str, to_record: Callable[[T], Record], from_record: Callable[[Record], T]
) -> Codec[T]:
    return Codec(name, to_record, lambda value: from_record(_object(value)))


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(STR.decode(value))


# --- types recipebox.domain.records has no converter for -------------------------------------
def _selection_to_record(selection: Selection) -> Record:
    return {
        "recipe_id": selection.recipe_id,
        "servings": selection.servings,
        "added_at": selection.added_at.isoformat(),
    }


def _selection_from_record(rec: Record) -> Selection:
    return Selection(
        STR.decode(rec["recipe_id"]), INT.decode(rec["servings"]), _time(rec["added_at"])
    )


def _summary_to_record(summary: RecipeSummary) -> Record:
    return {
        "id": summary.id,
        "title": summary.title,
        "description": summary.description,
        "servings": summary.servings,
        "tags": list(summary.tags),
        "image_url": summary.image_url,
        "owner_id": summary.owner_id,
    }


def _summary_from_record(rec: Record) -> RecipeSummary:
    return RecipeSummary(
        id=STR.decode(rec["id"]),
        title=STR.decode(rec["title"]),
        description=STR.decode(rec["description"]),
        servings=INT.decode(rec["servings"]),
        tags=tuple(STR_LIST.decode(rec["tags"])),
        image_url=OPT_STR.decode(rec["image_url"]),
        owner_id=OPT_STR.decode(rec["owner_id"]),
    )


def _page_to_record(page: Page) -> Record:
    return {
        "items": [_summary_to_record(item) for item in page.items],
        "total": page.total,
        "total_is_estimate": page.total_is_estimate,
        "page": page.page,
        "per_page": page.per_page,
    }


def _page_from_record(rec: Record) -> Page:
    return Page(
        items=tuple(SUMMARIES.decode(rec["items"])),
        total=INT.decode(rec["total"]),
        page=INT.decode(rec["page"]),
        per_page=INT.decode(rec["per_page"]),
        total_is_estimate=rec.get("total_is_estimate") is True,
    )


def _recipes_to_record(recipes: dict[str, Recipe]) -> Record:
    return {key: records.recipe_to_record(recipe) for key, recipe in recipes.items()}


def _recipes_from_record(rec: Record) -> dict[str, Recipe]:
    return {STR.decode(key): RECIPE.decode(value) for key, value in rec.items()}


def _shopping_to_record(data: ShoppingData) -> Record:
    return {
        "selections": [_selection_to_record(selection) for selection in data.selections],
        "recipes": _recipes_to_record(data.recipes),
        "items": [records.item_to_record(item) for item in data.items],
        "checked": sorted(data.checked),
        "staples": None if data.staples is None else list(data.staples),
    }


def _shopping_from_record(rec: Record) -> ShoppingData:
    staples = OPT_STR_LIST.decode(rec["staples"])
    return ShoppingData(
        selections=tuple(SELECTIONS.decode(rec["selections"])),
        recipes=RECIPE_MAP.decode(rec["recipes"]),
        items=tuple(LIST_ITEMS.decode(rec["items"])),
        checked=frozenset(STR_LIST.decode(rec["checked"])),
        staples=None if staples is None else tuple(staples),
    )


def _tag_counts_decode(value: Any) -> list[tuple[str, int]]:
    pairs = []
    for pair in _checked(list, "a list")(value):
        tag, count = _checked(list, "a [tag, count] pair")(pair)
        pairs.append((STR.decode(tag), INT.decode(count)))
    return pairs


def _records_decode(value: Any) -> dict[str, list[Record]]:
    # Only the shape is checked: the backend's `load` validates the records themselves, so
    # a bad record is refused with the same message as when loading locally.
    return {STR.decode(kind): list_of(RAW).decode(rows) for kind, rows in _object(value).items()}


def _dump_page_decode(value: Any) -> Record:
    rec = _object(value)
    return {
        "records": list_of(RAW).decode(rec["records"]),
        "after": OPT_STR_LIST.decode(rec["after"]),
    }


OPT_STR = optional(STR)
STR_LIST = list_of(STR)
OPT_STR_LIST = optional(STR_LIST)
RAW: Codec[Record] = Codec("object", _same, _object)
RECIPE = entity("recipe", records.recipe_to_record, records.recipe_from_record)
RECIPES = list_of(RECIPE)
RECIPE_MAP: Codec[dict[str, Recipe]] = Codec(
    "recipes by id", _recipes_to_record, lambda value: _recipes_from_record(_object(value))
)
SUMMARIES = list_of(entity("recipe summary", _summary_to_record, _summary_from_record))
PAGE = entity("page", _page_to_record, _page_from_record)
TAG_COUNTS: Codec[list[tuple[str, int]]] = Codec(
    "tag counts", lambda pairs: [[tag, count] for tag, count in pairs], _tag_counts_decode
)
USER = entity("user", records.user_to_record, records.user_from_record)
OPT_USER = optional(USER)
IDENTITY = entity("identity", records.identity_to_record, records.identity_from_record)
OPT_IDENTITY = optional(IDENTITY)
IDENTITIES = list_of(IDENTITY)
SELECTION = entity("selection", _selection_to_record, _selection_from_record)
SELECTIONS = list_of(SELECTION)
LIST_ITEM: Codec[ListItem] = entity("list item", records.item_to_record, records.item_from_record)
LIST_ITEMS = list_of(LIST_ITEM)
SHOPPING = entity("shopping data", _shopping_to_record, _shopping_from_record)
TOKEN: Codec[AccessToken] = entity(
    "access token", records.token_to_record, records.token_from_record
)
TOKENS = list_of(TOKEN)
RECORDS: Codec[dict[str, list[Record]]] = Codec("records by kind", _same, _records_decode)
DUMP_PAGE: Codec[Record] = Codec("dump page", _same, _dump_page_decode)
