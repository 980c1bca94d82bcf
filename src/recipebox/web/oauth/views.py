"""Sign-in with OAuth 2.0 / OpenID Connect providers, and the linked sign-ins settings page.

/auth/login/<name> starts a sign-in, /auth/link/<name> (POST, signed in) links another
provider to the account, both come back to /auth/callback/<name>. What the callback must do
(sign in, or link to whom) is kept in the signed session cookie next to Authlib's state.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from recipebox.config import Settings
from recipebox.domain.errors import Conflict
from recipebox.services.people import LOCAL_PROVIDER
from recipebox.web.auth import current_user, login_required, require_user, sign_in
from recipebox.web.auth_views import go_next, safe_next
from recipebox.web.context import get_store
from recipebox.web.oauth import clients
from recipebox.web.oauth.accounts import account_for, link_account
from recipebox.web.oauth.failures import SignInFailed
from recipebox.web.oauth.providers import Provider

bp = Blueprint("oauth", __name__)
FLOW_KEY = "oauth_flow"
BUILT_IN_LABELS = {LOCAL_PROVIDER: "Development sign-in"}


def _provider(name: str) -> Provider:
    provider = clients.providers().get(name)
    if provider is None:
        abort(404, f"There is no sign-in called {name!r} here.")
    return provider


def callback_url(name: str) -> str:
    """The redirect URI to register at the provider: PUBLIC_URL if set, else this request's."""
    settings: Settings = current_app.config["RECIPEBOX"]
    if settings.public_url:
        path = url_for("oauth.callback", name=name).removeprefix(request.script_root)
        return settings.public_url + path
    # Includes SCRIPT_NAME (an API Gateway stage such as /dev) and, behind trusted proxies
    # (RECIPEBOX_TRUSTED_PROXIES), the forwarded scheme, host and prefix.
    return url_for("oauth.callback", name=name, _external=True)


def _start(provider: Provider, *, next_path: str = "/", link: str = "") -> ResponseReturnValue:
    session[FLOW_KEY] = {"provider": provider.name, "next": next_path, "link": link}
    return clients.start(provider, callback_url(provider.name))


@bp.get("/auth/login/<name>")
def login(name: str) -> ResponseReturnValue:
    """Go to the provider to sign in."""
    return _start(_provider(name), next_path=safe_next(request.args.get("next")))


@bp.post("/auth/link/<name>")
@login_required
def link(name: str) -> ResponseReturnValue:
    """Go to the provider to link it to the signed-in account."""
    return _start(_provider(name), link=require_user().id)


@bp.get("/auth/callback/<name>")
def callback(name: str) -> ResponseReturnValue:
    """The provider's answer: sign in (creating the account the first time) or link."""
    provider = _provider(name)
    flow: Any = session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or flow.get("provider") != name:
        raise SignInFailed("expired", provider.label, "no sign-in in progress in this session")
    profile = clients.finish(provider)
    store = get_store()
    if not flow.get("link"):
        sign_in(account_for(store, provider, profile))
        return go_next(flow.get("next"))
    user = current_user()
    if user is None or user.id != flow["link"]:
        raise SignInFailed("expired", provider.label, "signed out while linking")
    if link_account(store, user, provider, profile):
        flash(f"{provider.label} is linked: you can now sign in with it.")
    else:
        flash(f"That {provider.label} account was already linked.")
    return redirect(url_for("oauth.signins"))


@bp.get("/settings/sign-ins")
@login_required
def signins() -> ResponseReturnValue:
    """The providers linked to this account, and the ones that can be linked."""
    user = require_user()
    configured = clients.providers()
    linked = [identity.provider for identity in get_store().identities(user.id)]
    return render_template(
        "settings_signins.html",
        linked=[(name, _label(name)) for name in linked],
        linkable=[p for p in configured.values() if p.name not in linked],
    )


@bp.post("/settings/sign-ins/<name>/unlink")
@login_required
def unlink(name: str) -> ResponseReturnValue:
    """Remove a sign-in from the account, unless it is the last one."""
    try:
        get_store().unlink_identity(require_user().id, name)
    except Conflict:
        flash(
            f"{_label(name)} is your only way to sign in: link another sign-in before "
            "unlinking it.",
            "error",
        )
    else:
        flash(f"{_label(name)} is unlinked.")
    return redirect(url_for("oauth.signins"))


def _label(name: str) -> str:
    provider = clients.providers().get(name)
    return provider.label if provider else BUILT_IN_LABELS.get(name, name)


@bp.errorhandler(SignInFailed)
def failed(exc: SignInFailed) -> ResponseReturnValue:
    """Every sign-in failure: a page saying why, with a way back (never a redirect)."""
    page = render_template("auth_failed.html", failure=exc, signed_in=current_user() is not None)
    return page, exc.reason.status
