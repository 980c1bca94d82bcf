"""Browse and search recipes: cards, full-text search, popular tags, pagination."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from recipebox.store.remote.batch import batch
from recipebox.web.auth import current_user
from recipebox.web.context import get_store
from recipebox.web.pagecache import visitor_page

bp = Blueprint("browse", __name__)
PER_PAGE = 24
POPULAR_TAGS = 14
QUERY_MAX = 200


@bp.get("/")
@visitor_page
def index() -> ResponseReturnValue:
    """Recipe cards: `?q=` search, `?tag=` filter, `?mine=1` your own, `?page=`."""
    store = get_store()
    user = current_user()
    query = request.args.get("q", "").strip()[:QUERY_MAX]
    tag = request.args.get("tag", "").strip() or None
    mine = user is not None and request.args.get("mine") == "1"
    page = max(1, request.args.get("page", 1, type=int) or 1)
    # One batch: a single request (Lambda invoke) when storage is remote.
    reads = batch(store)
    found = reads.search_recipes(
        query,
        tag=tag,
        owner_id=user.id if mine and user is not None else None,
        page=page,
        per_page=PER_PAGE,
    )
    picked = reads.selections(user.id) if user else None
    most_used = reads.tags(limit=POPULAR_TAGS)
    results = found.value
    selected = {s.recipe_id: s.servings for s in picked.value} if picked else {}
    popular = most_used.value
    if tag and tag not in {name for name, _ in popular}:
        popular.insert(0, (tag, results.total if not query and not mine else 0))
    return render_template(
        "index.html",
        results=results,
        query=query,
        tag=tag,
        mine=mine,
        popular_tags=popular,
        selected=selected,
    )
