"""My list: selections, the merged list by aisle, check-off, manual items, staples, print."""

from __future__ import annotations

import re

import pytest
from visitors import Visitor

from recipebox.domain.foods import display_name, food_key
from recipebox.domain.recipes import Recipe
from recipebox.store.sql import SqlStore

THREE = ("Spaghetti Bolognese", "Chicken Tikka Masala", "Classic Beef Chili")
# The shopping list names foods its own way ("beef mince" may read "Ground beef").
MINCE = display_name(food_key("beef mince"))


@pytest.fixture
def three(site_store: SqlStore) -> list[Recipe]:
    return [site_store.find_recipe_by_title(title) for title in THREE]


def line_keys(page: str) -> dict[str, bool]:
    """Every shopping line's key -> whether it shows as checked."""
    found = re.findall(
        r'name="key" value="([^"]+)">\s*<input type="hidden" name="checked" value="([01])">', page
    )
    return {key: value == "0" for key, value in found}


def aisles(page: str) -> list[str]:
    return re.findall(r'<h3 id="[^"]+" class="aisle-title">([^<]+)</h3>', page)


def test_empty_list_invites_browsing(alice: Visitor) -> None:
    text = alice.read("/list")
    assert "Your list is empty." in text
    assert "Nothing to buy yet" in text


def test_the_list_flow(alice: Visitor, three: list[Recipe]) -> None:
    for recipe in three:
        assert alice.post(f"/list/recipes/{recipe.id}", {"servings": "4"}).status_code == 302
    page = alice.get("/list")
    text = alice.text(page)
    for title in THREE:
        assert title in text
    # merged: garlic from all three recipes on one line, onions from all three on another
    keys = line_keys(page.text)
    assert "garlic|clove" in keys
    assert "onion|count" in keys
    garlic = page.text.split('value="garlic|clove"')[1].split("</li>")[0]
    used_by = re.search(r'<span class="line-for">for ([^<]+)</span>', garlic)
    assert used_by is not None
    assert sorted(used_by.group(1).split(", ")) == sorted(THREE)
    assert aisles(page.text)[:3] == ["Produce", "Dairy &amp; eggs", "Meat &amp; fish"]
    assert "Check you have" in text
    assert not any(keys.values())

    # check a line (form post), reload: still checked
    assert alice.post("/list/check", {"key": "garlic|clove", "checked": "1"}).status_code == 302
    reloaded = alice.get("/list")
    assert line_keys(reloaded.text)["garlic|clove"] is True
    assert 'class="line is-checked"' in reloaded.text
    assert "1 of" in alice.text(reloaded)

    # a manual item, checked too
    alice.post("/list/items", {"text": "  paper   towels "})
    page = alice.get("/list")
    item_key = next(key for key in line_keys(page.text) if key.startswith("item:"))
    assert "paper towels" in alice.text(page)
    alice.post("/list/check", {"key": item_key, "checked": "1"})
    assert line_keys(alice.get("/list").text)[item_key] is True

    # clear checked: checked lines forgotten, checked items gone
    alice.post("/list/clear-checked")
    keys = line_keys(alice.get("/list").text)
    assert keys["garlic|clove"] is False
    assert item_key not in keys


def test_check_off_by_fetch_answers_json(alice: Visitor, three: list[Recipe]) -> None:
    alice.post(f"/list/recipes/{three[0].id}")
    response = alice.fetch("/list/check", {"key": "garlic|clove", "checked": "1"})
    assert response.status_code == 200
    assert response.json == {"ok": True, "message": None, "key": "garlic|clove", "checked": True}
    assert line_keys(alice.get("/list").text)["garlic|clove"] is True
    alice.fetch("/list/check", {"key": "garlic|clove", "checked": "0"})
    assert line_keys(alice.get("/list").text)["garlic|clove"] is False


def test_add_to_list_by_fetch_answers_json(alice: Visitor, three: list[Recipe]) -> None:
    response = alice.fetch(f"/list/recipes/{three[0].id}", {"servings": "3"})
    assert response.json == {
        "ok": True,
        "message": "Your list is updated.",
        "recipe_id": three[0].id,
        "servings": 3,
    }


def test_selecting_without_servings_uses_the_recipes(
    alice: Visitor, site_store: SqlStore, three: list[Recipe]
) -> None:
    alice.post(f"/list/recipes/{three[0].id}")
    user = site_store.user_for_identity("local", "alice")
    assert user is not None
    assert [(s.recipe_id, s.servings) for s in site_store.selections(user.id)] == [
        (three[0].id, three[0].servings)
    ]


def test_change_servings_and_remove(alice: Visitor, three: list[Recipe]) -> None:
    bolognese = three[0]
    alice.post(f"/list/recipes/{bolognese.id}", {"servings": "6"})
    assert f"{MINCE} , 500 g" in alice.text(alice.get("/list"))
    alice.post(f"/list/recipes/{bolognese.id}", {"servings": "12"})
    page = alice.get("/list")
    assert 'value="12"' in page.text.split(f'action="/list/recipes/{bolognese.id}"')[1][:400]
    assert f"{MINCE} , 1 kg" in alice.text(page)
    alice.post(f"/list/recipes/{bolognese.id}/remove")
    assert "Your list is empty." in alice.read("/list")


