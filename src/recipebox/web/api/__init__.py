"""The JSON API under /api/v1, its OpenAPI document and docs page, and the token settings page.

Every /api/v1 view runs after `access.require_api_user`; errors become JSON through
`recipebox.web.errors` (everything under /api/). `openapi.py` documents each route, and a
test keeps the two in step.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFError  # type: ignore[import-untyped]

from recipebox.web.api import docs, lists, recipes, token_page, tokens
from recipebox.web.api.access import csrf_failed, require_api_user
from recipebox.web.api.validation import plain_path

PREFIX = "/api/v1"


def register(app: Flask) -> None:
    """Register the API blueprints, the docs and the token settings page on `app`."""
    v1 = Blueprint("api_v1", __name__, url_prefix=PREFIX)
    v1.before_request(require_api_user)
    v1.before_request(plain_path)
    v1.register_error_handler(CSRFError, csrf_failed)
    for feature in (recipes.bp, lists.bp, tokens.bp):
        v1.register_blueprint(feature)
    app.register_blueprint(v1)
    app.register_blueprint(docs.bp)
    app.register_blueprint(token_page.bp)
