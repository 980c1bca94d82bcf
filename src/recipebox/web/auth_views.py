"""Sign-in page, the development sign-in and sign-out.

External sign-in providers (OAuth) are configuration entries: `recipebox.web.oauth` puts them
in `app.config["SIGNIN_PROVIDERS"]` and the sign-in page lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue

from recipebox.config import Settings
from recipebox.services.people import local_user
from recipebox.web.auth import current_user, sign_in, sign_out
from recipebox.web.context import get_store

bp = Blueprint("auth", __name__, url_prefix="/auth")
NAME_MAX = 40


@dataclass(frozen=True, slots=True)
class SignInProvider:
    """A configured external sign-in: `key` names its routes, `label` is shown on the button.

    `url` is a path under the app's root (the page adds the root, e.g. an API Gateway stage).
    """

    key: str
    label: str
    url: str


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this site, else `default` (no open redirects).

    Paths are relative to the app root (`request.full_path`); `go_next` adds the root.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return default
    return target


def go_next(target: str | None) -> ResponseReturnValue:
    """Redirect to a validated `next` path under this app's root."""
    return redirect(request.script_root + safe_next(target))


def _settings() -> Settings:
    settings: Settings = current_app.config["RECIPEBOX"]
    return settings


def _providers() -> list[SignInProvider]:
    return list(current_app.config.get("SIGNIN_PROVIDERS", ()))


def _signin_page(
    *, name: str = "", error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "signin.html",
            next=safe_next(request.values.get("next")),
            providers=_providers(),
            dev_login=_settings().dev_login,
            name=name,
            error=error,
            user=current_user(),
        ),
        status,
    )


@bp.get("/signin")
def signin() -> ResponseReturnValue:
    """The ways to sign in."""
    return _signin_page()


@bp.route("/dev", methods=["GET", "POST"])
def dev() -> ResponseReturnValue:
    """Sign in as a local user by typing a name (development only; 404 when disabled)."""
    if not _settings().dev_login:
        abort(404)
    if request.method == "GET":
        return _signin_page()
    name = " ".join(request.form.get("name", "").split())
    if not name:
        return _signin_page(error="Type a name to sign in as.", status=400)
    if len(name) > NAME_MAX:
        return _signin_page(name=name, error=f"Use at most {NAME_MAX} characters.", status=400)
    user = local_user(get_store(), name)
    assert user is not None
    sign_in(user)
    return go_next(request.form.get("next"))


@bp.post("/signout")
def signout() -> ResponseReturnValue:
    """End the session."""
    sign_out()
    return go_next("/")
