"""What the browser tests share: a running site, its recorded traffic, and a shopper's steps.

The steps find things the way a person does (labels, roles, visible text), so they work the
same with and without JavaScript and under any URL prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Site:
    """A running site: `url` is its root (``http://127.0.0.1:PORT/dev/``), with the slash."""

    kind: str
    url: str
    log: Path  # the server's output, for when a test fails

    def at(self, path: str) -> str:
        """The absolute URL of a site path ("/list" -> http://127.0.0.1:PORT/dev/list)."""
        return self.url + path.lstrip("/")

    @property
    def server(self) -> str:
        """The server's origin with a slash: http://127.0.0.1:PORT/."""
        return "/".join(self.url.split("/", 3)[:3]) + "/"


@dataclass
class Traffic:
    """What one page did: every request, every error response, every script error."""

    site: Site
    requests: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # "POST http://.../list/check"
    failures: list[tuple[int, str]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def outside_site(self) -> list[str]:
        """Requests to the server that missed the site's root (a link that lost /dev)."""
        server, root = self.site.server, self.site.url
        return [u for u in self.requests if u.startswith(server) and not u.startswith(root)]


OpenPage = Callable[..., tuple[Page, Traffic]]
"""The `open_page` fixture: `open_page(site, **new_context_options) -> (page, traffic)`."""


def links_outside(page: Page, site: Site) -> list[str]:
    """The page's links, form actions and assets on the server but outside the site's root."""
    targets: list[str] = page.eval_on_selector_all(
        "a[href], link[href], script[src], img[src], form[action]",
        "els => els.map(e => e.href || e.src || e.action)",
    )
    return [u for u in targets if u.startswith(site.server) and not u.startswith(site.url)]


def url_of(site: Site, path: str) -> re.Pattern[str]:
    """A pattern for `expect(page).to_have_url`: the site path, any query string."""
    return re.compile(re.escape(site.at(path)) + r"(\?.*)?$")


def sign_in(page: Page, name: str) -> None:
    """Sign in with the development sign-in from the header's link; back where we were."""
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("Your name").fill(name)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=f"Settings for {name}")).to_be_visible()


def search(page: Page, words: str) -> Locator:
    """Search from the header's search box; return the result cards."""
    box = page.get_by_role("searchbox", name="Search recipes")
    box.fill(words)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Recipes matching “{words}”")
    return page.locator(".cards > li")


def card(page: Page, title: str) -> Locator:
    """The result card of one recipe, by its exact title."""
    return page.locator(".cards > li").filter(has=page.get_by_role("link", name=title, exact=True))


def add_from_search(page: Page, title: str) -> None:
    """Find a recipe by its title and put it on the list from its result card."""
    search(page, title)
    found = card(page, title)
    found.get_by_role("button", name="+ Add to my list").click()
    expect(found.get_by_role("link", name="✓ On your list")).to_be_visible()


def shopping_line(page: Page, name: str) -> Locator:
    """One line of the shopping list, by the exact name it shows ("Garlic")."""
    label = page.locator(".line-name").filter(has_text=re.compile(f"^{re.escape(name)}$"))
    return page.locator("[data-line]").filter(has=label)


def tick(line: Locator) -> Locator:
    """The check box of a shopping line."""
    return line.get_by_role("checkbox")
