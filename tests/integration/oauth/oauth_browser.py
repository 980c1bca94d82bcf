"""A browser for OAuth tests: the Flask test client for the site, real HTTP for the provider."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
SITE = "http://localhost"  # the test client's host


def query(url: str) -> dict[str, str]:
    """The query parameters of `url` (first value of each)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def text(response: TestResponse) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def provider_redirect(authorize_url: str) -> str:
    """Open the provider's authorization URL; return where it sends the browser back."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code in (302, 303), response.text
    location: str = response.headers["Location"]
    return location


class Browser:
    """Walks app -> provider -> app: GETs the site through the test client, the provider over
    HTTP, and comes back to the site's callback with whatever the provider put in the URL."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, str] | None = None) -> TestResponse:
        """POST a form with the CSRF token of the current session, as the pages do."""
        page = self.client.get("/auth/signin")
        match = CSRF_META.search(page.text)
        assert match is not None
        return self.client.post(path, data={"csrf_token": match.group(1), **(data or {})})

    def start(self, path: str, *, post: bool = False) -> str:
        """Ask the site to sign in (or link); return the provider URL it redirects to."""
        response = self.post(path) if post else self.client.get(path)
        assert response.status_code == 302, text(response)
        location: str = response.headers["Location"]
        return location

    def back(self, url: str) -> TestResponse:
        """Follow the provider's redirect back to the site (the callback)."""
        assert url.startswith(SITE + "/"), url
        parts = urlsplit(url)
        return self.client.get(parts.path, query_string=parts.query)

    def sign_in(
        self,
        path: str,
        at_provider: Callable[[str], str] = provider_redirect,
        *,
        post: bool = False,
    ) -> TestResponse:
        """The whole flow: site -> provider (`at_provider` answers) -> site's callback."""
        return self.back(at_provider(self.start(path, post=post)))

    def whoami(self) -> str:
        """The name in the page header ("" when nobody is signed in)."""
        found = re.search(r'<span class="who-name">([^<]*)</span>', self.client.get("/").text)
        return html.unescape(found.group(1)) if found else ""
