"""Importing a recipe from a web page: reading schema.org data, and fetching safely.

No network: the parse path reads saved pages; the fetch path talks to http.server on
127.0.0.1 serving the same pages, plus a socket that never answers.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from visitors import Visitor

from recipebox.store.sql import SqlStore
from recipebox.web.importing import (
    ImportedRecipe,
    ImportFailed,
    fetch_page,
    recipe_from_html,
)

PAGES = Path(__file__).parent / "pages"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        targets = {"/moved-to-file": "file:///etc/passwd", "/moved-to-ftp": "ftp://127.0.0.1/"}
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """http://127.0.0.1:PORT serving tests/integration/web/pages and one 3 MB file."""
    root = tmp_path_factory.mktemp("site")
    for page in PAGES.iterdir():
        (root / page.name).write_bytes(page.read_bytes())
    (root / "huge.html").write_bytes(b"<html>" + b"x" * (3 * 1024 * 1024) + b"</html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An address that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/recipe"
    listener.close()


@pytest.fixture
def importer(app: Flask, alice: Visitor) -> Visitor:
    """Alice, on an app that may fetch from 127.0.0.1 with a short timeout."""
    app.config.update(IMPORT_ALLOW_PRIVATE=True, IMPORT_TIMEOUT=0.5)
    return alice


# --- reading a page --------------------------------------------------------------------------


def test_reads_json_ld_recipe_from_a_saved_page() -> None:
    html = (PAGES / "lasagne.html").read_text(encoding="utf-8")
    assert recipe_from_html(html, "https://kitchen.example/lasagne") == ImportedRecipe(
        title="Weeknight Lasagne",
        source_url="https://kitchen.example/lasagne",
        servings=6,
        description="Layers of pasta, a quick meat sauce and béchamel.",
        ingredients=[
            "1 tbsp olive oil",
            "500 g beef mince",
            "2 cloves garlic, crushed",
            "700 ml passata",
            "12 lasagne sheets",
            "50 g butter",
            "50 g plain flour",
            "600 ml milk",
            "100 g Parmesan, grated",
        ],
        steps=[
            "Brown the mince in the oil with the garlic.",
            "Add the passata and simmer for 20 minutes.",
            "Melt the butter, stir in the flour, then whisk in the milk until thick.",
            "Layer sauce, sheets and béchamel; top with Parmesan and bake for 40 minutes at 190°C.",
        ],
        tags=["pasta", "italian", "comfort food", "Dinner"],
        image_url="https://kitchen.example/img/lasagne.jpg",
    )


def test_reads_yield_text_and_plain_instructions() -> None:
    html = (PAGES / "dal-sections.html").read_text(encoding="utf-8")
    imported = recipe_from_html(html, "https://dal.example/")
    assert (imported.title, imported.servings) == ("Dal with tadka", 4)
    assert imported.ingredients[0] == "200 g red lentils"
    assert imported.steps


def test_a_page_without_a_recipe_is_refused() -> None:
    html = (PAGES / "no-recipe.html").read_text(encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"no recipe data \(schema.org Recipe\)"):
        recipe_from_html(html, "https://kitchen.example/tips")


# --- fetching ------------------------------------------------------------------------------


def test_fetches_a_page(site: str) -> None:
    html = fetch_page(f"{site}/lasagne.html", allow_private=True)
    assert "Weeknight Lasagne" in html


def test_private_addresses_are_refused_by_default(site: str) -> None:
    with pytest.raises(ImportFailed, match="private address"):
        fetch_page(f"{site}/lasagne.html")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "example.org/x"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(ImportFailed, match="starting with http:// or https://"):
        fetch_page(url, allow_private=True)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/moved-to-file", "redirected to an address that cannot be fetched"),
        ("/moved-to-ftp", "starting with http:// or https://"),
    ],
)
def test_redirects_to_other_schemes_are_refused(site: str, path: str, message: str) -> None:
    with pytest.raises(ImportFailed, match=message):
        fetch_page(site + path, allow_private=True)


def test_a_missing_page_says_404(site: str) -> None:
    with pytest.raises(ImportFailed, match="The site answered 404"):
        fetch_page(f"{site}/gone.html", allow_private=True)


def test_pages_over_2_mb_are_refused(site: str) -> None:
    with pytest.raises(ImportFailed, match="larger than 2 MB"):
        fetch_page(f"{site}/huge.html", allow_private=True)


def test_a_server_that_never_answers_times_out(silent_server: str) -> None:
    with pytest.raises(ImportFailed, match=r"did not answer within 0.3 seconds"):
        fetch_page(silent_server, timeout=0.3, allow_private=True)


# --- the import page -----------------------------------------------------------------------


def test_import_page_needs_sign_in(anon: Visitor) -> None:
    assert anon.get("/recipes/import").status_code == 302


def test_import_previews_then_saves(importer: Visitor, site: str, site_store: SqlStore) -> None:
    preview = importer.post("/recipes/import", {"url": f"{site}/lasagne.html"})
    text = importer.text(preview)
    assert preview.status_code == 200
    assert "How we read your ingredients" in text
    assert "500 g beef mince 500 g beef mince" in text
    assert 'action="/recipes/new"' in preview.text
    fields = {
        name: value
        for name, value in (
            ("title", "Weeknight Lasagne"),
            ("servings", "6"),
            ("source_url", f"{site}/lasagne.html"),
            ("tags", "pasta, italian, comfort food, dinner"),
        )
    }
    for name, value in fields.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in preview.text
    saved = importer.post(
        "/recipes/new",
        {
            **fields,
            "ingredients": "500 g beef mince\n12 lasagne sheets",
            "steps": "Bake.",
            "step": "save",
        },
    )
    recipe = site_store.get_recipe(saved.headers["Location"].rsplit("/", 1)[1])
    assert recipe.source_url == f"{site}/lasagne.html"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/gone.html", "The site answered 404 File not found."),
        ("/no-recipe.html", "That page has no recipe data (schema.org Recipe)."),
    ],
)
def test_import_failures_show_on_the_form(
    importer: Visitor, site: str, path: str, message: str
) -> None:
    response = importer.post("/recipes/import", {"url": site + path})
    assert response.status_code == 400
    assert f'<p class="field-error" id="url-error" role="alert">{message}</p>' in response.text
    assert f'value="{site}{path}"' in response.text


def test_import_timeout_shows_on_the_form(importer: Visitor, silent_server: str) -> None:
    response = importer.post("/recipes/import", {"url": silent_server})
    assert response.status_code == 400
    assert "The site did not answer within 0.5 seconds." in importer.text(response)


def test_import_refuses_local_addresses_by_default(alice: Visitor, site: str) -> None:
    response = alice.post("/recipes/import", {"url": f"{site}/lasagne.html"})
    assert response.status_code == 400
    assert "only public sites can be imported" in alice.text(response)


def test_import_without_the_import_extra_explains_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from recipebox.web.importing import ImportFailed, recipe_from_html

    monkeypatch.setitem(sys.modules, "recipe_scrapers", None)  # as if not installed
    with pytest.raises(ImportFailed, match="needs recipebox's 'import' extra"):
        recipe_from_html("<html></html>", "https://example.com/r")
