"""The app factory: load settings, open storage, register blueprints and error handlers."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from recipebox.config import Settings
from recipebox.store import open_store
from recipebox.store.protocol import Store
from recipebox.web import account, api, auth_views, browse, health, lists, recipes
from recipebox.web.auth import current_user
from recipebox.web.errors import register_errors
from recipebox.web.importing import TIMEOUT_SECONDS
from recipebox.web.oauth import init_oauth
from recipebox.web.pagecache import init_page_cache
from recipebox.web.security import init_security

log = logging.getLogger("recipebox")
STORE_KEY = "recipebox.store"


def _page_context() -> dict[str, Any]:
    """What every page may use: the signed-in user (or None) and this page's path for `next`."""
    try:
        me = current_user()
    except HTTPException:  # a revoked token while rendering an error page
        me = None
    return {"me": me, "current_path": request.full_path.rstrip("?")}


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the Flask app. `store` overrides the one opened from `settings.database_url`."""
    settings = settings or Settings.from_env()
    if settings.production and not settings.secret_key:
        raise RuntimeError(
            "RECIPEBOX_SECRET_KEY is not set: refusing to start in production mode "
            "(set it, or RECIPEBOX_PRODUCTION=0 for local development)"
        )
    if settings.dev_login and not settings.local_server:
        log.warning(
            "WARNING: the development sign-in is ON (RECIPEBOX_DEV_LOGIN) outside `recipebox "
            "serve`: anyone can sign in as any user by typing a name. Unset it unless this is "
            "a test or a local emulator."
        )
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        RECIPEBOX=settings,
        MAX_CONTENT_LENGTH=1024 * 1024,
        SIGNIN_PROVIDERS=[],  # filled by init_oauth from the RECIPEBOX_OAUTH_* entries
        IMPORT_TIMEOUT=TIMEOUT_SECONDS,
        IMPORT_ALLOW_PRIVATE=False,
    )
    app.extensions[STORE_KEY] = store or open_store(settings.database_url, pool=settings.db_pool)
    init_security(app, trusted_proxies=settings.trusted_proxies)
    init_page_cache(app, settings.page_cache_seconds)
    app.context_processor(_page_context)
    for blueprint in (health.bp, browse.bp, recipes.bp, lists.bp, auth_views.bp, account.bp):
        app.register_blueprint(blueprint)
    init_oauth(app, settings)
    register_errors(app)
    api.register(app)
    return app
