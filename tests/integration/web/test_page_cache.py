"""The signed-out page cache: what it serves, to whom, and when it forgets (web/pagecache.py)."""

from __future__ import annotations

import dataclasses
import time

import pytest
from flask import Flask
from visitors import Visitor

from recipebox.config import Settings
from recipebox.domain.recipes import Recipe
from recipebox.store.sql import SqlStore
from recipebox.web import create_app
from recipebox.web.pagecache import EXTENSION, PageCache


def cache_of(app: Flask) -> PageCache:
    cache: PageCache = app.extensions[EXTENSION]
    return cache


def new_recipe(store: SqlStore, title: str) -> Recipe:
    template = store.find_recipe_by_title("Spaghetti Bolognese")
    return store.add_recipe(dataclasses.replace(template, id="", title=title))


def test_signed_out_pages_come_from_the_cache_until_the_ttl(
    settings: Settings, site_store: SqlStore, bolognese: Recipe
) -> None:
    app = create_app(dataclasses.replace(settings, page_cache_seconds=0.5), store=site_store)
    anon = Visitor(app.test_client())
    cache = cache_of(app)
    first = anon.get("/")
    assert cache.misses == 1
    assert cache.hits == 0
    again = anon.get("/")
    assert cache.hits == 1
    assert again.data == first.data
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    # Written behind the app's back (another process): the cached page may lag, by the TTL.
    new_recipe(site_store, "Midnight Pancakes")
    assert "Midnight Pancakes" not in anon.get("/").text
    time.sleep(0.6)
    assert "Midnight Pancakes" in anon.get("/").text
    recipe_page = anon.get(f"/recipes/{bolognese.id}")
    assert recipe_page.status_code == 200
    assert anon.get(f"/recipes/{bolognese.id}").data == recipe_page.data
    assert cache.hits == 3


def test_a_write_through_the_app_empties_the_cache_at_once(
    app: Flask, anon: Visitor, alice: Visitor
) -> None:
    assert "Bramble Crumble" not in anon.get("/").text
    assert len(cache_of(app)) == 1
    created = alice.post(
        "/recipes/new",
        {
            "title": "Bramble Crumble",
            "servings": "4",
            "ingredients": "200 g blackberries\n100 g flour\n60 g butter",
            "steps": "Rub, scatter, bake.",
            "step": "save",
        },
    )
    assert created.status_code in (302, 303), created.text
    assert len(cache_of(app)) == 0
    assert "Bramble Crumble" in anon.get("/").text


def test_signed_in_pages_are_never_cached_nor_served_from_it(
    app: Flask, anon: Visitor, alice: Visitor, bolognese: Recipe
) -> None:
    anon.get(f"/recipes/{bolognese.id}")
    cache = cache_of(app)
    stored = len(cache)
    page = alice.get(f"/recipes/{bolognese.id}")
    assert "alice" in page.text
    assert 'name="csrf-token"' in page.text  # signed in: the forms need the token
    assert f'action="/list/recipes/{bolognese.id}"' in page.text
    assert len(cache) == stored
    assert cache.hits == 0
    anonymous = anon.get(f"/recipes/{bolognese.id}")
    assert "alice" not in anonymous.text
    assert "csrf" not in anonymous.text


def test_a_failed_write_keeps_the_cache(app: Flask, anon: Visitor, alice: Visitor) -> None:
    anon.get("/")
    refused = alice.post("/recipes/new", {"title": "", "servings": "0"})
    assert refused.status_code == 400
    assert len(cache_of(app)) == 1


def test_units_are_part_of_the_key_and_still_remembered_on_a_hit(
    app: Flask, bolognese: Recipe
) -> None:
    path = f"/recipes/{bolognese.id}"
    first, second = Visitor(app.test_client()), Visitor(app.test_client())
    us = first.get(path + "?units=us")
    assert "1 lb" in us.text
    assert "1 lb" in second.get(path + "?units=us").text  # a hit, for another visitor...
    assert cache_of(app).hits == 1
    assert "1 lb" in second.get(path).text  # ...whose session now remembers US units
    assert "1 lb" not in Visitor(app.test_client()).get(path).text


