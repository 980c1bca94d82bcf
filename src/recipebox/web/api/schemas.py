"""The OpenAPI components: JSON Schemas of every body the API reads or writes.

Limits come from `validation.py`, so the document states exactly what the views enforce.
Response schemas forbid unlisted properties: a field added to `payloads.py` without being
documented here fails the schema tests.
"""

from __future__ import annotations

from typing import Any

from recipebox.web.api.validation import (
    ITEM_MAX,
    LINE_MAX,
    LIST_MAX,
    NAME_MAX,
    SERVINGS_MAX,
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    TEXT_PATTERN,
    TITLE_MAX,
    URL_MAX,
    URL_PATTERN,
    VISIBLE_PATTERN,
)

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
NULLABLE_STRING: Schema = {"type": ["string", "null"]}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
TIME: Schema = {"type": "string", "format": "date-time"}
NULLABLE_UNITS: Schema = {"type": ["string", "null"], "enum": ["metric", "us", None]}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(doc: str, required: list[str] | None = None, /, **properties: Schema) -> Schema:
    """A closed object described by `doc`; every property required unless `required` says."""
    return {
        "type": "object",
        "description": doc,
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def text(max_length: int, *, non_empty: bool = False) -> Schema:
    """A string as `validation.as_string` reads it (no NUL; trimmed, so non-empty means a
    character other than ASCII whitespace)."""
    if non_empty:
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": max_length,
            "pattern": VISIBLE_PATTERN,
        }
    return {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN}


def array(items: Schema, *, max_items: int | None = None, min_items: int = 0) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema | ({"minItems": min_items} if min_items else {})


SERVINGS: Schema = {"type": "integer", "minimum": 1, "maximum": SERVINGS_MAX}
URL: Schema = {
    "type": ["string", "null"],
    "maxLength": URL_MAX,
    "pattern": URL_PATTERN,
    "description": "An absolute http(s) URL; null or an empty string clears it.",
}

_RECIPE_INPUT: dict[str, Schema] = {
    "title": text(TITLE_MAX, non_empty=True),
    "description": text(TEXT_MAX),
    "servings": SERVINGS | {"default": 4},
    "ingredients": array(text(LINE_MAX, non_empty=True), max_items=LIST_MAX, min_items=1)
    | {
        "description": "Ingredient lines as typed, parsed by the server (the text is kept). "
        'A line ending in a colon ("For the sauce:") starts a section.'
    },
    "steps": array(text(TEXT_MAX, non_empty=True), max_items=LIST_MAX),
    "tags": array(text(TAG_MAX, non_empty=True), max_items=TAGS_MAX)
    | {"description": "Stored in lower case, duplicates dropped."},
    "source_url": URL,
    "image_url": URL,
}

_LINE_REF: Schema = obj("A recipe a shopping line comes from.", id=STRING, title=STRING)
_SOURCE: Schema = obj(
    "An ingredient line (or manual item) that went into a shopping line.",
    recipe_id=NULLABLE_STRING,
    text=STRING,
)

