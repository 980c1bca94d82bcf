"""The app factory: load settings, open storage, register blueprints and error handlers."""

from __future__ import annotations

import logging
import secrets

from flask import Flask

from recipebox.config import Settings
from recipebox.store import open_store
from recipebox.store.protocol import Store
from recipebox.web import api, browse, health
from recipebox.web.security import init_security

log = logging.getLogger("recipebox")
STORE_KEY = "recipebox.store"


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Flask:
    """Build the Flask app. `store` overrides the one opened from `settings.database_url`."""
    settings = settings or Settings.from_env()
    if settings.production and not settings.secret_key:
        raise RuntimeError(
            "RECIPEBOX_SECRET_KEY is not set: refusing to start in production mode "
            "(set it, or RECIPEBOX_PRODUCTION=0 for local development)"
        )
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        RECIPEBOX=settings,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    app.extensions[STORE_KEY] = store or open_store(settings.database_url, pool=settings.db_pool)
    init_security(app, trusted_proxies=settings.trusted_proxies)
    app.register_blueprint(health.bp)
    app.register_blueprint(browse.bp)
    api.register(app)
    return app