def test_flash_messages_are_not_cached(app: Flask, alice: Visitor, anon: Visitor) -> None:
    alice.post("/auth/signout")  # signed out with a flash? then the next page is personal
    with alice.client.session_transaction() as session:
        session["_flashes"] = [("message", "Signed out.")]
    page = alice.get("/")
    assert "Signed out." in page.text
    assert "Signed out." not in anon.get("/").text


def test_zero_seconds_turns_the_cache_off(settings: Settings, site_store: SqlStore) -> None:
    app = create_app(dataclasses.replace(settings, page_cache_seconds=0), store=site_store)
    assert EXTENSION not in app.extensions
    page = Visitor(app.test_client()).get("/")
    assert page.status_code == 200
    assert "csrf" not in page.text


def test_the_cache_is_bounded_by_bytes_least_recently_used_first() -> None:
    cache = PageCache(ttl=60, max_bytes=8000)
    for n in range(4):
        cache.put((f"/{n}", "original"), b"x" * 1000, "text/html")
    assert cache.get(("/0", "original")) is not None  # now the most recently used
    for n in range(4, 10):
        cache.put((f"/{n}", "original"), b"x" * 1000, "text/html")
    assert len(cache) == 8
    assert cache.get(("/0", "original")) is not None
    assert cache.get(("/1", "original")) is None
    cache.put(("/big", "original"), b"x" * 1001, "text/html")  # over an eighth: not kept
    assert cache.get(("/big", "original")) is None


@pytest.mark.parametrize("ttl", [0.05])
def test_entries_expire(ttl: float) -> None:
    cache = PageCache(ttl=ttl)
    cache.put(("/", "us"), b"page", "text/html")
    assert cache.get(("/", "us")) is not None
    assert cache.get(("/", "metric")) is None
    time.sleep(ttl * 2)
    assert cache.get(("/", "us")) is None


def test_one_request_renders_an_expired_page_while_others_get_the_old_copy() -> None:
    cache = PageCache(ttl=0.05)
    key = ("/?q=soup", "original")
    cache.put(key, b"old", "text/html")
    time.sleep(0.1)
    assert cache.get(key) is None  # the first asker renders it again...
    stale = cache.get(key)  # ...while everyone else gets the old copy
    assert stale is not None
    assert stale.body == b"old"
    cache.put(key, b"new", "text/html")
    fresh = cache.get(key)
    assert fresh is not None
    assert fresh.body == b"new"


def test_a_failed_render_lets_the_next_request_try(app: Flask, anon: Visitor) -> None:
    cache = PageCache(ttl=0.05)
    key = ("/", "original")
    cache.put(key, b"old", "text/html")
    time.sleep(0.1)
    assert cache.get(key) is None
    cache.abandon(key)  # the render failed
    assert cache.get(key) is None  # so the next request renders, rather than a stale copy
    kept = len(cache_of(app))
    assert anon.get("/recipes/NOPE").status_code == 404
    assert len(cache_of(app)) == kept  # only 200s are kept


def test_one_refresh_at_a_time_others_expired_pages_are_served_as_they_were() -> None:
    cache = PageCache(ttl=0.05)
    first, second = ("/?q=soup", "original"), ("/?q=stew", "original")
    cache.put(first, b"soup", "text/html")
    cache.put(second, b"stew", "text/html")
    time.sleep(0.1)
    assert cache.get(first) is None  # this request refreshes the soup page...
    stale = cache.get(second)  # ...so the stew page, expired too, waits its turn
    assert stale is not None
    assert stale.body == b"stew"
    cache.put(first, b"soup 2", "text/html")
    assert cache.get(second) is None  # now the stew page is refreshed
