"""The local Lambda emulator: real HTTP in, each front door's event to the handler, AWS's answers.

The site tests run the real handler (`recipebox.aws.handlers:web`) on a seeded SQLite copy and
drive it with urllib, as a browser would: cookies kept, redirects inspected.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from flask import Flask, Response, request

from recipebox.aws import handlers
from recipebox.aws.emulator import EmulatorServer, start_emulator
from recipebox.aws.emulator.local import local_environment
from recipebox.aws.lambda_http import make_handler
from recipebox.services.seeding import load_demo
from recipebox.store.sql import SqlStore

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "lambda-events"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))

# (shape, stage, extra options, where the site lives)
DOORS = {
    "rest-dev": ("rest", "dev", {}, "/dev"),
    "http-dev": ("http", "dev", {}, "/dev"),
    "http-default": ("http", "$default", {}, ""),
    "url": ("url", None, {}, ""),
    "alb": ("alb", None, {}, ""),
    "alb-multi-value": ("alb", None, {"multi_value": True}, ""),
}


@dataclass
class Page:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return html.unescape(self.body.decode())


class _Stay(HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None  # let the test see each redirect


class Browser:
    """A client with a cookie jar that does not follow redirects."""

    def __init__(self) -> None:
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), _Stay)

    def fetch(
        self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Page:
        method = "POST" if data is not None else "GET"
        try:
            with self.opener.open(Request(url, data, headers or {}, method=method)) as answer:
                return Page(answer.status, answer.headers, answer.read())
        except HTTPError as error:
            with error:
                return Page(error.code, error.headers, error.read())

    def post_form(self, url: str, fields: dict[str, str], referer: str) -> Page:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer}
        return self.fetch(url, urlencode(fields).encode(), headers)


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("emulator") / "template.db"
    store = SqlStore(f"sqlite:///{path}")
    store.upgrade()
    load_demo(store)
    store.close()
    return path


@pytest.fixture
def site_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_database: Path
) -> Iterator[Path]:
    """The handler's environment: a seeded SQLite copy, dev sign-in, a fresh container."""
    database = tmp_path / "recipebox.db"
    shutil.copyfile(demo_database, database)
    monkeypatch.delenv("RECIPEBOX_BASE_PATH", raising=False)
    monkeypatch.setenv("RECIPEBOX_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("RECIPEBOX_SECRET_KEY", "emulator-test-key")
    monkeypatch.setenv("RECIPEBOX_DEV_LOGIN", "1")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "recipebox-local")
    handlers.reset()
    yield database
    handlers.reset()


@pytest.fixture
def served() -> Iterator[Any]:
    """Start emulators; stop them all after the test."""
    servers: list[EmulatorServer] = []

    def start(shape: str, stage: str | None = None, **options: Any) -> str:
        server, url = start_emulator(shape, stage, **options)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.stop()


def origin(url: str) -> str:
    return "/".join(url.split("/")[:3])


# --- the site through every front door ------------------------------------------------------


@pytest.mark.parametrize("door", DOORS)
def test_sign_in_round_trip_keeps_the_stage_and_the_session_cookie(
    site_env: Path, served: Any, door: str
) -> None:
    shape, stage, options, root = DOORS[door]
    url = served(shape, stage, **options)
    assert url.endswith(f"{root}/")
    browser = Browser()

    home = browser.fetch(url)
    assert home.status == 200
    assert "Spaghetti Bolognese" in home.text
    links = {link.partition("?")[0] for link in re.findall(r'href="([^"]+)"', home.text)}
    assert f"{root}/auth/signin" in links
    assert all(link.startswith(f"{root}/") for link in links if link.startswith("/"))

    signin = browser.fetch(f"{url}auth/signin?next=/list")
    token = CSRF_FIELD.search(signin.text)
    assert token is not None
    assert f'action="{root}/auth/dev"' in signin.text
    moved = browser.post_form(
        f"{url}auth/dev",
        {"csrf_token": token[1], "name": "Grace", "next": "/list"},
        referer=f"{url}auth/signin",
    )
    assert (moved.status, moved.headers["Location"]) == (302, f"{root}/list")

    settings = browser.fetch(origin(url) + f"{root}/settings")
    assert settings.status == 200
    assert "Grace" in settings.text
    assert [cookie.name for cookie in browser.cookies] == ["recipebox_session"]


