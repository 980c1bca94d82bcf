"""The browse page: cards, search, tags, pagination and the per-card "add to my list"."""

from __future__ import annotations

import html
import re

from visitors import Visitor

from recipebox.domain.recipes import Recipe
from recipebox.store.sql import SqlStore


def card_titles(page: str) -> list[str]:
    found = re.findall(r'<h2><a href="/recipes/[^"]+">([^<]+)</a></h2>', page)
    return [html.unescape(title) for title in found]


def test_lists_demo_recipes_as_cards_with_pagination(anon: Visitor) -> None:
    first = anon.get("/")
    assert first.status_code == 200
    assert len(card_titles(first.text)) == 24
    assert "49 recipes" in anon.text(first)
    assert "Page 1 of 3" in anon.text(first)
    last = anon.get("/?page=3")
    assert len(card_titles(last.text)) == 1
    assert not set(card_titles(first.text)) & set(card_titles(last.text))


def test_search_finds_recipes_by_words(anon: Visitor) -> None:
    page = anon.get("/?q=bolognese")
    assert card_titles(page.text) == ["Spaghetti Bolognese"]
    assert "Recipes matching “bolognese”" in anon.text(page)


def test_search_without_hits_says_so(anon: Visitor) -> None:
    assert "No recipes found." in anon.read("/?q=zzzzqqq")


def test_tag_filter_and_popular_tags(anon: Visitor, site_store: SqlStore) -> None:
    page = anon.get("/?tag=mexican")
    titles = card_titles(page.text)
    assert titles
    assert all("mexican" in site_store.find_recipe_by_title(t).tags for t in titles)
    popular = [name for name, _ in site_store.tags(limit=14)]
    for name in popular:
        assert f'href="/?tag={name}"' in page.text
    assert '<a class="chip" href="/?tag=mexican" aria-current="true">' in page.text


def test_cards_offer_add_to_list_and_show_what_is_on_it(alice: Visitor, bolognese: Recipe) -> None:
    page = alice.get("/?q=bolognese")
    assert f'action="/list/recipes/{bolognese.id}"' in page.text
    alice.post(f"/list/recipes/{bolognese.id}", {"servings": "6"})
    page = alice.get("/?q=bolognese")
    assert f'action="/list/recipes/{bolognese.id}"' not in page.text
    assert "✓ On your list" in page.text


def test_add_from_a_card_returns_to_the_page(alice: Visitor, bolognese: Recipe) -> None:
    response = alice.post(
        f"/list/recipes/{bolognese.id}", {"servings": "6", "next": "/?q=bolognese"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/?q=bolognese"


def test_anonymous_add_to_list_asks_to_sign_in(anon: Visitor, bolognese: Recipe) -> None:
    response = anon.post(f"/list/recipes/{bolognese.id}", {"next": "/?page=2"})
    assert response.status_code == 401
    assert 'href="/auth/signin?next=/?page%3D2"' in response.text
    assert "Please sign in" in anon.text(response)


def test_mine_shows_only_your_recipes(alice: Visitor, bob: Visitor) -> None:
    alice.post(
        "/recipes/new",
        {"title": "Alice's toast", "servings": "1", "ingredients": "1 slice bread", "step": "save"},
    )
    assert card_titles(alice.get("/?mine=1").text) == ["Alice's toast"]
    assert card_titles(bob.get("/?mine=1").text) == []
