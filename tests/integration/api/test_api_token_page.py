"""/settings/tokens: create a token (secret shown once), list, revoke; only for yourself."""

from __future__ import annotations

import re

from api_callers import API, Caller
from flask import Flask

from recipebox.store.protocol import Store
from recipebox.web.auth import hash_token

PAGE = "/settings/tokens"
_SECRET = re.compile(r'id="secret"[^>]*value="(rbx_[^"]+)"')


def form_token(caller: Caller) -> str:
    """The CSRF token the page's forms carry."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', caller.get(PAGE).get_data(as_text=True))
    assert match is not None
    return match.group(1)


def create(caller: Caller, name: str) -> str:
    response = caller.post(PAGE, data={"name": name, "csrf_token": form_token(caller)})
    assert response.status_code == 200
    match = _SECRET.search(response.get_data(as_text=True))
    assert match is not None
    return match.group(1)


def test_anonymous_visitors_are_sent_to_sign_in(anon: Caller) -> None:
    response = anon.get(PAGE)

    assert response.status_code == 302
    assert "/auth/signin" in response.headers["Location"]


def test_the_page_starts_empty(alice: Caller) -> None:
    html = alice.get(PAGE).get_data(as_text=True)

    assert "You have no tokens yet." in html
    assert 'action="/settings/tokens"' in html


def test_creating_shows_the_secret_once_and_stores_it_hashed(
    app: Flask, alice: Caller, api_store: Store
) -> None:
    response = alice.post(PAGE, data={"name": "Phone", "csrf_token": form_token(alice)})

    assert response.headers["Cache-Control"] == "no-store"
    match = _SECRET.search(response.get_data(as_text=True))
    assert match is not None
    secret = match.group(1)
    assert alice.user is not None
    (token,) = api_store.tokens(alice.user.id)
    assert (token.name, token.token_hash) == ("Phone", hash_token(secret))
    later = alice.get(PAGE).get_data(as_text=True)
    assert secret not in later
    assert "Phone" in later
    assert f'datetime="{token.created_at.isoformat()}"' in later
    bearer = Caller(app, app.test_client(), headers={"Authorization": f"Bearer {secret}"})
    assert bearer.get(f"{API}/me").get_json()["id"] == alice.user.id


def test_a_token_needs_a_name(alice: Caller, api_store: Store) -> None:
    response = alice.post(PAGE, data={"name": "  ", "csrf_token": form_token(alice)})

    assert response.status_code == 400
    assert "Must not be empty." in response.get_data(as_text=True)
    assert alice.user is not None
    assert api_store.tokens(alice.user.id) == []


def test_creating_needs_the_forms_csrf_token(alice: Caller, api_store: Store) -> None:
    response = alice.client.post(PAGE, data={"name": "Phone"})

    assert response.status_code == 400
    assert alice.user is not None
    assert api_store.tokens(alice.user.id) == []


def test_revoking_a_token_stops_it_working(app: Flask, alice: Caller) -> None:
    secret = create(alice, "Script")
    token_id = alice.get(f"{API}/tokens").get_json()["tokens"][0]["id"]

    response = alice.post(f"{PAGE}/{token_id}/revoke", data={"csrf_token": form_token(alice)})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(PAGE)
    assert "Revoked “Script”." in alice.get(PAGE).get_data(as_text=True)
    bearer = Caller(app, app.test_client(), headers={"Authorization": f"Bearer {secret}"})
    assert bearer.get(f"{API}/me").status_code == 401


def test_nobody_revokes_another_persons_token(alice: Caller, bob: Caller) -> None:
    create(alice, "Script")
    token_id = alice.get(f"{API}/tokens").get_json()["tokens"][0]["id"]

    response = bob.post(f"{PAGE}/{token_id}/revoke", data={"csrf_token": form_token(bob)})

    assert response.status_code == 404
    assert "Script" not in bob.get(PAGE).get_data(as_text=True)
    assert len(alice.get(f"{API}/tokens").get_json()["tokens"]) == 1


def test_a_token_cannot_use_the_page(alice_token: Caller) -> None:
    assert alice_token.get(PAGE).status_code == 403
    assert alice_token.post(PAGE, data={"name": "more"}).status_code == 403
