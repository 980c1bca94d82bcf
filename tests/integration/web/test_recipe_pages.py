"""The recipe page: ingredients with sections, steps, servings scaling, units, owner actions."""

from __future__ import annotations

import re

from visitors import Visitor

from recipebox.domain.recipes import Recipe
from recipebox.store.sql import SqlStore


def amounts(page: str) -> list[str]:
    return re.findall(r'<span class="amt"[^>]*>([^<]+)</span>', page)


def test_shows_ingredients_and_steps(anon: Visitor, bolognese: Recipe) -> None:
    page = anon.get(f"/recipes/{bolognese.id}")
    text = anon.text(page)
    assert page.status_code == 200
    assert "<h1>Spaghetti Bolognese</h1>" in page.text
    assert "500 g beef mince" in text
    assert "100 g pancetta , diced" in text
    assert "salt and pepper to taste" in text
    assert text.count("Heat the olive oil") == 1
    assert len(re.findall(r"<li>", page.text.split('class="steps"')[1].split("</ol>")[0])) == 7


def test_section_headings_come_before_their_lines(anon: Visitor, site_store: SqlStore) -> None:
    recipe = next(
        r
        for r in site_store.get_recipes(
            s.id for s in site_store.search_recipes(per_page=60).items
        ).values()
        if any(line.section for line in r.ingredients)
    )
    page = anon.get(f"/recipes/{recipe.id}")
    sections = list(dict.fromkeys(line.section for line in recipe.ingredients if line.section))
    headings = re.findall(r'<li class="section-head"><h3>([^<]+)</h3></li>', page.text)
    assert headings == sections


def test_servings_rescale_the_amounts(anon: Visitor, bolognese: Recipe) -> None:
    base = amounts(anon.get(f"/recipes/{bolognese.id}").text)
    assert base[:3] == ["2 tbsp", "100 g", "1"]
    doubled = anon.get(f"/recipes/{bolognese.id}?servings=12")
    assert amounts(doubled.text)[:3] == ["4 tbsp", "200 g", "2"]
    assert re.search(r'<input id="servings" name="servings"[^>]* value="12">', doubled.text)
    # Signed out, "+ Add to my list" leads to the sign-in page and back to these servings.
    assert f"/auth/signin?next=/recipes/{bolognese.id}?servings%3D12" in doubled.text
    assert "1000 g beef mince" in anon.text(doubled)


def test_amounts_carry_scaling_data_for_the_script(anon: Visitor, bolognese: Recipe) -> None:
    page = anon.get(f"/recipes/{bolognese.id}")
    assert (
        '<span class="amt" data-low="100" data-one="g" data-many="g" data-kitchen="0">100 g</span>'
        in page.text
    )
    assert '<span class="amt" data-low="2" data-one="tbsp" data-many="tbsp" data-kitchen="1">' in (
        page.text
    )
    assert 'data-servings-control data-base="6"' in page.text


def test_out_of_range_servings_fall_back_to_the_recipe(anon: Visitor, bolognese: Recipe) -> None:
    for asked in ("0", "101", "lots"):
        page = anon.get(f"/recipes/{bolognese.id}?servings={asked}")
        assert re.search(r'<input id="servings" name="servings"[^>]* value="6">', page.text)


def test_units_toggle_converts_and_is_remembered(anon: Visitor, bolognese: Recipe) -> None:
    us = anon.get(f"/recipes/{bolognese.id}?units=us")
    assert "beef mince" in anon.text(us)
    assert "1 lb" in amounts(us.text)[6]
    assert '<a href="/recipes/' in us.text
    assert 'aria-current="true">US</a>' in us.text
    again = anon.get(f"/recipes/{bolognese.id}")
    assert "1 lb" in amounts(again.text)[6]
    metric = anon.get(f"/recipes/{bolognese.id}?units=metric")
    assert amounts(metric.text)[0] == "30 ml"
    written = anon.get(f"/recipes/{bolognese.id}?units=original")
    assert amounts(written.text)[0] == "2 tbsp"


def test_unknown_recipe_is_a_404_page(anon: Visitor) -> None:
    page = anon.get("/recipes/NOPE")
    assert page.status_code == 404
    assert "We could not find that page" in anon.text(page)


def test_anonymous_sees_no_owner_actions(anon: Visitor, bolognese: Recipe) -> None:
    page = anon.get(f"/recipes/{bolognese.id}")
    assert f"/recipes/{bolognese.id}/edit" not in page.text
    # Adding asks a signed-out visitor to sign in first, with a link (no form, no CSRF token).
    assert f'href="/auth/signin?next=/recipes/{bolognese.id}"' in page.text
    assert f'action="/list/recipes/{bolognese.id}"' not in page.text
    assert "csrf" not in page.text


def test_shows_source_link(alice: Visitor) -> None:
    response = alice.post(
        "/recipes/new",
        {
            "title": "Linked",
            "servings": "2",
            "ingredients": "1 egg",
            "source_url": "https://www.example.org/eggs",
            "step": "save",
        },
    )
    page = alice.get(response.headers["Location"])
    assert '<a href="https://www.example.org/eggs" rel="noopener nofollow">example.org</a>' in (
        page.text
    )


def test_recipe_on_your_list_says_so(alice: Visitor, bolognese: Recipe) -> None:
    alice.post(f"/list/recipes/{bolognese.id}", {"servings": "3"})
    page = alice.get(f"/recipes/{bolognese.id}?servings=3")
    assert "✓ On your list for 3" in alice.text(page)
    assert 'data-selected="3" hidden' in page.text
    assert 'data-selected="3">' in alice.get(f"/recipes/{bolognese.id}?servings=5").text
