"""Import a recipe from a web page: fetch it safely, then read its schema.org Recipe data.

Fetching: http(s) only (redirects too), a 10 s timeout for connecting and for the whole
read, at most 2 MB, and no private, loopback or link-local addresses unless allowed (the
server would otherwise fetch its own network on a visitor's behalf: SSRF). The address check
resolves the name before connecting; a DNS answer that changes in between is not caught.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urlsplit

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
USER_AGENT = "recipebox/0.1 (+recipe import)"
_CHUNK = 64 * 1024


class ImportFailed(Exception):
    """The page could not be fetched or holds no recipe; the message is for the user."""


@dataclass(slots=True)
class ImportedRecipe:
    """What a page said about its recipe, as editable text fields."""

    title: str
    source_url: str
    servings: int | None = None
    description: str = ""
    ingredients: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None


def check_url(url: str) -> str:
    """Return the URL stripped, or raise ImportFailed unless it is an http(s) URL with a host."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportFailed("Enter a web address starting with http:// or https://.")
    return url


def _check_host(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ImportFailed(f"Could not find the site {host}.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ImportFailed(f"{host} is a private address; only public sites can be imported.")


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_url(newurl)
        if not self.allow_private:
            parts = urlsplit(newurl)
            _check_host(parts.hostname or "", parts.port or _default_port(parts.scheme))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def fetch_page(url: str, *, timeout: float = TIMEOUT_SECONDS, allow_private: bool = False) -> str:
    """Download an HTML page and return its text; raise ImportFailed with a clear reason."""
    url = check_url(url)
    parts = urlsplit(url)
    if not allow_private:
        _check_host(parts.hostname or "", parts.port or _default_port(parts.scheme))
    opener = urllib.request.build_opener(_SafeRedirects(allow_private))
    request = urllib.request.Request(  # noqa: S310 - scheme checked above and on redirects
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    )
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            charset = response.headers.get_content_charset() or "utf-8"
            body = _read_capped(response, deadline)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:  # urllib refuses redirects to file: and the like itself
            raise ImportFailed(
                "The site redirected to an address that cannot be fetched."
            ) from None
        raise ImportFailed(f"The site answered {exc.code} {exc.reason}.") from None
    except TimeoutError:
        raise ImportFailed(f"The site did not answer within {timeout:g} seconds.") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise ImportFailed(f"The site did not answer within {timeout:g} seconds.") from None
        raise ImportFailed(f"Could not reach the site ({exc.reason}).") from None
    except (OSError, ValueError) as exc:
        raise ImportFailed(f"Could not read the page ({exc}).") from None
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _read_capped(response: Any, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise ImportFailed("The page is larger than 2 MB; that is not a recipe page.")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def _field(scraper: Any, name: str) -> Any:
    # recipe-scrapers raises for every field the page lacks; a missing field is not an error.
    try:
        return getattr(scraper, name)()
    except Exception:  # each field's parser raises its own kinds
        return None


def _servings(yields: object) -> int | None:
    match = re.search(r"\d+", str(yields or ""))
    return int(match.group()) if match else None


def _ingredient_text(scraper: Any) -> list[str]:
    groups = _field(scraper, "ingredient_groups") or []
    if len(groups) > 1:
        lines: list[str] = []
        for group in groups:
            if group.purpose:
                lines.append(f"{str(group.purpose).strip().rstrip(':')}:")
            lines.extend(str(text) for text in group.ingredients)
        return lines
    return [str(text) for text in _field(scraper, "ingredients") or []]


def recipe_from_html(html: str, url: str) -> ImportedRecipe:
    """Read the schema.org Recipe (JSON-LD or microdata) of a page; ImportFailed if none."""
    try:
        from recipe_scrapers import scrape_html  # imported here: ~0.8 s, only imports need it
    except ModuleNotFoundError:  # a Lambda package built --without import (saves ~7 MiB)
        raise ImportFailed(
            "Importing from a web address is not installed on this server "
            "(it needs recipebox's 'import' extra)."
        ) from None

    try:
        scraper = scrape_html(html, org_url=url, supported_only=False)
    except Exception:  # "no schema found" and the parsers' own errors alike
        raise ImportFailed("That page has no recipe data (schema.org Recipe).") from None
    title = str(_field(scraper, "title") or "").strip()
    ingredients = [text.strip() for text in _ingredient_text(scraper) if text.strip()]
    if not title and not ingredients:
        raise ImportFailed("That page has no recipe data (schema.org Recipe).")
    keywords = _field(scraper, "keywords") or []
    category = _field(scraper, "category")
    tags = [str(k) for k in (keywords if isinstance(keywords, list) else [])]
    if category:
        tags.extend(part.strip() for part in str(category).split(","))
    image = _field(scraper, "image")
    return ImportedRecipe(
        title=title,
        source_url=url,
        servings=_servings(_field(scraper, "yields")),
        description=str(_field(scraper, "description") or "").strip(),
        ingredients=ingredients,
        steps=[s.strip() for s in _field(scraper, "instructions_list") or [] if s.strip()],
        tags=tags,
        image_url=str(image) if image and str(image).startswith(("http://", "https://")) else None,
    )
