"""Create, edit and delete your own recipes, with a preview of the parsed ingredients."""

from __future__ import annotations

from typing import Any

import pytest
from visitors import Visitor

from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import Recipe
from recipebox.store.sql import SqlStore

PANCAKES: dict[str, Any] = {
    "title": "Pancakes",
    "description": "Thin ones.",
    "servings": "4",
    "ingredients": "For the batter:\n2 1/2 cups flour, sifted\n3 eggs\n\nTo serve:\nlemon juice",
    "steps": "1. Whisk.\n2) Fry.\n",
    "tags": "Breakfast, sweet, breakfast",
    "source_url": "https://example.org/pancakes",
    "image_url": "",
}


def save(visitor: Visitor, fields: dict[str, Any], url: str = "/recipes/new") -> str:
    response = visitor.post(url, {**fields, "step": "save"})
    assert response.status_code == 302, visitor.text(response)
    return str(response.headers["Location"]).rsplit("/", 1)[1]


def test_new_recipe_form_needs_sign_in(anon: Visitor) -> None:
    response = anon.get("/recipes/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/signin?next=/recipes/new"


def test_form_has_labelled_fields(alice: Visitor) -> None:
    page = alice.get("/recipes/new").text
    for name in ("title", "description", "servings", "ingredients", "steps", "tags"):
        assert f'<label for="{name}">' in page
        assert f'id="{name}" name="{name}"' in page
    assert 'name="csrf_token"' in page


def test_preview_shows_how_lines_were_parsed(alice: Visitor) -> None:
    response = alice.post("/recipes/new", {**PANCAKES, "step": "preview"})
    text = alice.text(response)
    assert response.status_code == 200
    assert "How we read your ingredients" in text
    assert "2 1/2 cups flour, sifted 2 ½ cup flour sifted" in text
    assert "3 eggs 3 — eggs" in text
    assert "Batter" in text
    assert "To serve" in text
    assert "no amount: listed as written" in text
    # the preview carries every field forward to "Save"
    assert '<input type="hidden" name="title" value="Pancakes">' in response.text
    assert 'name="step" value="save"' in response.text


def test_save_keeps_the_text_and_parses_it(alice: Visitor, site_store: SqlStore) -> None:
    recipe = site_store.get_recipe(save(alice, PANCAKES))
    flour, eggs, lemon = recipe.ingredients
    assert (flour.text, flour.quantity, flour.unit, flour.food, flour.note, flour.section) == (
        "2 1/2 cups flour, sifted",
        Quantity.from_json("5/2"),
        "cup",
        "flour",
        "sifted",
        "Batter",
    )
    assert (eggs.text, eggs.section) == ("3 eggs", "Batter")
    assert (lemon.text, lemon.quantity, lemon.section) == ("lemon juice", None, "To serve")
    assert recipe.steps == ["Whisk.", "Fry."]
    assert recipe.tags == ["breakfast", "sweet"]
    assert recipe.source_url == "https://example.org/pancakes"
    assert recipe.image_url is None
    owner = site_store.user_for_identity("local", "alice")
    assert owner is not None
    assert recipe.owner_id == owner.id


def test_saving_flashes_and_shows_the_recipe(alice: Visitor) -> None:
    recipe_id = save(alice, PANCAKES)
    page = alice.get(f"/recipes/{recipe_id}")
    assert "Added “Pancakes”." in alice.text(page)
    assert f'href="/recipes/{recipe_id}/edit"' in page.text


def test_back_to_editing_keeps_the_fields(alice: Visitor) -> None:
    response = alice.post("/recipes/new", {**PANCAKES, "step": "edit"})
    assert response.status_code == 200
    assert '<textarea id="ingredients"' in response.text
    assert "2 1/2 cups flour, sifted" in response.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Give the recipe a title."),
        ({"servings": "0"}, "servings", "Servings must be a whole number from 1 to 100."),
        ({"servings": "101"}, "servings", "Servings must be a whole number from 1 to 100."),
        ({"servings": "four"}, "servings", "Servings must be a whole number from 1 to 100."),
        ({"ingredients": "For the sauce:\n\n"}, "ingredients", "Add at least one ingredient"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "starting with http:// or https://"),
        ({"image_url": "ftp://example.org/x.png"}, "image_url", "starting with http://"),
    ],
)
def test_validation_errors_show_next_to_the_field(
    alice: Visitor, changes: dict[str, str], field: str, message: str
) -> None:
    for step in ("preview", "save"):
        response = alice.post("/recipes/new", {**PANCAKES, **changes, "step": step})
        assert response.status_code == 400
        assert f'<p class="field-error" id="{field}-error">' in response.text
        assert message in alice.text(response)
        assert 'aria-invalid="true"' in response.text
    assert "0 recipes" in alice.read("/?mine=1")


def test_owner_edits_with_the_form_prefilled(alice: Visitor, site_store: SqlStore) -> None:
    recipe_id = save(alice, PANCAKES)
    form = alice.get(f"/recipes/{recipe_id}/edit").text
    # headings come back as the parser names them; every line as typed
    assert "Batter:\n2 1/2 cups flour, sifted\n3 eggs\nTo serve:\nlemon juice" in form
    assert 'value="breakfast, sweet"' in form
    save(alice, {**PANCAKES, "title": "Crêpes", "servings": "2"}, f"/recipes/{recipe_id}/edit")
    recipe = site_store.get_recipe(recipe_id)
    assert (recipe.title, recipe.servings) == ("Crêpes", 2)


def test_other_users_cannot_edit_or_delete(alice: Visitor, bob: Visitor) -> None:
    recipe_id = save(alice, PANCAKES)
    assert f"/recipes/{recipe_id}/edit" not in bob.get(f"/recipes/{recipe_id}").text
    assert bob.get(f"/recipes/{recipe_id}/edit").status_code == 403
    edited = bob.post(f"/recipes/{recipe_id}/edit", {**PANCAKES, "title": "Mine", "step": "save"})
    assert edited.status_code == 403
    assert "That is not yours to change" in bob.text(edited)
    assert bob.post(f"/recipes/{recipe_id}/delete").status_code == 403
    assert "Pancakes" in alice.read(f"/recipes/{recipe_id}")


def test_demo_recipes_belong_to_nobody(alice: Visitor, bolognese: Recipe) -> None:
    assert alice.get(f"/recipes/{bolognese.id}/edit").status_code == 403


def test_delete_asks_then_deletes(alice: Visitor, site_store: SqlStore) -> None:
    recipe_id = save(alice, PANCAKES)
    alice.post(f"/list/recipes/{recipe_id}", {"servings": "2"})
    confirm = alice.get(f"/recipes/{recipe_id}/delete")
    assert "Delete “Pancakes”?" in alice.text(confirm)
    response = alice.post(f"/recipes/{recipe_id}/delete")
    assert response.status_code == 302
    assert "Deleted “Pancakes”." in alice.read(response.headers["Location"])
    assert alice.get(f"/recipes/{recipe_id}").status_code == 404
    owner = site_store.user_for_identity("local", "alice")
    assert owner is not None
    assert site_store.selections(owner.id) == []
