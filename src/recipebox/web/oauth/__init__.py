"""Sign-in with OAuth 2.0 and OpenID Connect providers, each one a configuration entry."""

from __future__ import annotations

from flask import Flask

from recipebox.config import Settings
from recipebox.web.auth_views import SignInProvider
from recipebox.web.oauth import views
from recipebox.web.oauth.clients import PROVIDERS_KEY, TIMEOUT_KEY
from recipebox.web.oauth.providers import ProviderConfigError, resolve

__all__ = ["ProviderConfigError", "init_oauth"]


def init_oauth(app: Flask, settings: Settings) -> None:
    """Check the configured providers, list them on the sign-in page and add the routes.

    Raises ProviderConfigError, naming the variable to fix, for an entry that cannot work.
    """
    if settings.oauth_timeout <= 0:
        raise ProviderConfigError("RECIPEBOX_OAUTH_TIMEOUT must be a positive number of seconds")
    providers = {entry.name: resolve(entry) for entry in settings.oauth_providers}
    app.extensions[PROVIDERS_KEY] = providers
    app.config[TIMEOUT_KEY] = settings.oauth_timeout
    app.config["SIGNIN_PROVIDERS"] = [
        SignInProvider(p.name, p.label, f"/auth/login/{p.name}") for p in providers.values()
    ]
    app.register_blueprint(views.bp)