def test_rest_api_forbids_urls_outside_the_stage(site_env: Path, served: Any) -> None:
    url = served("rest", "dev")
    for path in ("/", "/prod/", "/develop", "/recipes/"):
        page = Browser().fetch(origin(url) + path)
        assert (page.status, json.loads(page.body)) == (403, {"message": "Forbidden"})
    assert Browser().fetch(origin(url) + "/dev").status == 200  # the stage root itself


def test_http_api_answers_404_outside_a_named_stage(site_env: Path, served: Any) -> None:
    url = served("http", "dev")
    page = Browser().fetch(origin(url) + "/recipes/")
    assert (page.status, json.loads(page.body)) == (404, {"message": "Not Found"})


def test_static_files_arrive_intact(site_env: Path, served: Any) -> None:
    url = served("rest", "dev")
    static = Path(handlers.__file__).parents[1] / "web" / "static"
    for name in ("icon.svg", "site.css", "site.js"):
        page = Browser().fetch(f"{url}static/{name}")
        assert (page.status, page.body) == (200, (static / name).read_bytes())


def test_base_path_mapping_serves_the_site_under_it(
    site_env: Path, served: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECIPEBOX_BASE_PATH", "cook")
    handlers.reset()
    url = served("rest", "prod", base_path="cook")
    assert url.endswith("/cook/")
    home = Browser().fetch(url)
    assert 'href="/cook/auth/signin' in home.text
    assert 'href="/cook/static/site.css"' in home.text
    assert Browser().fetch(origin(url) + "/prod/").status == 403


# --- bytes, events and failures, with small handlers ---------------------------------------


def binary_app() -> Flask:
    app = Flask("binary")

    @app.get("/photo.png")
    def photo() -> Response:
        return Response(PNG, content_type="image/png")

    @app.get("/data.json")
    def compressed() -> Response:
        response = Response(gzip.compress(b'{"a": 1}', mtime=0), content_type="application/json")
        response.headers["Content-Encoding"] = "gzip"
        return response

    @app.post("/echo")
    def echo() -> Response:
        return Response(request.get_data(), content_type=request.content_type)

    return app


@pytest.mark.parametrize("door", DOORS)
def test_binary_bodies_cross_every_front_door_intact(served: Any, door: str) -> None:
    shape, stage, options, _ = DOORS[door]
    url = served(shape, stage, handler=make_handler(binary_app()), **options)
    browser = Browser()
    photo = browser.fetch(f"{url}photo.png")
    assert (photo.status, photo.headers["Content-Type"], photo.body) == (200, "image/png", PNG)
    packed = browser.fetch(f"{url}data.json")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.body) == b'{"a": 1}'
    echoed = browser.fetch(f"{url}echo", PNG, {"Content-Type": "application/octet-stream"})
    assert echoed.body == PNG


