"""The caller's list: selections, the merged shopping list, manual items and pantry staples."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from recipebox.domain.errors import Conflict, NotFound
from recipebox.domain.lists import ListItem
from recipebox.domain.shopping import ShoppingLine, build_shopping_list
from recipebox.web.api.access import api_user
from recipebox.web.api.payloads import item_payload, selection_payload
from recipebox.web.api.validation import (
    ITEM_MAX,
    LIST_MAX,
    NAME_MAX,
    SERVINGS_MAX,
    UNIT_SYSTEMS,
    as_bool,
    as_int,
    as_string,
    as_strings,
    json_object,
    only_fields,
    query_choice,
    required,
)
from recipebox.web.context import get_store

bp = Blueprint("lists", __name__)

ITEMS_MAX = 500
STAPLES_MAX = LIST_MAX


# --- selections ------------------------------------------------------------------------


@bp.get("/selections")
def list_selections() -> ResponseReturnValue:
    """The recipes on the caller's list, with the servings wanted."""
    data = get_store().shopping_data(api_user().id)
    titles = {recipe_id: recipe.title for recipe_id, recipe in data.recipes.items()}
    return jsonify(
        selections=[selection_payload(s, titles.get(s.recipe_id)) for s in data.selections]
    )


@bp.put("/selections/<recipe_id>")
def select_recipe(recipe_id: str) -> ResponseReturnValue:
    """Put a recipe on the list, or change its servings (default: the recipe's own)."""
    store = get_store()
    recipe = store.get_recipe(recipe_id)
    body = json_object(optional=True)
    only_fields(body, {"servings"})
    servings = body.get("servings", min(recipe.servings, SERVINGS_MAX))
    servings = as_int(servings, "servings", minimum=1, maximum=SERVINGS_MAX)
    selection = store.select_recipe(api_user().id, recipe.id, servings)
    return jsonify(selection_payload(selection, recipe.title))


@bp.delete("/selections/<recipe_id>")
def unselect_recipe(recipe_id: str) -> ResponseReturnValue:
    """Take a recipe off the list (404 when it is not on it)."""
    store, user = get_store(), api_user()
    if all(s.recipe_id != recipe_id for s in store.selections(user.id)):
        raise NotFound("that recipe is not on your list")
    store.unselect_recipe(user.id, recipe_id)
    return "", 204


# --- the merged shopping list --------------------------------------------------------------


@bp.get("/shopping-list")
def shopping_list() -> ResponseReturnValue:
    """The merged list by aisle, converted to `units` when asked."""
    system = query_choice("units", UNIT_SYSTEMS)
    data = get_store().shopping_data(api_user().id)
    return jsonify(build_shopping_list(data, system).to_dict())


def _line(key: str) -> ShoppingLine:
    data = get_store().shopping_data(api_user().id)
    for line in build_shopping_list(data).lines:
        if line.key == key:
            return line
    raise NotFound("no line with that key on your shopping list")


def _check_line(key: str, checked: bool) -> ResponseReturnValue:
    line, user_id = _line(key), api_user().id
    if line.item_id is not None:
        get_store().set_item_checked(user_id, line.item_id, checked)
    else:
        get_store().set_line_checked(user_id, line.key, checked)
    return "", 204


@bp.post("/shopping-list/lines/<path:key>/check")
def check_line(key: str) -> ResponseReturnValue:
    """Check off a line of the list (a merged food or a manual item)."""
    return _check_line(key, True)


@bp.post("/shopping-list/lines/<path:key>/uncheck")
def uncheck_line(key: str) -> ResponseReturnValue:
    return _check_line(key, False)


@bp.post("/shopping-list/clear-checked")
def clear_checked() -> ResponseReturnValue:
    """Delete checked manual items and forget checked lines."""
    get_store().clear_checked(api_user().id)
    return "", 204


# --- manual items ----------------------------------------------------------------------


@bp.get("/shopping-list/items")
def list_items() -> ResponseReturnValue:
    """The caller's manual items, oldest first."""
    items = get_store().shopping_data(api_user().id).items
    return jsonify(items=[item_payload(item) for item in items])


@bp.post("/shopping-list/items")
def add_item() -> ResponseReturnValue:
    """Add a manual item ("paper towels", "2 lemons")."""
    body = json_object()
    only_fields(body, {"text", "checked"})
    text = as_string(required(body, "text"), "text", max_length=ITEM_MAX, non_empty=True)
    checked = as_bool(body.get("checked", False), "checked")
    store, user = get_store(), api_user()
    if len(store.shopping_data(user.id).items) >= ITEMS_MAX:
        raise Conflict(f"at most {ITEMS_MAX} items per list: clear some first")
    item = store.add_list_item(ListItem(user_id=user.id, text=text, checked=checked))
    return jsonify(item_payload(item)), 201


@bp.post("/shopping-list/items/<item_id>/check")
def check_item(item_id: str) -> ResponseReturnValue:
    """Check off a manual item (404 unless it is the caller's)."""
    get_store().set_item_checked(api_user().id, item_id, True)
    return "", 204


@bp.post("/shopping-list/items/<item_id>/uncheck")
def uncheck_item(item_id: str) -> ResponseReturnValue:
    get_store().set_item_checked(api_user().id, item_id, False)
    return "", 204


@bp.delete("/shopping-list/items/<item_id>")
def delete_item(item_id: str) -> ResponseReturnValue:
    """Delete a manual item (404 unless it is the caller's)."""
    store, user = get_store(), api_user()
    if all(item.id != item_id for item in store.shopping_data(user.id).items):
        raise NotFound("no such item on your list")
    store.delete_list_item(user.id, item_id)
    return "", 204


# --- pantry staples ----------------------------------------------------------------------


def _staples_response() -> ResponseReturnValue:
    data = get_store().shopping_data(api_user().id)
    return jsonify(staples=list(data.staple_foods), defaults=data.staples is None)


@bp.get("/staples")
def get_staples() -> ResponseReturnValue:
    """Foods the caller always has: recipe lines for them go to "check you have"."""
    return _staples_response()


@bp.put("/staples")
def set_staples() -> ResponseReturnValue:
    """Replace the caller's pantry staples."""
    body = json_object()
    only_fields(body, {"staples"})
    staples = as_strings(
        required(body, "staples"), "staples", max_items=STAPLES_MAX, max_length=NAME_MAX
    )
    get_store().set_staples(api_user().id, list(dict.fromkeys(s.lower() for s in staples)))
    return _staples_response()
