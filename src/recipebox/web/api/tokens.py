"""`/api/v1/me` and `/api/v1/tokens`: the caller and their personal access tokens."""

from __future__ import annotations

import secrets

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import Forbidden

from recipebox.domain.errors import Conflict, NotFound
from recipebox.domain.users import AccessToken, User
from recipebox.store.protocol import Store
from recipebox.web.api.access import api_user, authenticated_by
from recipebox.web.api.payloads import token_payload, user_payload
from recipebox.web.api.validation import NAME_MAX, as_string, json_object, only_fields, required
from recipebox.web.auth import TOKEN_PREFIX, hash_token
from recipebox.web.context import get_store

bp = Blueprint("tokens", __name__)
TOKENS_MAX = 50


def issue_token(store: Store, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token for `user`; return it with its secret (shown once, stored hashed)."""
    if len(store.tokens(user.id)) >= TOKENS_MAX:
        raise Conflict(f"at most {TOKENS_MAX} tokens per person: revoke one first")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = store.add_token(AccessToken(user_id=user.id, name=name, token_hash=hash_token(secret)))
    return token, secret


def owned_token(store: Store, user: User, token_id: str) -> AccessToken:
    """The user's token with this id; NotFound for anyone else's."""
    for token in store.tokens(user.id):
        if token.id == token_id:
            return token
    raise NotFound("no such token")


@bp.get("/me")
def me() -> ResponseReturnValue:
    """The caller, and how they authenticated."""
    return jsonify(user_payload(api_user(), authenticated_by=authenticated_by()))


@bp.get("/tokens")
def list_tokens() -> ResponseReturnValue:
    """The caller's tokens, newest first (never their secrets)."""
    tokens = sorted(get_store().tokens(api_user().id), key=lambda t: t.created_at, reverse=True)
    return jsonify(tokens=[token_payload(token) for token in tokens])


@bp.post("/tokens")
def create_token() -> ResponseReturnValue:
    """Create a token; only a signed-in session may (a token cannot mint more tokens)."""
    if authenticated_by() != "session":
        raise Forbidden("tokens can be created only when signed in with a session")
    body = json_object()
    only_fields(body, {"name"})
    name = as_string(required(body, "name"), "name", max_length=NAME_MAX, non_empty=True)
    token, secret = issue_token(get_store(), api_user(), name)
    headers = {"Cache-Control": "no-store"}
    return jsonify(token_payload(token) | {"secret": secret}), 201, headers


@bp.delete("/tokens/<token_id>")
def revoke_token(token_id: str) -> ResponseReturnValue:
    """Revoke one of the caller's tokens (a token may revoke itself)."""
    store, user = get_store(), api_user()
    store.revoke_token(user.id, owned_token(store, user, token_id).id)
    return "", 204
