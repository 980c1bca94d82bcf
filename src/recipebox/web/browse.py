"""Browse and search recipes."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from recipebox.web.context import get_store

bp = Blueprint("browse", __name__)
PER_PAGE = 24


@bp.get("/")
def index() -> ResponseReturnValue:
    """Recipe cards: search, tag filter, pagination."""
    query = request.args.get("q", "").strip()[:200]
    tag = request.args.get("tag") or None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    results = get_store().search_recipes(query, tag=tag, page=page, per_page=PER_PAGE)
    return render_template("index.html", results=results, query=query, tag=tag)


@bp.get("/recipes/<recipe_id>")
def recipe(recipe_id: str) -> ResponseReturnValue:
    """One recipe with its ingredients and steps."""
    return render_template("recipe.html", recipe=get_store().get_recipe(recipe_id))
