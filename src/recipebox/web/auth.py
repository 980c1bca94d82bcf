"""Who is signed in: the session cookie or a personal access token, and `login_required`.

Sessions are Flask's signed cookies (stateless: any process or Lambda container serves any
request). The session holds only the user id; the user is loaded once per request.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import abort, g, request, session
from flask.typing import ResponseReturnValue

from recipebox.domain.errors import NotFound
from recipebox.domain.users import User
from recipebox.web.context import get_store

P = ParamSpec("P")
R = TypeVar("R", bound=ResponseReturnValue)

SESSION_USER = "uid"
TOKEN_PREFIX = "rbx_"  # noqa: S105 - a public prefix, not a secret


def hash_token(secret: str) -> str:
    """The stored form of a personal access token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def current_user() -> User | None:
    """The signed-in user for this request (cached on `g`)."""
    if "user" in g:
        user: User | None = g.user
        return user
    user = None
    token = bearer_token()
    if token is not None:
        user = get_store().user_for_token(hash_token(token))
        if user is None:
            abort(401, "invalid or revoked access token")
    elif (uid := session.get(SESSION_USER)) is not None:
        try:
            user = get_store().get_user(uid)
        except NotFound:
            session.clear()
    g.user = user
    return user


def sign_in(user: User) -> None:
    """Start a fresh session for `user` (a new session defeats session fixation)."""
    session.clear()
    session[SESSION_USER] = user.id
    session.permanent = True
    g.user = user


def sign_out() -> None:
    session.clear()
    g.user = None


def login_required(view: Callable[P, R]) -> Callable[P, ResponseReturnValue]:
    """Refuse anonymous requests: 401 (the error handlers render a sign-in hint or JSON)."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if current_user() is None:
            abort(401, "sign in first")
        return view(*args, **kwargs)

    return wrapped


def require_user() -> User:
    """The signed-in user, or abort 401 (for views already behind login_required)."""
    user = current_user()
    if user is None:
        abort(401, "sign in first")
    return user
