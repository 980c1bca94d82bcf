"""Fuzz the Lambda adapter with odd and malformed events of every front door (issue 8).

Every event goes through ``make_handler`` around a WSGI app that checks what PEP 3333 promises
it (``check_environ``) and echoes the request body. The handler must return a well-formed
Lambda result in its front door's form, or raise ``UnsupportedEvent``: the one exception the
adapter documents. Events of a recognised shape whose fields are malformed get a 400 without
the app being called; events as a front door sends them always reach the app.

Each test runs its own quota of events and asserts it ran all of them; the quotas add up to at
least 10,000 (``test_quotas_add_up_to_ten_thousand_events``), about 40 s of CPU. Locally every
run draws new events; with CI set, Hypothesis's ci profile derandomizes them, so a CI failure
reproduces anywhere. ``database=None``: no example database, because ``.hypothesis/`` is
shared by everyone working in one checkout and a replayed failure would take the place of new
events; a failure prints the falsifying event and a ``@reproduce_failure`` blob instead. The
last section keeps what fuzzing found as plain examples.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import random
import re
import string
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes

import pytest
from flask import Flask, Response, request, url_for
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from recipebox.aws import events
from recipebox.aws.lambda_http import LAMBDA_RESPONSE_LIMIT, UnsupportedEvent, make_handler
from recipebox.aws.lambda_http.shapes import Shape, detect_shape

Event = dict[str, Any]
Environ = dict[str, Any]
StartResponse = Callable[..., Any]

QUOTAS = {
    "front_door": 2_600,
    "response": 1_500,
    "malformed": 2_800,
    "random": 2_400,
    "flask": 700,
    "near_limit": 40,
}


def run(quota: str, test: Callable[..., None], *strategies: st.SearchStrategy[Any]) -> int:
    """Run test on generated arguments QUOTAS[quota] times; return how many runs there were."""
    ran = 0

    @settings(
        max_examples=QUOTAS[quota],
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(st.tuples(*strategies))
    def counted(args: tuple[Any, ...]) -> None:
        nonlocal ran
        ran += 1
        test(*args)

    counted()
    return ran


@pytest.fixture(autouse=True)
def quiet_adapter() -> Iterator[None]:
    """Drop the adapter's warnings (one per refused event): thousands of records are noise."""
    logger = logging.getLogger("recipebox.aws.lambda_http")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    yield
    logger.setLevel(level)


# --- the app: checks PEP 3333, echoes the body ---------------------------------------------

CGI_KEYS = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_LENGTH",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
)


def check_environ(environ: Environ) -> list[str]:
    """Return how environ breaks PEP 3333 (empty when it does not)."""
    broken = []
    if type(environ) is not dict:
        return [f"environ is a {type(environ).__name__}"]
    broken += [f"{key} missing" for key in CGI_KEYS if key not in environ]
    for key, value in environ.items():
        if type(key) is not str:
            broken.append(f"key {key!r} is not a str")
        elif "." not in key:  # CGI variables: native strings, latin-1 code points only
            if type(value) is not str:
                broken.append(f"{key} is a {type(value).__name__}: {value!r}")
            elif not (key + value).isascii() and max(key + value) > "\xff":
                broken.append(f"{key}={value!r} is not latin-1")
    if broken:
        return broken
    if environ.keys() & {"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"}:
        broken.append("HTTP_CONTENT_* instead of CONTENT_*")
    if environ.get("wsgi.version") != (1, 0):
        broken.append("wsgi.version is not (1, 0)")
    if environ.get("wsgi.url_scheme") not in ("http", "https"):
        broken.append(f"wsgi.url_scheme {environ.get('wsgi.url_scheme')!r}")
    script_name, path_info = environ["SCRIPT_NAME"], environ["PATH_INFO"]
    if script_name == "/" or (script_name and not script_name.startswith("/")):
        broken.append(f"SCRIPT_NAME {script_name!r}")
    if path_info and not path_info.startswith("/"):
        broken.append(f"PATH_INFO {path_info!r} does not start with /")
    for key in ("CONTENT_LENGTH", "SERVER_PORT"):
        if not (environ[key].isascii() and environ[key].isdigit()):
            broken.append(f"{key} {environ[key]!r} is not a number")
    for key in ("multithread", "multiprocess", "run_once"):
        if type(environ.get(f"wsgi.{key}")) is not bool:
            broken.append(f"wsgi.{key} is not a bool")
    if not callable(getattr(environ.get("wsgi.errors"), "write", None)):
        broken.append("wsgi.errors cannot write")
    return broken


