"""The OpenAPI 3.1 document of /api/v1, written by hand as data.

A test holds it to the app: every route under /api/v1 is documented with its methods, every
documented operation exists, and responses validate against the schemas in `schemas.py`.
"""

from __future__ import annotations

from typing import Any

from recipebox.web.api.schemas import COMPONENT_SCHEMAS, SERVINGS, Schema, ref, text
from recipebox.web.api.validation import PER_PAGE_MAX, QUERY_MAX, TAG_MAX

Operation = dict[str, Any]

DESCRIPTION = """\
Everything the recipebox pages do, as JSON: recipes, your selections, the merged shopping
list, manual items and pantry staples.

**Authentication.** Either a personal access token, sent as `Authorization: Bearer rbx_...`
(create one on the Settings → Access tokens page, or with `POST /tokens` while signed in),
or the site's session cookie. With the cookie, every write (POST, PUT, PATCH, DELETE) must also
send the `X-CSRFToken` header; a token needs no such header. A token acts only as its owner.

**Bodies** are JSON (`Content-Type: application/json`, at most 1 MB). Unknown fields are
refused, and every error names the field at fault.

**Errors** are `{"error": {"code": "...", "message": "..."}}` with a 4xx or 5xx status.
"""

ERRORS: dict[str, tuple[str, str]] = {
    "400": (
        "Invalid",
        "The input is invalid (the message names the field), or the CSRF "
        "header is missing on a cookie-authenticated write.",
    ),
    "401": ("Unauthenticated", "Neither a session nor a valid, unrevoked token."),
    "403": ("Forbidden", "Not the caller's to change."),
    "404": ("NotFound", "No such object, or not the caller's."),
    "409": ("Conflict", "A limit was reached or the change clashes with the current state."),
    "413": ("TooLarge", "The body is over 1 MB."),
    "415": ("UnsupportedMediaType", "The body is not JSON."),
}

PARAMETERS: dict[str, Schema] = {
    "RecipeId": {"name": "recipe_id", "in": "path", "required": True, "schema": {"type": "string"}},
    "ItemId": {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}},
    "TokenId": {"name": "token_id", "in": "path", "required": True, "schema": {"type": "string"}},
    "LineKey": {
        "name": "key",
        "in": "path",
        "required": True,
        "description": 'A shopping line\'s `key`, percent-encoded ("flour%7Cmass").',
        "schema": {"type": "string"},
    },
    "Units": {
        "name": "units",
        "in": "query",
        "description": "Convert masses and volumes to this system (default: as written).",
        "schema": {"type": "string", "enum": ["metric", "us"]},
    },
    "Servings": {
        "name": "servings",
        "in": "query",
        "description": "Scale the recipe to this many servings.",
        "schema": SERVINGS,
    },
    "Query": {
        "name": "q",
        "in": "query",
        "description": "Search words (full text, ranked by relevance).",
        "schema": text(QUERY_MAX),
    },
    "Tag": {
        "name": "tag",
        "in": "query",
        "description": "Only recipes with this tag.",
        "schema": text(TAG_MAX),
    },
    "Mine": {
        "name": "mine",
        "in": "query",
        "description": "Only the caller's own recipes.",
        "schema": {"type": "string", "enum": ["true", "false"]},
    },
    "PageNumber": {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 1},
    },
    "PerPage": {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": 20},
    },
}

_WRITE_SECURITY: list[dict[str, list[str]]] = [
    {"bearerAuth": []},
    {"cookieAuth": [], "csrfHeader": []},
]
_JSON = "application/json"


def _operation(
    operation_id: str,
    summary: str,
    tag: str,
    ok: tuple[str, str | None],
    *,
    errors: tuple[str, ...] = (),
    params: tuple[str, ...] = (),
    body: str | None = None,
    body_required: bool = True,
    write: bool = False,
    description: str = "",
) -> Operation:
    """One operation: `ok` is (status, schema or None); 401 is added to every operation."""
    status, schema = ok
    success: Schema = {"description": "Done."}
    if schema is not None:
        success = {"description": schema, "content": {_JSON: {"schema": ref(schema)}}}
    statuses = {"401", *errors}
    if write:
        statuses.add("400")
    if body is not None:
        statuses |= {"400", "413", "415"}
    operation: Operation = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "responses": {status: success}
        | {
            code: {"$ref": f"#/components/responses/{ERRORS[code][0]}"} for code in sorted(statuses)
        },
    }
    if description:
        operation["description"] = description
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if body is not None:
        operation["requestBody"] = {
            "required": body_required,
            "content": {_JSON: {"schema": ref(body)}},
        }
    if write:
        operation["security"] = _WRITE_SECURITY
    return operation


def _write(*args: Any, **kwargs: Any) -> Operation:
    return _operation(*args, write=True, **kwargs)


