"""My list: selected recipes, the merged shopping list by aisle, manual items, staples.

Every change is a POST form that redirects back (works without JavaScript); site.js sends
the same forms with fetch() and `Accept: application/json`, and gets a small JSON answer
instead of the redirect. Every store call carries the signed-in user's id, so nobody can
reach another user's selections, items or checks.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from recipebox.domain.lists import DEFAULT_STAPLES, ListItem
from recipebox.domain.shopping import build_shopping_list
from recipebox.web.auth import login_required, require_user
from recipebox.web.auth_views import safe_next
from recipebox.web.context import get_store
from recipebox.web.preferences import UNITS_CHOICES, units_choice, units_system
from recipebox.web.recipe_form import SERVINGS_MAX, SERVINGS_MIN

bp = Blueprint("lists", __name__, url_prefix="/list")
ITEM_MAX = 200
STAPLES_MAX = 100
ITEM_PREFIX = "item:"


def _wants_json() -> bool:
    accept = request.accept_mimetypes
    return accept.best_match(["text/html", "application/json"]) == "application/json"


def _done(message: str | None = None, **data: object) -> ResponseReturnValue:
    """JSON for site.js, else a redirect to `next` (default: the list) with a flash."""
    if _wants_json():
        return jsonify(ok=True, message=message, **data)
    if message:
        flash(message)
    return redirect(request.script_root + safe_next(request.form.get("next"), "/list"))


def _servings_field() -> int | None:
    servings = request.form.get("servings", type=int)
    if servings is None or not SERVINGS_MIN <= servings <= SERVINGS_MAX:
        return None
    return servings


def _show(template: str) -> ResponseReturnValue:
    data = get_store().shopping_data(require_user().id)
    shopping = build_shopping_list(data, units_system())
    return render_template(
        template,
        shopping=shopping,
        items=data.items,
        units=units_choice(),
        units_choices=UNITS_CHOICES,
        servings_min=SERVINGS_MIN,
        servings_max=SERVINGS_MAX,
    )


@bp.get("")
@login_required
def show() -> ResponseReturnValue:
    """The list page."""
    return _show("list.html")


@bp.get("/print")
@login_required
def print_view() -> ResponseReturnValue:
    """The list on paper: unchecked lines by aisle, no controls."""
    return _show("list_print.html")


@bp.post("/recipes/<recipe_id>")
@login_required
def select(recipe_id: str) -> ResponseReturnValue:
    """Put a recipe on the list, or change its servings (`servings`, else the recipe's)."""
    store = get_store()
    servings = _servings_field()
    if servings is None:
        if "servings" in request.form:
            return _invalid(f"Servings must be from {SERVINGS_MIN} to {SERVINGS_MAX}.")
        servings = store.get_recipe(recipe_id).servings
    store.select_recipe(require_user().id, recipe_id, servings)
    return _done("Your list is updated.", recipe_id=recipe_id, servings=servings)


@bp.post("/recipes/<recipe_id>/remove")
@login_required
def unselect(recipe_id: str) -> ResponseReturnValue:
    """Take a recipe off the list."""
    get_store().unselect_recipe(require_user().id, recipe_id)
    return _done("Removed the recipe from your list.", recipe_id=recipe_id)


@bp.post("/check")
@login_required
def check() -> ResponseReturnValue:
    """Check or uncheck one line (`key`, `checked` = 1 or 0)."""
    key = request.form.get("key", "")
    checked = request.form.get("checked") == "1"
    if not key or len(key) > 300:
        return _invalid("Which line? The form lost its key.")
    store = get_store()
    user = require_user()
    if key.startswith(ITEM_PREFIX):
        store.set_item_checked(user.id, key.removeprefix(ITEM_PREFIX), checked)
    else:
        store.set_line_checked(user.id, key, checked)
    return _done(key=key, checked=checked)


@bp.post("/items")
@login_required
def add_item() -> ResponseReturnValue:
    """Add a manual item ("paper towels")."""
    text = " ".join(request.form.get("text", "").split())
    if not text or len(text) > ITEM_MAX:
        return _invalid(f"Type an item of 1 to {ITEM_MAX} characters.")
    item = get_store().add_list_item(ListItem(user_id=require_user().id, text=text))
    return _done(f"Added “{item.text}”.", id=item.id, text=item.text)


@bp.post("/items/<item_id>/delete")
@login_required
def delete_item(item_id: str) -> ResponseReturnValue:
    """Delete a manual item."""
    get_store().delete_list_item(require_user().id, item_id)
    return _done("Deleted the item.", id=item_id)


@bp.post("/clear-checked")
@login_required
def clear_checked() -> ResponseReturnValue:
    """Forget checked lines and delete checked manual items."""
    get_store().clear_checked(require_user().id)
    return _done("Cleared the checked lines.")


@bp.route("/staples", methods=["GET", "POST"])
@login_required
def staples() -> ResponseReturnValue:
    """The pantry staples you keep at home (listed under "check you have")."""
    store = get_store()
    user = require_user()
    if request.method == "GET":
        current = store.shopping_data(user.id).staple_foods
        return render_template("staples.html", staples="\n".join(current), error=None)
    if request.form.get("reset"):
        names = list(DEFAULT_STAPLES)
    else:
        lines = (" ".join(line.split()) for line in request.form.get("staples", "").splitlines())
        names = list(dict.fromkeys(line.lower()[:80] for line in lines if line))
    if len(names) > STAPLES_MAX:
        error = f"Keep it to {STAPLES_MAX} staples."
        page = render_template("staples.html", staples=request.form["staples"], error=error)
        return page, 400
    store.set_staples(user.id, names)
    flash("Saved your pantry staples.")
    return redirect(url_for("lists.show"))


def _invalid(message: str) -> ResponseReturnValue:
    if _wants_json():
        return jsonify(ok=False, message=message), 400
    flash(message, "error")
    return redirect(request.script_root + safe_next(request.form.get("next"), "/list"))
