"""One recipe: view it scaled and in either unit system; create, edit, delete, import."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from recipebox.domain.recipes import Recipe
from recipebox.domain.units import UNITS, format_quantity
from recipebox.store.remote.batch import batch
from recipebox.web.amounts import shown_lines
from recipebox.web.auth import current_user, login_required, require_user
from recipebox.web.context import get_store
from recipebox.web.importing import (
    TIMEOUT_SECONDS,
    ImportFailed,
    fetch_page,
    recipe_from_html,
)
from recipebox.web.pagecache import visitor_page
from recipebox.web.preferences import UNITS_CHOICES, units_choice, units_system
from recipebox.web.recipe_form import SERVINGS_MAX, SERVINGS_MIN, RecipeForm

bp = Blueprint("recipes", __name__, url_prefix="/recipes")


def _servings(recipe: Recipe) -> int:
    asked = request.args.get("servings", type=int)
    if asked is None or not SERVINGS_MIN <= asked <= SERVINGS_MAX:
        return recipe.servings
    return asked


@bp.get("/<recipe_id>")
@visitor_page
def view(recipe_id: str) -> ResponseReturnValue:
    """The recipe at `?servings=N`, amounts in the chosen units."""
    user = current_user()
    reads = batch(get_store())  # one request (Lambda invoke) when storage is remote
    found = reads.get_recipe(recipe_id)
    picked = reads.selections(user.id) if user is not None else None
    recipe = found.value
    servings = _servings(recipe)
    selection = None
    if picked is not None:
        selection = next((s for s in picked.value if s.recipe_id == recipe.id), None)
    return render_template(
        "recipe.html",
        recipe=recipe,
        servings=servings,
        lines=shown_lines(recipe.scaled(servings).ingredients, units_system()),
        units=units_choice(),
        units_choices=UNITS_CHOICES,
        is_owner=user is not None and recipe.owner_id == user.id,
        selection=selection,
        servings_min=SERVINGS_MIN,
        servings_max=SERVINGS_MAX,
    )


def _owned(recipe_id: str) -> Recipe:
    """The recipe, if the signed-in user owns it (403 otherwise)."""
    recipe = get_store().get_recipe(recipe_id)
    if recipe.owner_id != require_user().id:
        abort(403, "Only the person who added this recipe can change it.")
    return recipe


def _editor(
    form: RecipeForm,
    *,
    recipe: Recipe | None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> ResponseReturnValue:
    page = render_template(
        "recipe_form.html",
        form=form,
        recipe=recipe,
        errors=errors or {},
        notice=notice,
        action=_action(recipe),
        servings_min=SERVINGS_MIN,
        servings_max=SERVINGS_MAX,
    )
    return page, 400 if errors else 200


def _preview(form: RecipeForm, *, recipe: Recipe | None) -> ResponseReturnValue:
    lines = form.ingredient_lines()
    rows = [
        {
            "text": line.text,
            "section": line.section,
            "quantity": format_quantity(line.quantity) if line.quantity else "",
            "unit": UNITS[line.unit].singular if line.unit else "",
            "food": line.food,
            "note": line.note,
            "understood": line.quantity is not None or line.unit is not None,
        }
        for line in lines
    ]
    return render_template(
        "recipe_preview.html",
        form=form,
        recipe=recipe,
        rows=rows,
        steps=form.step_list(),
        tags=form.tag_list(),
        action=_action(recipe),
    )


def _action(recipe: Recipe | None) -> str:
    if recipe is None:
        return url_for("recipes.new")
    return url_for("recipes.edit", recipe_id=recipe.id)


def _submit(recipe: Recipe | None) -> ResponseReturnValue:
    """The editor's POST: back to editing, a preview, or save (each step re-validates)."""
    form = RecipeForm.from_mapping(request.form)
    errors = form.errors()
    step = request.form.get("step", "preview")
    if errors or step == "edit":
        return _editor(form, recipe=recipe, errors=errors)
    if step != "save":
        return _preview(form, recipe=recipe)
    store = get_store()
    user = require_user()
    if recipe is None:
        saved = store.add_recipe(form.to_recipe(owner_id=user.id))
        flash(f"Added “{saved.title}”.")
    else:
        saved = store.update_recipe(form.to_recipe(owner_id=user.id, base=recipe))
        flash(f"Saved your changes to “{saved.title}”.")
    return redirect(url_for("recipes.view", recipe_id=saved.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    """Write a new recipe: form, preview of the parsed ingredients, save."""
    if request.method == "GET":
        return _editor(RecipeForm(), recipe=None)
    return _submit(None)


@bp.route("/<recipe_id>/edit", methods=["GET", "POST"])
@login_required
def edit(recipe_id: str) -> ResponseReturnValue:
    """Change one of your recipes."""
    recipe = _owned(recipe_id)
    if request.method == "GET":
        return _editor(RecipeForm.from_recipe(recipe), recipe=recipe)
    return _submit(recipe)


@bp.route("/<recipe_id>/delete", methods=["GET", "POST"])
@login_required
def delete(recipe_id: str) -> ResponseReturnValue:
    """Confirm, then delete one of your recipes (it also leaves every shopping list)."""
    recipe = _owned(recipe_id)
    if request.method == "GET":
        return render_template("recipe_delete.html", recipe=recipe)
    get_store().delete_recipe(recipe.id)
    flash(f"Deleted “{recipe.title}”.")
    return redirect(url_for("browse.index", mine=1))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_page() -> ResponseReturnValue:
    """Fetch a recipe page by its address, then preview it like a typed recipe."""
    url = request.values.get("url", "").strip()
    if request.method == "GET":
        return render_template("recipe_import.html", url=url, error=None)
    config = current_app.config
    try:
        html = fetch_page(
            url,
            timeout=float(config.get("IMPORT_TIMEOUT", TIMEOUT_SECONDS)),
            allow_private=bool(config.get("IMPORT_ALLOW_PRIVATE", False)),
        )
        imported = recipe_from_html(html, url)
    except ImportFailed as exc:
        return render_template("recipe_import.html", url=url, error=str(exc)), 400
    form = RecipeForm.from_import(imported)
    errors = form.errors()
    if errors:
        notice = "We read what we could from that page; fill in the rest."
        return _editor(form, recipe=None, errors=errors, notice=notice)
    return _preview(form, recipe=None)