class EchoApp:
    """A WSGI app that checks its environ and answers with the request body it read."""

    def __init__(self) -> None:
        self.calls = 0
        self.environ: Environ = {}
        self.body = b""
        self.broken: list[str] = []

    def __call__(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        self.calls += 1
        self.environ = environ
        self.broken = check_environ(environ)
        if self.broken:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"broken"]
        stream = environ["wsgi.input"]
        length = int(environ["CONTENT_LENGTH"])
        self.body = stream.readline(1) + stream.read(length) + stream.read()
        if len(self.body) != length or type(self.body) is not bytes:
            self.broken.append(f"CONTENT_LENGTH {length}, body {len(self.body)} bytes")
        content_type = environ.get("CONTENT_TYPE") or "application/octet-stream"
        start_response("200 OK", [("Content-Type", content_type)])
        return [self.body]


# --- what the handler must answer ----------------------------------------------------------

V2_KEYS = {"statusCode", "headers", "cookies", "body", "isBase64Encoded"}


def result_keys(shape: Shape, event: Event) -> set[str]:
    """The keys of a result in the form of the event's front door (see lambda_http)."""
    if shape in (Shape.HTTP_V2, Shape.FUNCTION_URL):
        return V2_KEYS
    headers = "multiValueHeaders" if "multiValueHeaders" in event else "headers"
    keys = {"statusCode", headers, "body", "isBase64Encoded"}
    return keys | {"statusDescription"} if shape is Shape.ALB else keys


def body_bytes(result: dict[str, Any]) -> bytes:
    if result["isBase64Encoded"]:
        return base64.b64decode(result["body"], validate=True)
    encoded: bytes = result["body"].encode()
    return encoded


def check_result(result: Any, event: Event) -> None:
    """Assert result is a well-formed Lambda result for the event's front door."""
    shape = detect_shape(event)
    assert type(result) is dict
    assert set(result) == result_keys(shape, event)
    assert type(result["statusCode"]) is int
    assert 100 <= result["statusCode"] <= 599
    assert type(result["body"]) is str
    assert type(result["isBase64Encoded"]) is bool
    body_bytes(result)  # raises when a base64 body is not base64
    if "headers" in result:
        assert all(type(k) is str and type(v) is str for k, v in result["headers"].items())
    else:
        multi = result["multiValueHeaders"]
        assert all(type(k) is str and type(v) is list for k, v in multi.items())
        assert all(type(v) is str for values in multi.values() for v in values)
    if "cookies" in result:
        assert all(type(cookie) is str for cookie in result["cookies"])
    if "statusDescription" in result:
        assert result["statusDescription"].startswith(str(result["statusCode"]))
    assert len(json.dumps(result)) <= LAMBDA_RESPONSE_LIMIT


def serve(event: Any, app: EchoApp | None = None) -> tuple[dict[str, Any] | None, EchoApp]:
    """Run event through a handler; return its result (None: UnsupportedEvent) and the app."""
    app = app or EchoApp()
    try:
        result = make_handler(app)(event, None)
    except UnsupportedEvent:
        return None, app
    check_result(result, event)
    return result, app


def check_any(event: Any) -> None:
    """The contract for any event: UnsupportedEvent, a 400 without the app, or a valid environ."""
    result, app = serve(event)
    if result is None:
        assert app.calls == 0
    elif app.calls == 0:
        assert result["statusCode"] == 400
        assert result["body"].startswith(("malformed ", "event body says isBase64Encoded"))
    else:
        assert app.broken == [], app.broken
        assert (result["statusCode"], body_bytes(result)) == (200, app.body)


# --- strategies: text -----------------------------------------------------------------------

