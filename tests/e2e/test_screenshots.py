"""The main pages at desktop and phone widths: nothing sticks out sideways; screenshots to look at.

Screenshots go to ``screenshots/PAGE-WIDTH.png`` at the repository root (ignored by git), to
be looked at after a change to the templates or the style sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browsing import (
    DESKTOP,
    PHONE,
    OpenPage,
    Site,
    add_from_search,
    search,
    shopping_line,
    sign_in,
)
from playwright.sync_api import Locator, Page, expect

WIDTHS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_main_pages_fit_the_screen(wsgi_site: Site, open_page: OpenPage, width: str) -> None:
    page, traffic = open_page(wsgi_site, **WIDTHS[width])
    SCREENSHOTS.mkdir(exist_ok=True)
    overflowing: dict[str, int] = {}

    def shoot(name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        extra: int = page.evaluate(OVERFLOW)
        if extra > 0:
            overflowing[name] = extra

    page.goto(wsgi_site.at("/auth/signin"))
    expect(page.get_by_label("Your name")).to_be_visible()
    shoot("signin")

    page.goto(wsgi_site.url)
    sign_in(page, f"Sam {width}")
    for title in ("Spaghetti Bolognese", "Chicken Tikka Masala", "Shakshuka"):
        add_from_search(page, title)
    search(page, "bolognese")
    page.get_by_role("link", name="Spaghetti Bolognese", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spaghetti Bolognese")
    shoot("recipe")

    page.goto(wsgi_site.url)
    shoot("home")
    results = search(page, "garlic")
    expect(results.first).to_be_visible()
    shoot("search")

    page.goto(wsgi_site.at("/list"))
    garlic = tick_line(page, "Garlic")
    shoot("list")
    # A merged line names every recipe it serves, on a phone too (wrapped, not cut off).
    recipes = garlic.locator(".line-for")
    expect(recipes).to_have_text("for Spaghetti Bolognese, Chicken Tikka Masala, Shakshuka")
    assert recipes.evaluate("e => e.scrollWidth <= e.clientWidth")
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shopping list")
    shoot("print")

    page.goto(wsgi_site.at("/recipes/new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New recipe")
    shoot("editor")

    assert overflowing == {}, f"pages wider than the {width} screen (px): {overflowing}"
    assert traffic.failures == []
    assert traffic.console_errors == []


def tick_line(page: Page, name: str) -> Locator:
    """Check one line off, so the list shows a checked line too; return the line."""
    line = shopping_line(page, name)
    with page.expect_response(lambda r: r.url.endswith("/list/check")):
        line.get_by_role("checkbox").click()
    expect(line).to_have_class("line is-checked")
    return line
