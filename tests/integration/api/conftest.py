"""Fixtures for the JSON API: an app on a fresh SQLite store with the demo recipes, and callers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_callers import API, NEW_RECIPE, Caller, sign_in, with_token
from flask import Flask

from recipebox.config import Settings
from recipebox.services.seeding import load_demo
from recipebox.store import open_store
from recipebox.store.protocol import Store
from recipebox.web import create_app


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the demo recipes, built once and copied per test."""
    path = tmp_path_factory.mktemp("api") / "demo.db"
    store = open_store(f"sqlite:///{path}")
    store.upgrade()
    load_demo(store)
    store.close()
    return path


@pytest.fixture
def api_store(demo_database: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh SQLite store holding the demo recipes."""
    path = tmp_path / "api.db"
    shutil.copyfile(demo_database, path)
    store = open_store(f"sqlite:///{path}")
    yield store
    store.close()


@pytest.fixture
def app(api_store: Store) -> Flask:
    settings = Settings(database_url="sqlite://", secret_key="test-secret", dev_login=True)
    app = create_app(settings, store=api_store)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def anon(app: Flask) -> Caller:
    return Caller(app, app.test_client())


@pytest.fixture
def alice(app: Flask) -> Caller:
    return sign_in(app, "alice")


@pytest.fixture
def bob(app: Flask) -> Caller:
    return sign_in(app, "bob")


@pytest.fixture
def alice_token(app: Flask, alice: Caller) -> Caller:
    assert alice.user is not None
    return with_token(app, alice.user)[0]


@pytest.fixture
def demo_id(api_store: Store) -> str:
    """The id of a demo recipe (shared: owned by nobody)."""
    return api_store.find_recipe_by_title("Spaghetti Bolognese").id


@pytest.fixture
def alices_recipe(alice: Caller) -> dict[str, Any]:
    """A recipe alice created through the API (its JSON)."""
    response = alice.post(f"{API}/recipes", json=NEW_RECIPE)
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body