# Pieces that matter to HTTP, URLs, cookies, JSON, WSGI's latin-1 and UTF-8, and 4,000 strings
# of one to four of them (the same on every run): drawing one costs Hypothesis one choice,
# where st.text costs one per character, which is what lets 10,000 events run in a minute.
PIECES = [
    *"/%?#&=;,: \t\r\n\"'\\_-.+*~$@[]{}<>|^`aZ09",
    "\x00", "\x01", "\x1f", "\x7f", "\x80", "\x9f", "\xa0", "\xad", "é", "ÿ", "Ā", "ß", "İ",
    "ﬁ", "\u2028", "\ufeff", "\ufffd", "☕", "日本", "\U0001f600", "\U0010ffff",
    "%2F", "%2f", "%00", "%e9", "%C3%A9", "%ff", "%ZZ", "%", "..", "/..", "//", "$default", "dev",
    "api", "a=1", "a=1; b=2", "a, b", "https", "http", "443", "80", "1e100", "-1", "NaN", "null",
    "true", "x" * 200, "é" * 100, "\x01" * 50, "recipes", "/recipes/", "text/html",
    "application/json", "aGk=", "aGk", "====",
]  # fmt: skip
SURROGATES = ["\ud800", "\udfff", "\udcff", "a\ud83d"]  # json.loads makes them from escapes
_combine = random.Random(8)
STRINGS = PIECES + [
    "".join(_combine.choices(PIECES, k=_combine.randint(2, 4))) for _ in range(4_000)
]
ODD_STRINGS = STRINGS + SURROGATES + [s + _combine.choice(SURROGATES) for s in STRINGS[-500:]]


@functools.cache
def texts(*, surrogates: bool = False) -> st.SearchStrategy[str]:
    """One of the strings above, or (half the time) up to 8 characters of any kind."""
    chars = st.characters(exclude_categories=() if surrogates else ("Cs",))
    return st.sampled_from(ODD_STRINGS if surrogates else STRINGS) | st.text(chars, max_size=8)


TOKEN = string.ascii_letters + string.digits + "-_"
HEADER_TOKEN = re.compile(r"[!#$%&'*+\-.^`|~0-9A-Za-z]+")  # RFC 9110 5.1
NAMES = [
    "Host", "Cookie", "Content-Type", "Content-Length", "X-Forwarded-For", "X-Forwarded-Proto",
    "X-Forwarded-Port", "Accept", "User-Agent", "X_Forwarded_Proto", "cookie", "content-type",
    "host", "x-forwarded-proto", "x-forwarded-port", "ÄÖ", "",
]  # fmt: skip
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PURGE"]

methods = st.sampled_from(METHODS) | texts()
header_names = st.sampled_from(NAMES) | st.text(TOKEN, max_size=8)
header_lists = st.lists(st.tuples(header_names, texts()), max_size=4)
header_counts = st.sampled_from([0] * 18 + [300, 3_000])
# Decoded, as HTTP APIs pass paths; now and then under a named stage.
paths = st.tuples(st.sampled_from(["", "", "/dev"]), texts()).map(lambda p: f"{p[0]}/{p[1]}")
# Percent-encoded as REST APIs, Function URLs and ALB pass paths, with invalid UTF-8 at times.
encoded_paths = st.tuples(paths, st.sampled_from(["/", "/%", "/;=,"])).map(
    lambda pair: quote(pair[0], safe=pair[1])
)
bodies = st.none() | texts() | st.binary(max_size=48)
query_pairs = st.lists(st.tuples(texts(), texts()), max_size=2)
encoded_pairs = st.lists(st.tuples(encoded_paths, encoded_paths), max_size=2)
cookie_lists = st.lists(texts(), max_size=3)
FRONT_DOORS = ["rest", "rest-single", "http-v1", "http-v2", "url", "alb", "alb-multi"]
front_doors = st.sampled_from(FRONT_DOORS)
booleans = st.booleans()
v1_stages = st.sampled_from(["$default", "dev"])
rest_stages = st.sampled_from(["dev", "v1", "$default"])
rest_hosts = st.sampled_from([events.REST_HOST, "recipes.example.com"])
schemes = st.sampled_from(["http", "https"])


@st.composite
def many_headers(draw: st.DrawFn) -> dict[str, list[str]]:
    """Headers: a few drawn ones, and now and then hundreds or thousands more."""
    headers: dict[str, list[str]] = {}
    for name, value in draw(header_lists):
        headers.setdefault(name, []).append(value)
    count = draw(header_counts)
    headers.update({f"x-fuzz-{i}": [f"value {i}"] for i in range(count)})
    return headers


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for name, value in pairs:
        query.setdefault(name, []).append(value)
    return query