PATHS: dict[str, dict[str, Any]] = {
    "/recipes": {
        "get": _operation(
            "searchRecipes",
            "Search recipes",
            "recipes",
            ("200", "Page"),
            errors=("400",),
            params=("Query", "Tag", "Mine", "PageNumber", "PerPage"),
            description="Newest first without `q`.",
        ),
        "post": _write(
            "createRecipe",
            "Create a recipe",
            "recipes",
            ("201", "Recipe"),
            body="RecipeInput",
            description="The caller owns the new recipe. The response's Location header "
            "is its URL.",
        ),
    },
    "/recipes/{recipe_id}": {
        "parameters": [{"$ref": "#/components/parameters/RecipeId"}],
        "get": _operation(
            "getRecipe",
            "Read a recipe, scaled and converted when asked",
            "recipes",
            ("200", "Recipe"),
            errors=("400", "404"),
            params=("Servings", "Units"),
        ),
        "put": _write(
            "replaceRecipe",
            "Replace a recipe (owner only)",
            "recipes",
            ("200", "Recipe"),
            errors=("403", "404", "409"),
            body="RecipeInput",
            description="Fields left out are reset to their defaults.",
        ),
        "patch": _write(
            "updateRecipe",
            "Change some fields of a recipe (owner only)",
            "recipes",
            ("200", "Recipe"),
            errors=("403", "404", "409"),
            body="RecipePatch",
        ),
        "delete": _write(
            "deleteRecipe",
            "Delete a recipe (owner only)",
            "recipes",
            ("204", None),
            errors=("403", "404"),
            description="Also takes it off every list.",
        ),
    },
    "/selections": {
        "get": _operation(
            "listSelections", "The recipes on your list", "list", ("200", "SelectionList")
        ),
    },
    "/selections/{recipe_id}": {
        "parameters": [{"$ref": "#/components/parameters/RecipeId"}],
        "put": _write(
            "selectRecipe",
            "Put a recipe on your list, or change its servings",
            "list",
            ("200", "Selection"),
            errors=("404",),
            body="SelectionInput",
            body_required=False,
        ),
        "delete": _write(
            "unselectRecipe", "Take a recipe off your list", "list", ("204", None), errors=("404",)
        ),
    },
    "/shopping-list": {
        "get": _operation(
            "getShoppingList",
            "The merged shopping list",
            "list",
            ("200", "ShoppingList"),
            errors=("400",),
            params=("Units",),
            description="Selected recipes scaled to their servings, like foods merged, "
            "lines grouped by aisle; manual items placed by the food they name; recipe "
            "foods among your pantry staples listed apart.",
        ),
    },
    "/shopping-list/lines/{key}/check": {
        "parameters": [{"$ref": "#/components/parameters/LineKey"}],
        "post": _write("checkLine", "Check off a line", "list", ("204", None), errors=("404",)),
    },
    "/shopping-list/lines/{key}/uncheck": {
        "parameters": [{"$ref": "#/components/parameters/LineKey"}],
        "post": _write("uncheckLine", "Uncheck a line", "list", ("204", None), errors=("404",)),
    },
    "/shopping-list/clear-checked": {
        "post": _write(
            "clearChecked",
            "Clear checked lines and items",
            "list",
            ("204", None),
            description="Deletes checked manual items and unchecks merged lines.",
        ),
    },
    "/shopping-list/items": {
        "get": _operation("listItems", "Your manual items", "list", ("200", "ListItemList")),
        "post": _write(
            "addItem",
            "Add a manual item",
            "list",
            ("201", "ListItem"),
            errors=("409",),
            body="ListItemInput",
        ),
    },
    "/shopping-list/items/{item_id}": {
        "parameters": [{"$ref": "#/components/parameters/ItemId"}],
        "delete": _write(
            "deleteItem", "Delete a manual item", "list", ("204", None), errors=("404",)
        ),
    },
    "/shopping-list/items/{item_id}/check": {
        "parameters": [{"$ref": "#/components/parameters/ItemId"}],
        "post": _write("checkItem", "Check off an item", "list", ("204", None), errors=("404",)),
    },
    "/shopping-list/items/{item_id}/uncheck": {
        "parameters": [{"$ref": "#/components/parameters/ItemId"}],
        "post": _write("uncheckItem", "Uncheck an item", "list", ("204", None), errors=("404",)),
    },
    "/staples": {
        "get": _operation("getStaples", "Your pantry staples", "list", ("200", "Staples")),
        "put": _write(
            "setStaples",
            "Replace your pantry staples",
            "list",
            ("200", "Staples"),
            body="StaplesInput",
        ),
    },
    "/me": {
        "get": _operation("getMe", "Who you are", "account", ("200", "User")),
    },
    "/tokens": {
        "get": _operation("listTokens", "Your access tokens", "account", ("200", "TokenList")),
        "post": _write(
            "createToken",
            "Create an access token (session only)",
            "account",
            ("201", "NewToken"),
            errors=("403", "409"),
            body="TokenInput",
            description="Only with the session cookie: a token cannot create tokens (403). "
            "The secret is in this response only; it is stored hashed.",
        ),
    },
    "/tokens/{token_id}": {
        "parameters": [{"$ref": "#/components/parameters/TokenId"}],
        "delete": _write(
            "revokeToken", "Revoke an access token", "account", ("204", None), errors=("404",)
        ),
    },
}

SECURITY_SCHEMES: dict[str, Schema] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access token (`rbx_...`).",
    },
    "cookieAuth": {
        "type": "apiKey",
        "in": "cookie",
        "name": "recipebox_session",
        "description": "The session of a signed-in browser.",
    },
    "csrfHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
        "description": "The page's CSRF token; required with the session cookie on writes.",
    },
}


def build_document(base_path: str = "") -> dict[str, Any]:
    """The document, its server URL under `base_path` (the app's mount point)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "recipebox API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": f"{base_path}/api/v1"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "tags": [
            {"name": "recipes", "description": "Search, read and write recipes."},
            {"name": "list", "description": "Selections, the shopping list, items, staples."},
            {"name": "account", "description": "Who you are and your access tokens."},
        ],
        "paths": PATHS,
        "components": {
            "schemas": COMPONENT_SCHEMAS,
            "parameters": PARAMETERS,
            "responses": {
                name: {
                    "description": description,
                    "content": {_JSON: {"schema": ref("Error")}},
                }
                for name, description in ERRORS.values()
            },
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