class Recorder:
    """A handler that keeps the events it gets and answers 204."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        assert context.get_remaining_time_in_millis() > 0
        return {"statusCode": 204, "headers": {}, "body": ""}


def recorded(served: Any, door: str, path: str, **fetch: Any) -> dict[str, Any]:
    shape, stage, options, root = DOORS[door]
    recorder = Recorder()
    url = served(shape, stage, handler=recorder, **options)
    Browser().fetch(origin(url) + root + path, **fetch)
    (event,) = recorder.events
    return event


def test_rest_event_keeps_the_path_encoded_and_the_stage_in_the_context(served: Any) -> None:
    event = recorded(served, "rest-dev", "/caf%C3%A9?q=tomato+soup&q=basil&x")
    assert (event["path"], event["requestContext"]["path"]) == ("/caf%C3%A9", "/dev/caf%C3%A9")
    assert event["multiValueQueryStringParameters"] == {"q": ["tomato soup", "basil"], "x": [""]}
    assert event["queryStringParameters"] == {"q": "basil", "x": ""}
    assert event["requestContext"]["stage"] == "dev"
    assert event["headers"]["X-Forwarded-Proto"] == "http"


def test_http_api_event_decodes_the_path_and_lists_cookies(served: Any) -> None:
    event = recorded(
        served, "http-dev", "/caf%C3%A9?q=a&q=b", headers={"Cookie": "a=1; b=2", "X-Dish": "soup"}
    )
    assert (event["rawPath"], event["rawQueryString"]) == ("/dev/café", "q=a&q=b")
    assert event["queryStringParameters"] == {"q": "a,b"}
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-dish"] == "soup"
    assert event["requestContext"]["http"]["path"] == "/dev/café"


def test_function_url_event_keeps_the_path_encoded(served: Any) -> None:
    event = recorded(served, "url", "/caf%C3%A9/")
    assert event["rawPath"] == "/caf%C3%A9/"
    assert ".lambda-url." in event["requestContext"]["domainName"]
    assert event["requestContext"]["stage"] == "$default"


@pytest.mark.parametrize(
    ("door", "field", "expected"),
    [
        ("alb", "queryStringParameters", {"q": "tomato%20soup"}),
        ("alb-multi-value", "multiValueQueryStringParameters", {"q": ["a%2Bb", "tomato%20soup"]}),
    ],
)
def test_alb_events_keep_query_values_encoded(
    served: Any, door: str, field: str, expected: Any
) -> None:
    event = recorded(served, door, "/?q=a%2Bb&q=tomato%20soup")
    assert event[field] == expected


def test_text_bodies_travel_as_text_except_through_a_binary_rest_api(served: Any) -> None:
    form = {
        "data": b"name=Zo%C3%AB",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    }
    http = recorded(served, "http-default", "/", **form)
    assert (http["body"], http["isBase64Encoded"]) == ("name=Zo%C3%AB", False)
    rest = recorded(served, "rest-dev", "/", **form)
    encoded = base64.b64encode(b"name=Zo%C3%AB").decode()
    assert (rest["body"], rest["isBase64Encoded"]) == (encoded, True)  # binaryMediaTypes */*


@pytest.mark.parametrize(
    ("door", "sample"),
    [
        ("rest-dev", "apiGatewayProxyEvent_noVersionAuth.json"),
        ("http-dev", "apiGatewayProxyV2Event.json"),
        ("url", "lambdaFunctionUrlEvent.json"),
        ("alb", "albEvent.json"),
        ("alb-multi-value", "albMultiValueHeadersEvent.json"),
    ],
)
def test_events_carry_every_field_of_the_aws_samples(served: Any, door: str, sample: str) -> None:
    if not (SAMPLES / sample).is_file():
        pytest.skip(f"AWS sample events not found at {SAMPLES}")
    aws = json.loads((SAMPLES / sample).read_text())
    event = recorded(
        served,
        door,
        "/x?a=1",
        data=b"{}",
        headers={"Cookie": "c=1", "Content-Type": "application/json"},
    )
    optional = {"pathParameters", "stageVariables", "authentication", "authorizer"}
    assert set(aws) - optional <= set(event)
    assert set(aws["requestContext"]) - optional <= set(event["requestContext"])


@pytest.mark.parametrize(
    ("door", "status", "body"),
    [
        ("rest-dev", 502, b'{"message":"Internal server error"}'),
        ("http-default", 500, b'{"message":"Internal Server Error"}'),
        ("url", 502, b"Internal Server Error"),
    ],
)
def test_a_failing_function_gets_the_front_doors_error(
    served: Any, door: str, status: int, body: bytes
) -> None:
    def broken(event: Any, context: Any) -> Any:
        raise RuntimeError("boom")

    shape, stage, options, _ = DOORS[door]
    url = served(shape, stage, handler=broken, **options)
    page = Browser().fetch(url)
    assert (page.status, page.body) == (status, body)


def test_payload_2_results_without_a_status_code_are_json_bodies(served: Any) -> None:
    url = served("http", "$default", handler=lambda event, context: {"hello": "world"})
    page = Browser().fetch(url)
    assert (page.status, json.loads(page.body)) == (200, {"hello": "world"})


# --- the command -----------------------------------------------------------------------------


def test_local_environment_fills_only_what_is_missing(tmp_path: Path) -> None:
    environ = {"RECIPEBOX_DATA_DIR": str(tmp_path), "RECIPEBOX_DEV_LOGIN": "0"}
    settings = local_environment(environ, base_path="/cook/")
    assert environ == {
        "RECIPEBOX_DATA_DIR": str(tmp_path),
        "RECIPEBOX_DEV_LOGIN": "0",
        "RECIPEBOX_BASE_PATH": "cook",
        "RECIPEBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'recipebox.db'}",
        "RECIPEBOX_PRODUCTION": "0",
        "AWS_LAMBDA_FUNCTION_NAME": "recipebox-local",
    }
    assert (settings.dev_login, settings.production, settings.db_pool) == (False, False, "lambda")


def test_lambda_serve_prepares_the_local_site_and_prints_its_url(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RECIPEBOX_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "recipebox.cli", "lambda", "serve", "--port", "0"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(2)]
        url = lines[1].split(" at ")[1].strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/dev/", url)
        home = Browser().fetch(url)
        assert home.status == 200
        assert "Spaghetti Bolognese" in home.text
        assert (tmp_path / "recipebox.db").is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