# --- strategies: events as each front door sends them ---------------------------------------


@st.composite
def front_door_events(draw: st.DrawFn) -> tuple[Event, bytes, bytes]:
    """An event a front door could send; the body the app must read and the path it must see.

    The path is compared as bytes: SCRIPT_NAME + PATH_INFO in latin-1.
    """
    door = draw(front_doors)
    method = draw(methods)
    body = draw(bodies)
    b64 = isinstance(body, bytes) or (body is not None and draw(booleans))
    raw = body.encode() if isinstance(body, str) else body or b""
    headers = draw(many_headers())
    source_ip = draw(texts())
    if door in ("rest", "rest-single", "http-v1"):
        query = grouped(draw(query_pairs))
        common = dict(method=method, headers=headers, query=query, body=body, b64=b64)
        if door == "http-v1":
            path = draw(paths)
            stage = draw(v1_stages)
            event = events.http_v1_event(path=path, stage=stage, source_ip=source_ip, **common)
            return event, raw, path.encode()
        path = draw(encoded_paths)
        stage, host = draw(rest_stages), draw(rest_hosts)
        single = door == "rest-single"
        event = events.rest_event(
            path=path, stage=stage, host=host, source_ip=source_ip, multi_value=not single, **common
        )
        return event, raw, unquote_to_bytes(event["requestContext"]["path"])
    if door in ("alb", "alb-multi"):
        path = draw(encoded_paths)
        event = events.alb_event(
            method=method,
            path=path,
            multi_value=door == "alb-multi",
            query=grouped([(k.lstrip("/"), v.lstrip("/")) for k, v in draw(encoded_pairs)]),
            headers={name.lower(): values for name, values in headers.items()},
            forwarded_for=source_ip,
            proto=draw(schemes),
            body=body,
            b64=b64,
        )
        return event, raw, unquote_to_bytes(path)
    build = events.http_v2_event if door == "http-v2" else events.function_url_event
    path = draw(paths) if door == "http-v2" else draw(encoded_paths)
    event = build(
        method=method,
        raw_path=path,
        raw_query=draw(texts()),
        stage=draw(v1_stages) if door == "http-v2" else "$default",
        headers={name.lower(): ",".join(values) for name, values in headers.items()},
        cookies=draw(cookie_lists),
        body=body,
        b64=b64,
        source_ip=source_ip,
    )
    return event, raw, path.encode() if door == "http-v2" else unquote_to_bytes(path)


def latin1(environ: Environ, key: str) -> bytes:
    return bytes(environ[key], "latin-1")


def check_front_door_event(case: tuple[Event, bytes, bytes]) -> None:
    event, body, path = case
    result, app = serve(event)
    assert result is not None
    assert app.calls == 1, result
    assert app.broken == [], app.broken
    environ = app.environ
    assert environ["REQUEST_METHOD"].encode("latin-1") == event_method(event).encode()
    seen = latin1(environ, "SCRIPT_NAME") + latin1(environ, "PATH_INFO")
    assert seen == path, (seen, path)
    assert (app.body, environ["CONTENT_LENGTH"]) == (body, str(len(body)))
    assert (result["statusCode"], body_bytes(result)) == (200, body)
    check_query(event, latin1(environ, "QUERY_STRING"))
    check_headers(event, environ)
    context = event["requestContext"]
    if "elb" not in context:  # the address API Gateway saw
        source_ip = (context.get("identity") or context.get("http"))["sourceIp"]
        assert latin1(environ, "REMOTE_ADDR") == source_ip.encode()


def check_headers(event: Event, environ: Environ) -> None:
    """Every header whose name is a token without "_" reaches the app, in PEP 3333 form."""
    if event.get("multiValueHeaders"):
        pairs = [(k, v) for k, values in event["multiValueHeaders"].items() for v in values]
    else:
        pairs = list((event.get("headers") or {}).items())
    for name, value in pairs:
        key = name.upper().replace("-", "_").encode().decode("latin-1")
        if "_" in name or not HEADER_TOKEN.fullmatch(name) or key == "CONTENT_LENGTH":
            continue  # dropped (not a token, or "_"); the body's length
        key = key if key == "CONTENT_TYPE" else f"HTTP_{key}"
        assert value.encode() in latin1(environ, key), (name, value, environ.get(key))


