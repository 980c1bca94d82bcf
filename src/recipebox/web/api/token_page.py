"""`/settings/tokens`: create, list and revoke personal access tokens in the browser.

A new token's secret is rendered in the response to the POST that created it and nowhere
else (no redirect, no flash message: it must never sit in the session cookie).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import Forbidden

from recipebox.domain.errors import Conflict, Invalid
from recipebox.web.api.access import authenticated_by
from recipebox.web.api.tokens import TOKENS_MAX, issue_token, owned_token
from recipebox.web.api.validation import NAME_MAX, as_string
from recipebox.web.auth import login_required, require_user
from recipebox.web.context import get_store

bp = Blueprint("token_settings", __name__, url_prefix="/settings/tokens")


def _page(
    *, secret: str | None = None, error: str | None = None, name: str = "", status: int = 200
) -> ResponseReturnValue:
    user = require_user()
    tokens = sorted(get_store().tokens(user.id), key=lambda t: t.created_at, reverse=True)
    page = render_template(
        "settings_tokens.html",
        tokens=tokens,
        secret=secret,
        error=error,
        name=name,
        name_max=NAME_MAX,
        tokens_max=TOKENS_MAX,
    )
    return page, status, {"Cache-Control": "no-store"}


@bp.before_request
def _session_only() -> None:
    # Tokens are managed by the person at the browser, not by a script holding a token.
    if authenticated_by() == "token":
        raise Forbidden("manage tokens when signed in, not with a token")


@bp.get("")
@login_required
def tokens_page() -> ResponseReturnValue:
    """The caller's tokens and a form to create one."""
    return _page()


@bp.post("")
@login_required
def create_token() -> ResponseReturnValue:
    """Create a token and show its secret, once."""
    raw = request.form.get("name", "")
    try:
        name = as_string(raw, "name", max_length=NAME_MAX, non_empty=True)
        _, secret = issue_token(get_store(), require_user(), name)
    except (Invalid, Conflict) as exc:
        message = str(exc).removeprefix("name: ")
        return _page(error=message[:1].upper() + message[1:] + ".", name=raw, status=400)
    return _page(secret=secret)


@bp.post("/<token_id>/revoke")
@login_required
def revoke_token(token_id: str) -> ResponseReturnValue:
    """Revoke a token: requests sending it fail with 401 from now on."""
    store, user = get_store(), require_user()
    token = owned_token(store, user, token_id)
    store.revoke_token(user.id, token.id)
    flash(f"Revoked “{token.name}”.")
    return redirect(url_for(".tokens_page"), 303)
