"""Fixtures for the website: an app on a fresh SQLite store with the demo recipes, and visitors.

The migrated, seeded database is built once per session and copied for each test (a copy is
milliseconds; migrating and loading the demo recipes is not).
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from recipebox.config import Settings
from recipebox.domain.recipes import Recipe
from recipebox.services.seeding import load_demo
from recipebox.store.sql import SqlStore
from recipebox.web import create_app

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


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


class Visitor:
    """A browser: a test client that finds the CSRF token the way a page's forms carry it."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token: str | None = None

    @property
    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/auth/signin")
            match = CSRF_META.search(page.text)
            assert match is not None
            self._token = match.group(1)
        return self._token

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST a form with the CSRF token, as the page's form would."""
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def fetch(self, url: str, data: dict[str, Any] | None = None) -> TestResponse:
        """POST as site.js does: the token in a header, asking for JSON."""
        return self.client.post(
            url,
            data=data or {},
            headers={"X-CSRFToken": self.token, "Accept": "application/json"},
        )

    def read(self, url: str) -> str:
        """GET a page that must answer 200; return its text (see `text`)."""
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return self.text(response)

    @staticmethod
    def text(response: TestResponse) -> str:
        """The page's text with tags removed and whitespace collapsed."""
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())

    def sign_in(self, name: str) -> Visitor:
        response = self.post("/auth/dev", {"name": name})
        assert response.status_code == 302, response.text
        self._token = None  # signing in starts a new session, with a new token
        return self


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
