"""Who may call what: anonymous callers, sessions with and without CSRF, tokens, other users."""

from __future__ import annotations

from typing import Any

import pytest
from api_callers import API, DOCUMENT, Caller, sign_in, with_token
from flask import Flask

from recipebox.web.api.tokens import TOKENS_MAX
from recipebox.web.auth import TOKEN_PREFIX, hash_token

OPERATIONS = [
    (method.upper(), path)
    for path, item in DOCUMENT["paths"].items()
    for method in ("get", "put", "post", "patch", "delete")
    if method in item
]
WRITES = [(method, path) for method, path in OPERATIONS if method != "GET"]


def concrete(path: str) -> str:
    """A documented path with every parameter filled in."""
    for name in ("recipe_id", "item_id", "token_id", "key"):
        path = path.replace("{" + name + "}", "0NOSUCHTHING")
    return API + path


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401_everywhere(anon: Caller, method: str, path: str) -> None:
    response = anon.call(method, concrete(path), json={})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_anonymous_writes_get_401_even_with_a_csrf_token(
    app: Flask, method: str, path: str
) -> None:
    caller = sign_in(app, "carol")
    with caller.client.session_transaction() as session:
        session.pop("uid")

    response = caller.call(method, concrete(path), json={})

    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_cookie_writes_without_the_csrf_header_are_refused(
    alice: Caller, method: str, path: str
) -> None:
    response = alice.call(method, concrete(path), json={}, headers={"X-CSRFToken": ""})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert "X-CSRFToken" in response.get_json()["error"]["message"]


def test_cookie_writes_with_a_wrong_csrf_token_are_refused(alice: Caller) -> None:
    response = alice.post(
        f"{API}/shopping-list/items", json={"text": "soap"}, headers={"X-CSRFToken": "forged"}
    )

    assert response.status_code == 400
    assert alice.get(f"{API}/shopping-list/items").get_json() == {"items": []}


def test_token_writes_need_no_csrf_header(alice_token: Caller) -> None:
    response = alice_token.post(f"{API}/shopping-list/items", json={"text": "soap"})

    assert response.status_code == 201
    assert response.get_json()["text"] == "soap"


def test_a_token_authenticates_its_owner(alice: Caller, alice_token: Caller) -> None:
    me = alice_token.get(f"{API}/me").get_json()

    assert alice.user is not None
    assert me == {
        "id": alice.user.id,
        "name": "alice",
        "display_name": "alice",
        "avatar_url": None,
        "created_at": alice.user.created_at.isoformat(),
        "authenticated_by": "token",
    }
    assert alice.get(f"{API}/me").get_json()["authenticated_by"] == "session"


def test_a_token_sees_only_its_owners_list(alice_token: Caller, bob: Caller) -> None:
    alice_token.post(f"{API}/shopping-list/items", json={"text": "alice's soap"})
    bob.post(f"{API}/shopping-list/items", json={"text": "bob's bread"})

    texts = [
        item["text"] for item in alice_token.get(f"{API}/shopping-list/items").get_json()["items"]
    ]

    assert texts == ["alice's soap"]


@pytest.mark.parametrize(
    "header",
    ["Bearer rbx_not-a-real-token", "Bearer " + TOKEN_PREFIX, "bearer rbx_x"],
)
def test_unknown_tokens_get_401(anon: Caller, header: str) -> None:
    response = anon.get(f"{API}/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_bad_token_wins_over_a_good_session(alice: Caller) -> None:
    response = alice.get(f"{API}/me", headers={"Authorization": "Bearer rbx_revoked"})

    assert response.status_code == 401


def test_a_revoked_token_gets_401(app: Flask, alice: Caller) -> None:
    assert alice.user is not None
    caller, _ = with_token(app, alice.user)
    assert caller.get(f"{API}/me").status_code == 200
    token_id = alice.get(f"{API}/tokens").get_json()["tokens"][0]["id"]

    assert alice.delete(f"{API}/tokens/{token_id}").status_code == 204

    assert caller.get(f"{API}/me").status_code == 401
    assert caller.post(f"{API}/shopping-list/items", json={"text": "x"}).status_code == 401


# --- the token API ------------------------------------------------------------------------


def test_a_session_creates_a_token_shown_once_and_stored_hashed(
    app: Flask, alice: Caller, api_store: Any
) -> None:
    response = alice.post(f"{API}/tokens", json={"name": "  my   script "})

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    created = response.get_json()
    assert created["name"] == "my script"
    assert created["secret"].startswith(TOKEN_PREFIX)
    assert alice.user is not None
    (stored,) = api_store.tokens(alice.user.id)
    assert stored.token_hash == hash_token(created["secret"])
    assert created["secret"] not in str(stored)
    listed = alice.get(f"{API}/tokens").get_json()
    assert listed == {"tokens": [{k: created[k] for k in ("id", "name", "created_at")}]}
    bearer = Caller(
        app, app.test_client(), headers={"Authorization": f"Bearer {created['secret']}"}
    )
    assert bearer.get(f"{API}/me").get_json()["id"] == alice.user.id


def test_a_token_cannot_create_tokens(alice_token: Caller) -> None:
    response = alice_token.post(f"{API}/tokens", json={"name": "another"})

    assert response.status_code == 403
    assert "session" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "name: is required"),
        ({"name": ""}, "name: must not be empty"),
        ({"name": 3}, "name: must be a string"),
        ({"name": "x" * 101}, "name: must be at most 100 characters"),
        ({"name": "x", "scope": "all"}, "scope: unknown field (allowed: name)"),
    ],
)
def test_token_names_are_validated(alice: Caller, body: dict[str, Any], message: str) -> None:
    response = alice.post(f"{API}/tokens", json=body)

    assert response.status_code == 400
    assert response.get_json() == {"error": {"code": "bad_request", "message": message}}


def test_nobody_lists_or_revokes_another_persons_tokens(alice_token: Caller, bob: Caller) -> None:
    token_id = alice_token.get(f"{API}/tokens").get_json()["tokens"][0]["id"]

    assert bob.get(f"{API}/tokens").get_json() == {"tokens": []}
    assert bob.delete(f"{API}/tokens/{token_id}").status_code == 404
    assert alice_token.get(f"{API}/me").status_code == 200


def test_a_token_may_revoke_itself(alice_token: Caller) -> None:
    token_id = alice_token.get(f"{API}/tokens").get_json()["tokens"][0]["id"]

    assert alice_token.delete(f"{API}/tokens/{token_id}").status_code == 204
    assert alice_token.get(f"{API}/me").status_code == 401


def test_tokens_are_limited_per_person(app: Flask, alice: Caller) -> None:
    assert alice.user is not None
    for _ in range(TOKENS_MAX):
        with_token(app, alice.user)

    response = alice.post(f"{API}/tokens", json={"name": "one too many"})

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
