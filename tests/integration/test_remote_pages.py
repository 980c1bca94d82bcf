"""Requests per page when the website runs on remote storage (each would be one Lambda invoke).

The app runs on a RemoteStore in front of a SQLite store with the demo recipes; the
transport counts requests while the Flask test client fetches each page as a signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from recipebox.config import Settings
from recipebox.domain.users import Identity, User
from recipebox.services.seeding import load_demo
from recipebox.store.remote import InProcessTransport, RemoteStore
from recipebox.store.sql import SqlStore
from recipebox.web import create_app


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[RemoteStore, FlaskClient]]:
    url = f"sqlite:///{tmp_path / 'recipebox.db'}"
    backend = SqlStore(url)
    backend.upgrade()
    load_demo(backend)
    store = RemoteStore(InProcessTransport(backend))
    settings = Settings(database_url=url, secret_key="test", production=False)
    app = create_app(settings, store=store)
    user = User(name="ann")
    store.add_user(user, Identity("dev", "ann", user.id))
    soup = store.search_recipes("soup").items[0]
    store.select_recipe(user.id, soup.id, 4)
    client = app.test_client()
    with client.session_transaction() as session:
        session["uid"] = user.id
    yield store, client
    backend.close()


def requests_for(store: RemoteStore, client: FlaskClient, url: str) -> int:
    before = store.calls
    response = client.get(url)
    assert response.status_code == 200, url
    return store.calls - before


def pages(store: RemoteStore) -> dict[str, str]:
    recipe = store.search_recipes("soup").items[0]
    return {
        "home": "/",
        "search": "/?q=lemon",
        "tag": f"/?tag={store.tags(1)[0][0]}",
        "recipe": f"/recipes/{recipe.id}",
    }


def test_a_page_costs_two_requests_signed_in(site: tuple[RemoteStore, FlaskClient]) -> None:
    """One for the signed-in user, one batch for everything the page shows."""
    store, client = site
    urls = pages(store) | {"list": "/list"}
    counts = {name: requests_for(store, client, url) for name, url in urls.items()}
    assert counts == dict.fromkeys(urls, 2)


def test_a_page_costs_one_request_anonymous(site: tuple[RemoteStore, FlaskClient]) -> None:
    store, client = site
    with client.session_transaction() as session:
        session.clear()
    urls = pages(store)
    counts = {name: requests_for(store, client, url) for name, url in urls.items()}
    assert counts == dict.fromkeys(urls, 1)