def test_bad_servings_are_refused(alice: Visitor, three: list[Recipe]) -> None:
    response = alice.fetch(f"/list/recipes/{three[0].id}", {"servings": "0"})
    assert response.status_code == 400
    assert response.json == {"ok": False, "message": "Servings must be from 1 to 100."}
    redirect = alice.post(f"/list/recipes/{three[0].id}", {"servings": "500"})
    assert "Servings must be from 1 to 100." in alice.read(redirect.headers["Location"])


def test_selecting_an_unknown_recipe_is_404(alice: Visitor) -> None:
    assert alice.post("/list/recipes/NOPE").status_code == 404
    assert alice.post("/list/recipes/NOPE", {"servings": "2"}).status_code == 404


def test_manual_items_need_text(alice: Visitor) -> None:
    response = alice.post("/list/items", {"text": "   "})
    assert "Type an item of 1 to 200 characters." in alice.read(response.headers["Location"])


def test_delete_a_manual_item(alice: Visitor) -> None:
    alice.post("/list/items", {"text": "2 lemons"})
    page = alice.get("/list").text
    item_id = re.search(r'action="/list/items/([^/]+)/delete"', page)
    assert item_id is not None
    alice.post(f"/list/items/{item_id.group(1)}/delete")
    assert "2 lemons" not in alice.read("/list")


def test_users_never_see_or_change_each_others_lists(
    alice: Visitor, bob: Visitor, three: list[Recipe]
) -> None:
    alice.post(f"/list/recipes/{three[0].id}", {"servings": "6"})
    alice.post("/list/items", {"text": "alice's secret item"})
    alice_page = alice.get("/list").text
    item_id = re.search(r'action="/list/items/([^/]+)/delete"', alice_page)
    assert item_id is not None

    bob_text = bob.read("/list")
    assert "Spaghetti Bolognese" not in bob_text
    assert "alice's secret item" not in bob_text
    # bob's attempts on alice's item are 404s, and change nothing
    check = bob.post("/list/check", {"key": f"item:{item_id.group(1)}", "checked": "1"})
    assert check.status_code == 404
    assert bob.post(f"/list/items/{item_id.group(1)}/delete").status_code == 404
    bob.post("/list/check", {"key": "garlic|clove", "checked": "1"})
    bob.post("/list/clear-checked")
    bob.post(f"/list/recipes/{three[0].id}/remove")
    after = alice.get("/list").text
    assert "alice&#39;s secret item" in after
    assert line_keys(after)["garlic|clove"] is False
    assert "Spaghetti Bolognese" in alice.text(alice.get("/list"))


def test_list_pages_need_sign_in(anon: Visitor, three: list[Recipe]) -> None:
    for url in ("/list", "/list/print", "/list/staples"):
        assert anon.get(url).status_code == 302
    for url in ("/list/check", "/list/items", "/list/clear-checked", "/list/staples"):
        assert anon.post(url, {"key": "x", "text": "x"}).status_code == 401


def test_units_preference_applies_to_the_list(alice: Visitor, three: list[Recipe]) -> None:
    alice.post(f"/list/recipes/{three[0].id}", {"servings": "6"})
    us = alice.text(alice.get("/list?units=us"))
    assert f"{MINCE} , 1 lb" in us
    metric = alice.text(alice.get("/list?units=metric"))
    assert f"{MINCE} , 500 g" in metric
    assert f"{MINCE} , 500 g" in alice.text(alice.get("/list"))


def test_staples_can_be_edited(alice: Visitor, three: list[Recipe]) -> None:
    alice.post(f"/list/recipes/{three[0].id}", {"servings": "6"})
    page = alice.get("/list/staples")
    assert "salt\npepper\nwater\noil" in page.text
    alice.post("/list/staples", {"staples": "Salt\n\n  olive oil \nsalt"})
    assert "salt\nolive oil" in alice.get("/list/staples").text
    text = alice.read("/list")
    staples = text.split("Check you have")[1]
    assert "Olive oil" in staples
    alice.post("/list/staples", {"reset": "1", "staples": ""})
    assert "salt\npepper\nwater\noil" in alice.get("/list/staples").text


def test_print_view_lists_unchecked_lines_without_controls(
    alice: Visitor, three: list[Recipe]
) -> None:
    alice.post(f"/list/recipes/{three[0].id}", {"servings": "6"})
    alice.post("/list/check", {"key": "garlic|clove", "checked": "1"})
    page = alice.get("/list/print")
    text = alice.text(page)
    assert "Shopping list" in text
    assert f"{MINCE} — 500 g" in text
    assert "Garlic" not in text
    assert 'name="key"' not in page.text
    assert "For Spaghetti Bolognese (6)" in text