COMPONENT_SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        "Every 4xx and 5xx response.",
        error=obj(
            "What went wrong.",
            code=STRING | {"description": 'Machine-readable: "not_found", "bad_request", ...'},
            message=STRING | {"description": "For people; names the field at fault."},
        ),
    ),
    "IngredientLine": obj(
        "One ingredient line: the text as written and what the parser understood of it.",
        text=STRING,
        quantity=NULLABLE_STRING | {"description": 'Exact: "3/2", or a range "1/2-1".'},
        unit=NULLABLE_STRING | {"description": 'A unit key ("g", "cup", "clove").'},
        food=STRING,
        note=STRING,
        section=NULLABLE_STRING,
        amount=STRING | {"description": 'Quantity and unit written readably ("1 ½ cups").'},
        display=STRING | {"description": "The whole line written readably."},
    ),
    "Recipe": obj(
        "A recipe; `servings`, amounts and displays follow ?servings= and ?units=.",
        id=STRING,
        title=STRING,
        description=STRING,
        servings=INTEGER,
        base_servings=INTEGER | {"description": "The servings the recipe is written for."},
        units=NULLABLE_UNITS,
        ingredients=array(ref("IngredientLine")),
        steps=array(STRING),
        tags=array(STRING),
        source_url=NULLABLE_STRING,
        image_url=NULLABLE_STRING,
        owner_id=NULLABLE_STRING | {"description": "null for the shared demo recipes."},
        editable=BOOLEAN | {"description": "Whether the caller owns it."},
        created_at=TIME,
        updated_at=TIME,
    ),
    "RecipeInput": obj("A new recipe, or every field of one (PUT).", ["title", "ingredients"])
    | {"properties": _RECIPE_INPUT},
    "RecipePatch": obj("Some fields of a recipe.", []) | {"properties": _RECIPE_INPUT},
    "RecipeSummary": obj(
        "What a search hit shows.",
        id=STRING,
        title=STRING,
        description=STRING,
        servings=INTEGER,
        tags=array(STRING),
        image_url=NULLABLE_STRING,
        owner_id=NULLABLE_STRING,
    ),
    "Page": obj(
        "One page of search results.",
        items=array(ref("RecipeSummary")),
        total=INTEGER | {"description": "Every match, on all pages (a lower bound if estimated)."},
        total_is_estimate={
            "type": "boolean",
            "description": "true when a very common query's total was capped (e.g. 1,000+).",
        },
        page=INTEGER,
        per_page=INTEGER,
        pages=INTEGER,
    ),
    "Selection": obj(
        "A recipe on the caller's list.",
        recipe_id=STRING,
        title=NULLABLE_STRING | {"description": "null when the recipe was deleted."},
        servings=INTEGER,
        added_at=TIME,
    ),
    "SelectionInput": obj("The servings wanted (default: the recipe's).", [], servings=SERVINGS),
    "SelectionList": obj("The caller's selections.", selections=array(ref("Selection"))),
    "ShoppingLine": obj(
        "One line of the shopping list: a food merged across recipes, or a manual item.",
        key=STRING | {"description": 'Stable: "flour|mass", "garlic|clove", "item:<id>".'},
        food=STRING,
        name=STRING,
        aisle=STRING,
        dimension=STRING,
        quantity=NULLABLE_STRING,
        unit=NULLABLE_STRING,
        amount=STRING,
        unquantified=BOOLEAN | {"description": 'A source line had no amount ("to taste").'},
        checked=BOOLEAN,
        item_id=NULLABLE_STRING,
        recipes=array(_LINE_REF),
        sources=array(_SOURCE),
    ),
    "ShoppingList": obj(
        "The merged list, aisle by aisle, then the pantry staples to check at home.",
        system=NULLABLE_UNITS,
        total=INTEGER,
        checked=INTEGER,
        recipes=array(obj("A selected recipe.", id=STRING, title=STRING, servings=INTEGER)),
        aisles=array(obj("One aisle.", aisle=STRING, lines=array(ref("ShoppingLine")))),
        staples=array(ref("ShoppingLine")),
    ),
    "ListItem": obj(
        "A manual item on the caller's list.",
        id=STRING,
        text=STRING,
        checked=BOOLEAN,
        created_at=TIME,
    ),
    "ListItemInput": obj(
        "A new manual item.",
        ["text"],
        text=text(ITEM_MAX, non_empty=True),
        checked=BOOLEAN | {"default": False},
    ),
    "ListItemList": obj("The caller's manual items.", items=array(ref("ListItem"))),
    "Staples": obj(
        "Foods the caller always has.",
        staples=array(STRING),
        defaults=BOOLEAN | {"description": "Whether these are the defaults (never set)."},
    ),
    "StaplesInput": obj(
        "The new pantry staples (replace the old ones).",
        staples=array(text(NAME_MAX, non_empty=True), max_items=LIST_MAX),
    ),
    "User": obj(
        "The caller.",
        id=STRING,
        name=STRING,
        display_name=STRING,
        avatar_url=NULLABLE_STRING,
        created_at=TIME,
        authenticated_by={"type": "string", "enum": ["session", "token"]},
    ),
    "Token": obj(
        "A personal access token (never its secret).", id=STRING, name=STRING, created_at=TIME
    ),
    "NewToken": obj(
        "A token just created: `secret` is shown this once.",
        id=STRING,
        name=STRING,
        created_at=TIME,
        secret=STRING | {"description": 'Send as "Authorization: Bearer <secret>".'},
    ),
    "TokenInput": obj("A new token's name.", name=text(NAME_MAX, non_empty=True)),
    "TokenList": obj("The caller's tokens, newest first.", tokens=array(ref("Token"))),
}
