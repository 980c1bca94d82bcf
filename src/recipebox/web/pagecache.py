"""A short-lived cache of the pages signed-out visitors see: home, search, recipe pages.

Signed-out visitors all see the same page for the same URL and units, so rendering it again
for every one of them only repeats the same reads and the same template. A page rendered for
a visitor without a session user is kept for `RECIPEBOX_PAGE_CACHE_SECONDS` (default 2; 0
turns the cache off) and served from memory, the way an nginx micro-cache or a CDN with a
short TTL would, but inside the app so it works the same on a plain server and on Lambda
(each warm instance keeps its own).

What keeps it correct:
- Only signed-out GET/HEAD requests without an Authorization header, answered 200, whose
  session carries no flash message; signed-in pages (names, lists, CSRF tokens) never are.
  Pages served to signed-out visitors hold no CSRF token and no per-visitor data (the
  templates check `me` for that), so one copy fits every signed-out visitor.
- The key is the full path with its query string and the visitor's units choice (computed
  first, so a `?units=` still updates the session on a hit).
- Any write this process accepts (a non-GET request answered below 400) empties the cache,
  so whoever changes a recipe sees the change on this process at once; other processes (or
  Lambda instances) show it within the TTL. That bound is the whole staleness contract.
- When a page expires, one request renders it again while the others are served the expired
  copy (for at most STALE_LIMIT seconds), so a popular page never has every worker thread
  rendering it at once; and while any expired page is being rendered again, other expired
  pages are served as they were too (one refresh at a time per process), so pages cached
  together and expiring together do not take every thread at once (under wrk at 100,000
  recipes that stampede gave cached searches a p95 of 620 ms). Expiry times are spread by
  +-10% for the same reason.
- Bounded memory: least recently used pages go first beyond MAX_BYTES.

Hand-written because the libraries for this (Flask-Caching) cache per view without knowing
who is signed in or which writes happened, which is exactly the part that must be right here.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec

from flask import Flask, Response, current_app, g, make_response, request, session
from flask.typing import ResponseReturnValue

from recipebox.web.auth import current_user
from recipebox.web.preferences import units_choice

P = ParamSpec("P")
EXTENSION = "recipebox.pagecache"
MAX_BYTES = 16 * 1024 * 1024
STALE_LIMIT = 10.0  # seconds an expired page may stand in while its successor renders
READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    mimetype: str
    expires: float


class PageCache:
    """Rendered pages by key, each for `ttl` seconds, at most `max_bytes` in all (thread-safe)."""

    def __init__(self, ttl: float, max_bytes: int = MAX_BYTES) -> None:
        self.ttl = ttl
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple[str, str], Page] = OrderedDict()
        self._bytes = 0
        self._rendering: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, str]) -> Page | None:
        """A fresh page; or, while another request renders its successor, the expired one.

        When a page expires, the first request to ask gets None and renders it again (then
        `put` or `abandon`); while that or any other refresh is under way, requests for an
        expired page get the expired copy, for at most STALE_LIMIT seconds past its expiry.
        """
        now = time.monotonic()
        with self._lock:
            page = self._pages.get(key)
            if page is not None and page.expires <= now:
                if self._rendering and now < page.expires + STALE_LIMIT:
                    self.hits += 1  # its own or another page's refresh is under way
                    return page
                self._rendering.add(key)
                page = None
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def abandon(self, key: tuple[str, str]) -> None:
        """The render that `get` asked for produced no page to keep."""
        with self._lock:
            self._rendering.discard(key)

    def put(self, key: tuple[str, str], body: bytes, mimetype: str) -> None:
        if len(body) > self.max_bytes // 8:
            self.abandon(key)
            return
        with self._lock:
            self._rendering.discard(key)
            if key in self._pages:
                self._drop(key)
            spread = self.ttl * random.uniform(0.9, 1.1)  # noqa: S311 - not security
            self._pages[key] = Page(body, mimetype, time.monotonic() + spread)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._rendering.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)

    def _drop(self, key: tuple[str, str]) -> None:
        self._bytes -= len(self._pages.pop(key).body)


def init_page_cache(app: Flask, ttl: float) -> None:
    """Install the cache (none when `ttl` <= 0) and empty it after every accepted write."""
    if ttl <= 0:
        return
    cache = app.extensions[EXTENSION] = PageCache(ttl)

    @app.after_request
    def _forget_after_writes(response: Response) -> Response:
        if request.method not in READS and response.status_code < 400:
            cache.clear()
        return response


def _cacheable() -> bool:
    return (
        request.method in READS
        and "Authorization" not in request.headers
        and "_flashes" not in session
        and current_user() is None
    )


def visitor_page(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Serve `view`'s page to signed-out visitors from the cache when it holds a fresh copy."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        g.visitor_page = True  # base.html leaves out the CSRF meta (signed-out: no forms)
        cache: PageCache | None = current_app.extensions.get(EXTENSION)
        if cache is None or not _cacheable():
            return view(*args, **kwargs)
        key = (request.full_path, units_choice())
        page = cache.get(key)
        if page is not None:
            return Response(page.body, mimetype=page.mimetype)
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            cache.abandon(key)
            raise
        if response.status_code == 200 and not response.is_streamed:
            cache.put(key, response.get_data(), response.mimetype or "text/html")
        else:
            cache.abandon(key)
        return response

    return wrapped
