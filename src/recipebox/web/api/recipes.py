"""`/api/v1/recipes`: search, read (scaled, converted), create, update and delete recipes."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, jsonify, url_for
from flask.typing import ResponseReturnValue

from recipebox.domain.errors import Invalid
from recipebox.domain.parsing import parse_ingredients
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.web.api.access import api_user, require_owner
from recipebox.web.api.payloads import page_payload, recipe_payload
from recipebox.web.api.validation import (
    LINE_MAX,
    LIST_MAX,
    PER_PAGE_MAX,
    QUERY_MAX,
    SERVINGS_MAX,
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_SYSTEMS,
    as_int,
    as_string,
    as_strings,
    as_url,
    json_object,
    only_fields,
    query_choice,
    query_int,
    query_optional_int,
    query_string,
)
from recipebox.web.context import get_store

bp = Blueprint("recipes", __name__)

PAGE_MAX = 10_000
# What PUT resets a field to when the body leaves it out (title and ingredients are required).
_DEFAULTS: dict[str, Any] = {
    "description": "",
    "servings": 4,
    "steps": [],
    "tags": [],
    "source_url": None,
    "image_url": None,
}


def _ingredients(value: Any, field: str) -> list[IngredientLine]:
    # Typed lines, parsed here like the editor's: "For the sauce:" starts a section.
    lines = as_strings(value, field, max_items=LIST_MAX, max_length=LINE_MAX)
    if not lines:
        raise Invalid(f"{field}: must have at least one line")
    return parse_ingredients(lines)


def _tags(value: Any, field: str) -> list[str]:
    tags = as_strings(value, field, max_items=TAGS_MAX, max_length=TAG_MAX)
    return list(dict.fromkeys(tag.lower() for tag in tags))


# Body field -> reader returning the `Recipe` attribute it sets.
_FIELDS: dict[str, Callable[[Any, str], Any]] = {
    "title": lambda value, field: as_string(value, field, max_length=TITLE_MAX, non_empty=True),
    "description": lambda value, field: as_string(
        value, field, max_length=TEXT_MAX, multiline=True
    ),
    "servings": lambda value, field: as_int(value, field, minimum=1, maximum=SERVINGS_MAX),
    "ingredients": _ingredients,
    "steps": lambda value, field: as_strings(value, field, max_items=LIST_MAX, max_length=TEXT_MAX),
    "tags": _tags,
    "source_url": as_url,
    "image_url": as_url,
}


def _recipe_changes(*, partial: bool) -> dict[str, Any]:
    """The recipe fields of the JSON body; all but the defaulted ones required unless partial."""
    body = json_object()
    only_fields(body, _FIELDS)
    if not partial:
        for name in _FIELDS:
            if name not in body and name not in _DEFAULTS:
                raise Invalid(f"{name}: is required")
        body = _DEFAULTS | body
    return {name: _FIELDS[name](value, name) for name, value in body.items()}


def _owned_recipe(recipe_id: str) -> Recipe:
    recipe = get_store().get_recipe(recipe_id)
    require_owner(recipe, api_user())
    return recipe


def _saved(recipe: Recipe) -> ResponseReturnValue:
    return jsonify(recipe_payload(recipe, viewer=api_user()))


@bp.get("/recipes")
def search_recipes() -> ResponseReturnValue:
    """One page of recipe summaries matching `q`, `tag` and `mine`."""
    query = query_string("q", max_length=QUERY_MAX)
    tag = query_string("tag", max_length=TAG_MAX).lower() or None
    mine = query_choice("mine", ("true", "false")) == "true"
    page = query_int("page", 1, minimum=1, maximum=PAGE_MAX)
    per_page = query_int("per_page", 20, minimum=1, maximum=PER_PAGE_MAX)
    owner_id = api_user().id if mine else None
    results = get_store().search_recipes(
        query, tag=tag, owner_id=owner_id, page=page, per_page=per_page
    )
    return jsonify(page_payload(results))


@bp.get("/recipes/<recipe_id>")
def get_recipe(recipe_id: str) -> ResponseReturnValue:
    """A recipe, scaled to `servings` and converted to `units` when asked."""
    servings = query_optional_int("servings", minimum=1, maximum=SERVINGS_MAX)
    system = query_choice("units", UNIT_SYSTEMS)
    recipe = get_store().get_recipe(recipe_id)
    shown = recipe.scaled(servings) if servings else recipe
    return jsonify(
        recipe_payload(shown, viewer=api_user(), base_servings=recipe.servings, system=system)
    )


@bp.post("/recipes")
def create_recipe() -> ResponseReturnValue:
    """Create a recipe owned by the caller."""
    changes = _recipe_changes(partial=False)
    recipe = get_store().add_recipe(Recipe(owner_id=api_user().id, **changes))
    response = jsonify(recipe_payload(recipe, viewer=api_user()))
    response.status_code = 201
    response.headers["Location"] = url_for(".get_recipe", recipe_id=recipe.id)
    return response


@bp.put("/recipes/<recipe_id>")
def replace_recipe(recipe_id: str) -> ResponseReturnValue:
    """Replace every editable field of one of the caller's recipes."""
    recipe = _owned_recipe(recipe_id)
    return _saved(_update(recipe, _recipe_changes(partial=False)))


@bp.patch("/recipes/<recipe_id>")
def update_recipe(recipe_id: str) -> ResponseReturnValue:
    """Change some fields of one of the caller's recipes."""
    recipe = _owned_recipe(recipe_id)
    return _saved(_update(recipe, _recipe_changes(partial=True)))


@bp.delete("/recipes/<recipe_id>")
def delete_recipe(recipe_id: str) -> ResponseReturnValue:
    """Delete one of the caller's recipes (and every selection of it)."""
    get_store().delete_recipe(_owned_recipe(recipe_id).id)
    return "", 204


def _update(recipe: Recipe, changes: dict[str, Any]) -> Recipe:
    now = datetime.now(UTC).replace(microsecond=0)
    return get_store().update_recipe(dataclasses.replace(recipe, updated_at=now, **changes))
