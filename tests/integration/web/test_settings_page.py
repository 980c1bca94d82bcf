"""The settings page: display name, units preference, and the way to access tokens."""

from __future__ import annotations

from visitors import Visitor

from recipebox.domain.recipes import Recipe


def test_settings_need_sign_in(anon: Visitor) -> None:
    assert anon.get("/settings").headers["Location"] == "/auth/signin?next=/settings"


def test_settings_link_to_access_tokens(alice: Visitor) -> None:
    page = alice.get("/settings")
    assert '<a href="/settings/tokens">Access tokens</a>' in page.text
    assert "Signed in as alice." in alice.text(page)


def test_change_display_name_and_units(alice: Visitor, bolognese: Recipe) -> None:
    response = alice.post("/settings", {"display_name": "Alice A.", "units": "us"})
    assert response.status_code == 302
    page = alice.get("/settings")
    assert 'value="Alice A."' in page.text
    assert 'value="us" checked' in page.text
    recipe = alice.get(f"/recipes/{bolognese.id}").text
    assert 'aria-current="true">US</a>' in recipe


def test_display_name_is_required(alice: Visitor) -> None:
    response = alice.post("/settings", {"display_name": " ", "units": "metric"})
    assert response.status_code == 400
    assert "Use a name of 1 to 80 characters." in alice.text(response)