def event_method(event: Event) -> str:
    method: str = (
        event["httpMethod"] if "httpMethod" in event else event["requestContext"]["http"]["method"]
    )
    return method


def check_query(event: Event, query: bytes) -> None:
    """The query string the app sees holds what the event says, in the form it says it."""
    if "rawQueryString" in event:
        assert query == event["rawQueryString"].encode(), (query, event["rawQueryString"])
    elif "elb" in event["requestContext"]:  # verbatim, still percent-encoded
        if "multiValueQueryStringParameters" in event:
            params = event["multiValueQueryStringParameters"]
        else:
            params = {k: [v] for k, v in event["queryStringParameters"].items()}
        assert query == "&".join(f"{k}={v}" for k, vs in params.items() for v in vs).encode()
    else:
        params = event.get("multiValueQueryStringParameters") or {
            k: [v] for k, v in (event["queryStringParameters"] or {}).items()
        }
        pairs = parse_qsl(query.decode(), keep_blank_values=True)
        assert pairs == [(k, v) for k, values in params.items() for v in values]


def test_events_as_front_doors_send_them_reach_the_app_intact() -> None:
    assert run("front_door", check_front_door_event, front_door_events()) == QUOTAS["front_door"]


# --- the app's answer, in each front door's form -------------------------------------------

# Response headers are latin-1 strings (PEP 3333).
LATIN1 = [p for p in PIECES if max(p) <= "\xff" and "\r" not in p and "\n" not in p]
latin1_piece = st.sampled_from(LATIN1)
latin1_text = st.one_of(
    latin1_piece,
    st.tuples(latin1_piece, latin1_piece).map("".join),
    st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=8),
)
response_headers = st.lists(
    st.tuples(
        st.sampled_from(["Content-Type", "Set-Cookie", "set-cookie", "Content-Encoding", "X-A"])
        | st.text(TOKEN, min_size=1, max_size=8),
        st.sampled_from(["text/html; charset=utf-8", "application/json", "image/png", "gzip"])
        | latin1_text,
    ),
    max_size=8,
)
# A single-value response spells each Set-Cookie differently: 512 spellings, no more.
extra_cookies = st.sampled_from([0] * 18 + [512, 513])


class ScriptedApp(EchoApp):
    """An app answering what it was told to, through write() and the iterable."""

    def __init__(self, status: str, headers: list[tuple[str, str]], chunks: list[bytes]) -> None:
        super().__init__()
        self.status, self.headers, self.chunks = status, headers, chunks

    def __call__(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        self.calls += 1
        self.broken = check_environ(environ)
        write = start_response(self.status, list(self.headers))
        write(self.chunks[0] if self.chunks else b"")
        return self.chunks[1:]


def check_response(
    door: str,
    status: tuple[int, str],
    headers: list[tuple[str, str]],
    extra: int,
    chunks: list[bytes],
) -> None:
    event = {
        "rest": events.rest_event,
        "rest-single": lambda: events.rest_event(multi_value=False),
        "http-v2": events.http_v2_event,
        "url": events.function_url_event,
        "alb": events.alb_event,
        "alb-multi": lambda: events.alb_event(multi_value=True),
    }[door]()
    headers = headers + [("Set-Cookie", f"c{i}=1") for i in range(extra)]
    app = ScriptedApp(f"{status[0]} {status[1]}", headers, chunks)
    result, _ = serve(event, app)
    assert result is not None
    assert (app.calls, app.broken) == (1, [])
    cookies = [v for k, v in headers if k.lower() == "set-cookie"]
    if len(cookies) > 512 and "headers" in result and "cookies" not in result:
        assert (result["statusCode"], result["body"]) == (500, "Internal Server Error")
        return
    assert (result["statusCode"], body_bytes(result)) == (status[0], b"".join(chunks))
    if "multiValueHeaders" in result:
        multi = result["multiValueHeaders"]
        assert multi == grouped(headers)
        sent = [v for k, values in multi.items() if k.lower() == "set-cookie" for v in values]
    else:
        # One value per name: repeated headers joined, cookies in a list or spelled apart.
        single = {k: v for k, v in result["headers"].items() if k.lower() != "set-cookie"}
        others = [(k, v) for k, v in headers if k.lower() != "set-cookie"]
        assert single == {k: ", ".join(values) for k, values in grouped(others).items()}
        sent = result.get("cookies") or [
            v for k, v in result["headers"].items() if k.lower() == "set-cookie"
        ]
    assert sorted(sent) == sorted(cookies)  # each Set-Cookie exactly once
    if "statusDescription" in result:
        assert result["statusDescription"] == app.status


def test_any_app_response_takes_the_form_of_the_front_door() -> None:
    statuses = st.tuples(st.integers(100, 599), latin1_text)
    chunks = st.lists(st.binary(max_size=24) | texts().map(str.encode), max_size=4)
    doors = st.sampled_from(["rest", "rest-single", "http-v2", "url", "alb", "alb-multi"])
    ran = run("response", check_response, doors, statuses, response_headers, extra_cookies, chunks)
    assert ran == QUOTAS["response"]


# --- malformed events: wrong types, missing and extra fields anywhere -----------------------

scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts(surrogates=True)
# Values that look almost right (base64 that is not, lists where strings go and the reverse)
# or that JSON parsers disagree on; parsed for each draw, so mutating one changes no other.
ODD_JSON = [
    "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e-400", "NaN", "-Infinity",
    "123456789012345678901234567890", '""', '"/"', '"=="', '"aGk"', '"aGk=x"', '"!!!!"',
    '"\\ud800"', '"\\u0000"', '"2.0"', '"1.0"', '"GET"', "[]", "{}", '[""]', "[null]",
    '["a", 1]', '{"": null}', '{"a": ["b"]}', "[[]]", '{"http": {}}', '{"method": "GET"}',
    '{"elb": {}}', '{"sourceIp": 1}', '[{"a": "b"}]', '"' + "x" * 5000 + '"',
]  # fmt: skip
json_values = st.one_of(
    st.sampled_from(ODD_JSON).map(json.loads),
    scalars,
    st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(texts(surrogates=True), children, max_size=3)
        ),
        max_leaves=4,
    ),
)


