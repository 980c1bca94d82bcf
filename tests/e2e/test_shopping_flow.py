"""A shopper's visit, end to end in a real browser, on every way of serving the site.

Bolognese (6 servings), Tikka Masala (4) and Shakshuka (4) share garlic (3 + 4 + 3 cloves)
and canned tomatoes (2 + 1 + 2 cans); the list merges them into one line each.
"""

from __future__ import annotations

import re

from browsing import (
    OpenPage,
    Site,
    add_from_search,
    card,
    links_outside,
    search,
    shopping_line,
    sign_in,
    tick,
    url_of,
)
from playwright.sync_api import Page, expect

THREE = ("Spaghetti Bolognese", "Chicken Tikka Masala", "Shakshuka")


def ingredient(page: Page, food: str) -> str:
    """The text of the recipe page's ingredient line that mentions `food`."""
    return page.locator(".ingredients li").filter(has_text=food).inner_text()


def test_shopper_signs_in_plans_three_recipes_and_shops(site: Site, open_page: OpenPage) -> None:
    page, traffic = open_page(site)
    page.goto(site.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Recipes")

    sign_in(page, "Ada")
    expect(page).to_have_url(url_of(site, "/"))
    assert links_outside(page, site) == []

    results = search(page, "bolognese")
    expect(page).to_have_url(url_of(site, "/"))
    expect(results.get_by_role("heading", level=2)).to_contain_text(["Spaghetti Bolognese"])
    assert links_outside(page, site) == []
    card(page, "Spaghetti Bolognese").get_by_role("link", name="Spaghetti Bolognese").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spaghetti Bolognese")
    assert page.url.startswith(site.at("/recipes/"))
    assert links_outside(page, site) == []

    # The servings control rescales in the page; the server renders the same amounts.
    servings = page.get_by_label("Servings", exact=True)
    expect(servings).to_have_value("6")
    assert ingredient(page, "garlic") == "3 cloves garlic, crushed"
    page.get_by_role("link", name="More servings").click()
    expect(servings).to_have_value("7")
    assert ingredient(page, "garlic") == "3 ½ cloves garlic, crushed"
    servings.fill("12")
    expect(page.locator(".ingredients li").filter(has_text="garlic")).to_have_text(
        "6 cloves garlic, crushed"
    )
    assert ingredient(page, "chopped tomatoes") == "4 cans chopped tomatoes"
    expect(page).to_have_url(re.compile(r"[?&]servings=12$"))
    page.reload()
    expect(servings).to_have_value("12")
    assert ingredient(page, "garlic") == "6 cloves garlic, crushed"

    page.get_by_role("button", name="+ Add to my list").click()
    expect(page.get_by_role("link", name="✓ On your list")).to_be_visible()
    add_from_search(page, "Chicken Tikka Masala")
    add_from_search(page, "Shakshuka")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My list").click()
    expect(page).to_have_url(url_of(site, "/list"))
    picked = page.locator(".picked .picked-title")
    expect(picked).to_contain_text(list(THREE))
    assert links_outside(page, site) == []
    garlic = shopping_line(page, "Garlic")
    expect(garlic.locator(".line-amount")).to_have_text("13 cloves")  # 3 x 12/6 + 4 + 3
    expect(garlic.locator(".line-for")).to_have_text(
        "for Spaghetti Bolognese, Chicken Tikka Masala, Shakshuka"
    )
    tomatoes = shopping_line(page, "Tomato")
    expect(tomatoes.locator(".line-amount")).to_have_text("7 cans")  # 2 x 12/6 + 1 + 2

    # Check garlic off (sent with fetch) and see it survive a reload.
    expect(tick(garlic)).to_have_attribute("aria-checked", "false")
    pages_loaded = len(traffic.documents)
    with page.expect_response(site.at("/list/check")) as sent:
        tick(garlic).click()
    assert sent.value.ok
    expect(tick(garlic)).to_have_attribute("aria-checked", "true")
    expect(page.locator("[data-checked-count]")).to_have_text("1")
    assert len(traffic.documents) == pages_loaded  # no page load: the fetch did it
    page.reload()
    expect(tick(garlic)).to_have_attribute("aria-checked", "true")
    expect(garlic).to_have_class(re.compile(r"\bis-checked\b"))
    expect(tick(tomatoes)).to_have_attribute("aria-checked", "false")

    page.get_by_label("Add an item").fill("paper towels")
    page.get_by_role("button", name="Add", exact=True).click()
    towels = shopping_line(page, "paper towels")
    expect(towels.locator(".line-for")).to_have_text("added by you")
    expect(page.get_by_role("status")).to_have_text("Added “paper towels”.")

    # Sign out from the settings page; the list then sends us to sign in, which comes back
    # to it, with the check and the manual item kept.
    page.get_by_role("link", name="Settings for Ada").click()
    assert links_outside(page, site) == []
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(url_of(site, "/"))
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(site.at("/list"))
    expect(page).to_have_url(site.at("/auth/signin?next=/list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert links_outside(page, site) == []
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url_of(site, "/list"))
    expect(tick(shopping_line(page, "Garlic"))).to_have_attribute("aria-checked", "true")
    expect(shopping_line(page, "paper towels")).to_be_visible()

    assert traffic.outside_site() == []
    assert traffic.failures == []
    assert traffic.console_errors == []


def test_shopper_without_javascript_uses_plain_forms(site: Site, open_page: OpenPage) -> None:
    page, traffic = open_page(site, java_script_enabled=False)
    page.goto(site.url)
    expect(page.locator("html")).not_to_have_class("js")  # site.js adds it when it runs
    sign_in(page, "Grace")

    search(page, "shakshuka")
    page.get_by_role("link", name="Shakshuka", exact=True).click()
    eggs = page.locator(".ingredients li").filter(has_text="eggs")
    expect(eggs).to_have_text("6 eggs")
    page.get_by_label("Servings", exact=True).fill("8")
    page.get_by_role("button", name="Update").click()  # a GET form: ?servings=8
    expect(eggs).to_have_text("12 eggs")
    page.get_by_role("button", name="+ Add to my list").click()
    expect(page.get_by_role("status")).to_have_text("Your list is updated.")
    expect(page.get_by_role("link", name=re.compile("On your list"))).to_contain_text("for 8")

    page.goto(site.at("/list"))
    line = shopping_line(page, "Eggs")
    expect(line.locator(".line-amount")).to_have_text("12")
    expect(tick(line)).to_have_attribute("aria-checked", "false")
    with page.expect_navigation(url=site.at("/list")):
        tick(line).click()  # posts the line's form; the server redirects back to the list
    expect(tick(shopping_line(page, "Eggs"))).to_have_attribute("aria-checked", "true")
    expect(page.locator("[data-progress]")).to_contain_text("1 of")

    assert traffic.documents[-2:] == [f"POST {site.at('/list/check')}", f"GET {site.at('/list')}"]
    assert traffic.outside_site() == []
    assert traffic.failures == []
