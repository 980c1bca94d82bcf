"""Fixtures for the website: an app on a fresh SQLite store with the demo recipes, and visitors.

The migrated, seeded database is built once per session and copied for each test (a copy is
milliseconds; migrating and loading the demo recipes is not).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from visitors import Visitor

from recipebox.config import Settings
from recipebox.domain.recipes import Recipe
from recipebox.services.seeding import load_demo
from recipebox.store.sql import SqlStore
from recipebox.web import create_app


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "recipebox.db"
    store = SqlStore(f"sqlite:///{path}")
    store.upgrade()
    load_demo(store)
    store.close()
    return path


@pytest.fixture
def settings(tmp_path: Path, seeded_database: Path) -> Settings:
    target = tmp_path / "recipebox.db"
    shutil.copyfile(seeded_database, target)
    return Settings(
        database_url=f"sqlite:///{target}", secret_key="test", dev_login=True, production=False
    )


@pytest.fixture
def site_store(settings: Settings) -> Iterator[SqlStore]:
    store = SqlStore(settings.database_url)
    yield store
    store.close()


@pytest.fixture
def app(settings: Settings, site_store: SqlStore) -> Flask:
    return create_app(settings, store=site_store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def anon(app: Flask) -> Visitor:
    return Visitor(app.test_client())


@pytest.fixture
def alice(app: Flask) -> Visitor:
    return Visitor(app.test_client()).sign_in("alice")


@pytest.fixture
def bob(app: Flask) -> Visitor:
    return Visitor(app.test_client()).sign_in("bob")


@pytest.fixture
def bolognese(site_store: SqlStore) -> Recipe:
    return site_store.find_recipe_by_title("Spaghetti Bolognese")