def addresses(value: Any, into: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Collect (container, key) for every value nested in value, depth first.

    The thousands of filler headers (many_headers) count as one: the headers object.
    """
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in list(items):
        if isinstance(key, str) and key.startswith("x-fuzz-"):
            continue
        into.append((value, key))
        if isinstance(item, dict | list):
            addresses(item, into)
    return into


mutation_counts = st.integers(1, 4)
actions = st.sampled_from(["replace", "replace", "remove", "add"])


@st.composite
def malformed_events(draw: st.DrawFn) -> Event:
    """An event a front door could send, with one to four fields replaced, removed or added."""
    event: Event = draw(front_door_events())[0]
    for _ in range(draw(mutation_counts)):
        places = addresses(event, [])
        if not places:
            break
        container, key = places[draw(st.integers(0, len(places) - 1))]
        action = draw(actions)
        if action == "remove":
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[draw(texts(surrogates=True))] = draw(json_values)
        else:
            container[key] = draw(json_values)
    return event


def test_malformed_events_get_a_400_or_reach_the_app_as_valid_pep_3333() -> None:
    assert run("malformed", check_any, malformed_events()) == QUOTAS["malformed"]


# --- anything JSON can hold, with and without the keys the adapter looks at -----------------

presence = st.integers(0, 9)  # 0: left out, 1: any JSON value, 2-9: of the right type


@st.composite
def objects(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """An object with each field left out, of any JSON type, or (mostly) of the right type."""
    found: dict[str, Any] = {}
    for key, right in fields.items():
        if chosen := draw(presence):
            found[key] = draw(right if chosen > 1 else json_values)
    return found


text_maps = st.dictionaries(texts(), texts(), max_size=3)
list_maps = st.dictionaries(texts(), st.lists(texts(), max_size=2), max_size=3)
HTTP = {"method": methods, "path": paths, "sourceIp": texts(), "protocol": texts()}
CONTEXT = {
    "http": objects(HTTP),
    "stage": st.sampled_from(["$default", "dev"]) | texts(),
    "path": paths,
    "domainName": st.sampled_from([events.URL_HOST, events.REST_HOST]) | texts(),
    "identity": objects({"sourceIp": texts()}),
}
EVENT = {
    "version": st.sampled_from(["1.0", "2.0"]),
    "httpMethod": methods,
    "path": paths,
    "rawPath": paths,
    "rawQueryString": texts(),
    "headers": st.dictionaries(header_names, texts(surrogates=True), max_size=3),
    "multiValueHeaders": st.dictionaries(header_names, st.lists(texts(), max_size=2), max_size=3),
    "queryStringParameters": text_maps,
    "multiValueQueryStringParameters": list_maps,
    "cookies": st.lists(texts(surrogates=True), max_size=3),
    "body": texts(surrogates=True),
    "isBase64Encoded": st.booleans(),
    # ALB's requestContext.elb decides the shape before any version field.
    "requestContext": objects(CONTEXT) | objects(CONTEXT | {"elb": st.just({})}),
}


@st.composite
def random_events(draw: st.DrawFn) -> Any:
    """Anything JSON holds, or (three times out of four) an object with the keys the adapter
    reads, each left out, of any JSON type or of the right type."""
    return draw(json_values if draw(st.integers(0, 3)) == 0 else objects(EVENT))


def test_random_json_values_get_a_result_or_unsupported_event() -> None:
    assert run("random", check_any, random_events()) == QUOTAS["random"]


# --- a real Flask app ----------------------------------------------------------------------


def flask_app() -> Flask:
    """A Flask app reading everything Werkzeug parses from the environ."""
    app = Flask("lambda_fuzz")
    app.config["PROPAGATE_EXCEPTIONS"] = True  # a crash reaches the adapter: a 500, failing

    @app.route("/", defaults={"rest": ""}, methods=METHODS)
    @app.route("/<path:rest>", methods=METHODS)
    def echo(rest: str) -> Response:
        seen = {
            "url": request.url,
            "link": url_for("echo", rest=rest, _external=True),
            "args": request.args.to_dict(flat=False),
            "cookies": request.cookies.to_dict(flat=False),
            "headers": dict(request.headers),
            "form": request.form.to_dict(flat=False),
            "remote_addr": request.remote_addr,
            "access_route": request.access_route,
        }
        return Response(json.dumps(seen), content_type="application/json")

    return app


def test_flask_serves_every_event_the_adapter_accepts() -> None:
    handler = make_handler(flask_app())

    def check(event: Any) -> None:
        try:
            result = handler(event, None)
        except UnsupportedEvent:
            return
        check_result(result, event)
        assert result["statusCode"] < 500, result["body"]

    cases = st.one_of(front_door_events().map(lambda case: case[0]), malformed_events())
    assert run("flask", check, cases) == QUOTAS["flask"]


# --- request bodies that make the response land near Lambda's 6 MB limit --------------------

# One character of a JSON string: how many bytes it takes once serialised.
FILLERS = {"x": 1, '"': 2, "\x01": 6, "é": 6, "\U0001f600": 12}


def check_near_limit(filler: str, delta: int, b64: bool, door: str) -> None:
    count = (LAMBDA_RESPONSE_LIMIT + delta) // FILLERS[filler]
    text = filler * count
    build = {"rest": events.rest_event, "http-v2": events.http_v2_event, "alb": events.alb_event}
    event = build[door](
        method="POST",
        body=text,
        b64=b64,
        headers={"Content-Type": ["text/plain; charset=utf-8"]}
        if door != "http-v2"
        else {"content-type": "text/plain; charset=utf-8"},
    )
    result, app = serve(event)  # asserts the serialised result is within the limit
    assert result is not None
    assert app.calls == 1
    serialised = len(json.dumps(text))  # the body alone, quotes included
    if result["statusCode"] == 200:
        assert result["body"] == text
    else:
        assert result["statusCode"] == 500
        assert result["body"].startswith("Response too large for AWS Lambda")
        assert serialised > LAMBDA_RESPONSE_LIMIT - 1024  # refused only when really near


def test_responses_near_the_6_mb_limit_are_delivered_or_refused_clearly() -> None:
    ran = run(
        "near_limit",
        check_near_limit,
        st.sampled_from(list(FILLERS)),
        st.integers(-2_000, 2_000),
        st.booleans(),
        st.sampled_from(["rest", "http-v2", "alb"]),
    )
    assert ran == QUOTAS["near_limit"]


def test_quotas_add_up_to_ten_thousand_events() -> None:
    assert sum(QUOTAS.values()) >= 10_000


# --- what fuzzing found, kept as plain examples ---------------------------------------------


def changed(event: Event, *path_and_value: Any) -> Event:
    """Return event with the value at path (keys) replaced: changed(e, "a", "b", 1)."""
    *path, last, value = path_and_value
    container = event
    for key in path:
        container = container[key]
    container[last] = value
    return event


V2_PROTOCOL = ("requestContext", "http", "protocol")


@pytest.mark.parametrize(
    ("event", "key", "value"),
    [
        pytest.param(
            events.http_v2_event(raw_query="q=☕"), "QUERY_STRING", "q=â\x98\x95", id="v2"
        ),
        pytest.param(
            events.alb_event(query={"q": ["☕"]}), "QUERY_STRING", "q=â\x98\x95", id="alb"
        ),
        pytest.param(events.http_v2_event(method="GÉT"), "REQUEST_METHOD", "GÃ\x89T", id="method"),
        pytest.param(events.rest_event(source_ip="☕"), "REMOTE_ADDR", "â\x98\x95", id="source"),
        pytest.param(
            changed(events.http_v2_event(), *V2_PROTOCOL, "HTTP/☕"),
            "SERVER_PROTOCOL",
            "HTTP/â\x98\x95",
            id="protocol",
        ),
        pytest.param(
            changed(events.rest_event(headers={"Host": []}), "requestContext", "domainName", "é"),
            "SERVER_NAME",
            "Ã©",
            id="domainName",
        ),
        pytest.param(
            events.alb_event(headers={"x-forwarded-proto": ["gopher"]}),
            "wsgi.url_scheme",
            "http",  # ALB's own default
            id="X-Forwarded-Proto",
        ),
        pytest.param(
            events.alb_event(headers={"x-forwarded-port": ["8o"]}),
            "SERVER_PORT",
            "443",
            id="X-Forwarded-Port",
        ),
    ],
)
def test_odd_values_reach_the_app_in_pep_3333_form(event: Event, key: str, value: str) -> None:
    app = serve(event)[1]
    assert (app.broken, app.environ[key]) == ([], value)


@pytest.mark.parametrize("name", ["x-☕", "ß", "ÄÖ", "", "a b", "x:y"])
def test_header_names_that_are_no_token_never_reach_the_app(name: str) -> None:
    # As nginx, gunicorn and ALB's drop_invalid_header_fields: "ß" upper-cased is "SS", and
    # werkzeug, spelling such a name back, looked it up under another key (a 500, found here).
    app = serve(events.http_v2_event(headers={name: "1", "x-kept": "2"}))[1]
    assert app.broken == []
    assert app.environ["HTTP_X_KEPT"] == "2"
    assert not [k for k, v in app.environ.items() if k.startswith("HTTP_") and v == "1"]


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(
            changed(events.http_v2_event(body="é"), "isBase64Encoded", True), id="base64 not ASCII"
        ),
        pytest.param(changed(events.http_v2_event(), "headers", ["host"]), id="headers list"),
        pytest.param(
            changed(events.rest_event(), "multiValueHeaders", "Accept", [None]), id="header null"
        ),
        pytest.param(
            changed(events.rest_event(query={"a": ["1"]}), "multiValueQueryStringParameters", 1),
            id="query number",
        ),
        pytest.param(
            changed(events.alb_event(query={"a": ["1"]}), "queryStringParameters", "a", None),
            id="ALB query null",
        ),
        pytest.param(
            changed(events.rest_event(), "requestContext", "identity", "sourceIp", 7),
            id="sourceIp number",
        ),
        pytest.param(changed(events.http_v2_event(), "rawQueryString", 5), id="raw query number"),
        pytest.param(changed(events.http_v2_event(), "rawPath", 5), id="rawPath number"),
        pytest.param(changed(events.rest_event(), "body", {"a": 1}), id="body object"),
        pytest.param(events.http_v2_event(raw_path="/\ud800"), id="surrogate in path"),
        pytest.param(events.http_v2_event(body="\ud800"), id="surrogate in body"),
        pytest.param(events.rest_event(path="recipes", stage="dev"), id="path without /"),
        pytest.param(changed(events.http_v2_event(), "cookies", "a=1; b=2"), id="cookies string"),
    ],
)
def test_malformed_fields_get_a_400_without_the_app(event: Event) -> None:
    result, app = serve(event)
    assert result is not None
    assert (result["statusCode"], app.calls) == (400, 0)
