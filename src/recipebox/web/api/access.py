"""Who may call the API: a signed-in session or a personal access token, and owner checks."""

from __future__ import annotations

from typing import Literal

from flask import Response
from flask_wtf.csrf import CSRFError  # type: ignore[import-untyped]
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from recipebox.domain.recipes import Recipe
from recipebox.domain.users import User
from recipebox.web.auth import bearer_token, current_user
from recipebox.web.errors import json_error

SIGN_IN_HINT = "sign in, or send the header Authorization: Bearer <personal access token>"


def require_api_user() -> None:
    """Refuse anonymous API calls with 401 (run before every /api/v1 view)."""
    if current_user() is None:
        raise Unauthorized(SIGN_IN_HINT, www_authenticate=WWWAuthenticate("bearer"))


def api_user() -> User:
    """The caller (every /api/v1 view runs after `require_api_user`)."""
    user = current_user()
    assert user is not None
    return user


def authenticated_by() -> Literal["session", "token"]:
    return "token" if bearer_token() is not None else "session"


def require_owner(recipe: Recipe, user: User) -> None:
    """403 unless `user` owns `recipe` (shared demo recipes have no owner)."""
    if recipe.owner_id is None or recipe.owner_id != user.id:
        raise Forbidden("only the owner of this recipe may change it")


def csrf_failed(exc: CSRFError) -> Response:
    """A cookie-authenticated write without a valid X-CSRFToken header.

    With nobody signed in the real problem is authentication, so say 401 rather than
    pointing the caller at CSRF tokens it has no use for.
    """
    if current_user() is None:
        response = json_error(401, SIGN_IN_HINT)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return json_error(400, f"{exc.description} (send it in the X-CSRFToken header)", "csrf_failed")
