"""A test visitor: a Flask test client that carries the CSRF token the way the pages do."""

from __future__ import annotations

import html
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


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
