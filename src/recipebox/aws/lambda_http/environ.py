"""Translate a Lambda HTTP event into a PEP 3333 environ, one translator per front door.

Facts behind the code (the package docstring has the table):
- REST APIs and ALB pass the path still percent-encoded; HTTP APIs (payload 1.0 and 2.0) decode
  it; Lambda Function URLs keep the encoding.
- An HTTP API named stage appears in the path; a REST API stage appears only in
  ``requestContext.path``; ``$default`` never appears.
- ALB passes query values as the client sent them (still encoded); API Gateway decodes them.
"""

from __future__ import annotations

import re
import string
import sys
from base64 import b64decode
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final
from urllib.parse import quote_plus, unquote_to_bytes

from .shapes import Shape

Environ = dict[str, Any]


class InvalidBody(ValueError):
    """The event's body cannot be decoded; the handler answers 400 without calling the app."""


# What a translator raises on an event of a known shape whose fields AWS would never send: a
# number or list where a string goes, a string with an unpaired surrogate ("\ud800" in the
# JSON), a path without its leading "/". Only hand-written events get here; the handler
# answers 400 without calling the app.
MALFORMED: Final = (AttributeError, LookupError, TypeError, ValueError)


@dataclass(frozen=True, slots=True)
class Mount:
    """Where the app is mounted, as configured: both values in WSGI (latin-1) form."""

    script_name: str | None = None  # explicit SCRIPT_NAME, overrides all detection
    base_path: str | None = None  # custom-domain base-path mapping, e.g. "/api"


def native(text: str) -> str:
    """Return text as a WSGI native string: its UTF-8 bytes read as latin-1 (PEP 3333)."""
    return text if text.isascii() else text.encode().decode("latin-1")


def native_unquoted(path: str) -> str:
    """Return a percent-encoded path decoded to a WSGI native string."""
    if "%" in path:
        return unquote_to_bytes(path).decode("latin-1")
    return native(path)


def _after(path: str, prefix: str) -> str | None:
    """Return what follows prefix in path when prefix is whole segments of it, else None."""
    if path.startswith(prefix):
        rest = path[len(prefix) :]
        if not rest or rest[0] == "/":
            return rest
    return None


def _mount(path_info: str, stage: str, stage_in_path: bool, mount: Mount) -> tuple[str, str]:
    """Return (SCRIPT_NAME, PATH_INFO) from the decoded path and the detected stage prefix."""
    if mount.script_name is not None:
        rest = _after(path_info, mount.script_name)
        return mount.script_name, path_info if rest is None else rest
    if stage:
        return stage, path_info[len(stage) :] if stage_in_path else path_info
    if mount.base_path is not None:
        # Only configuration tells a base-path mapping from a route; a request reaching the
        # API through its execute-api host has a stage prefix instead, and is left alone.
        rest = _after(path_info, mount.base_path)
        if rest is not None:
            return mount.base_path, rest
    return "", path_info


def _stage_in_path(path_info: str, stage: object) -> str:
    """Return "/{stage}" when an HTTP API named stage leads the path, else ""."""
    if isinstance(stage, str) and stage and stage != "$default":
        prefix = native("/" + stage)
        if _after(path_info, prefix) is not None:
            return prefix
    return ""


def _rest_stage(path: str, context: Mapping[str, Any]) -> str:
    """Return the REST stage prefix the client saw: requestContext.path minus path."""
    full = context.get("path")
    if not isinstance(full, str) or full == path:
        return ""  # custom domain (root or base-path mapping), or console test
    if full.endswith(path):
        prefix = full[: len(full) - len(path)]
    elif path == "/":
        prefix = full
    else:
        # The two fields may differ in percent-encoding; the stage still leads the full path.
        stage = context.get("stage")
        if not isinstance(stage, str) or _after(full, "/" + stage) is None:
            return ""
        prefix = "/" + stage
    prefix = prefix.rstrip("/")
    return native_unquoted(prefix) if prefix.startswith("/") else ""


# The characters quote_plus leaves alone: most keys and values need no quoting call.
_UNRESERVED = string.ascii_letters + string.digits + "_.-~"


def _quote(text: str) -> str:
    return text if text.isascii() and not text.strip(_UNRESERVED) else quote_plus(text)


def _encoded_query(params: Mapping[str, Any] | None, multi: bool) -> str:
    """Return a query string from API Gateway's decoded parameters."""
    if not params:
        return ""
    q = _quote
    if multi:
        return "&".join([f"{q(k)}={q(v)}" for k, values in params.items() for v in values])
    return "&".join([f"{q(k)}={q(v)}" for k, v in params.items()])


def _verbatim_query(params: Mapping[str, Any] | None, multi: bool) -> str:
    """Return a query string from ALB's parameters, which arrive still percent-encoded."""
    if not params:
        return ""
    # Concatenation, not an f-string: a number or null in the event is a TypeError.
    if multi:
        query = "&".join([k + "=" + v for k, values in params.items() for v in values])
    else:
        query = "&".join([k + "=" + v for k, v in params.items()])
    return native(query)  # only hand-written events hold anything but ASCII here


# Header name -> environ key; filled as names are seen, bounded because clients choose names.
_KEYS = {
    "content-type": "CONTENT_TYPE",
    "Content-Type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "Content-Length": "CONTENT_LENGTH",
}
_DROP: Final = "-"
# An HTTP header name is a token (RFC 9110 5.1): ASCII letters, digits and !#$%&'*+-.^`|~.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^`|~0-9A-Za-z]+")


def _key(name: str) -> str:
    # A name with "_" would share its environ key with the "-" spelling, letting a client
    # shadow a header the front door sets (X-Forwarded-Proto); ALB's
    # drop_invalid_header_fields, nginx and gunicorn drop such names too. So do names that
    # are no token: "ß" upper-cases to "SS", and werkzeug could no longer find its value.
    if "_" in name or not _TOKEN.fullmatch(name):
        key = _DROP
    else:
        key = native(name.upper().replace("-", "_"))
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
    if len(_KEYS) < 1024:
        _KEYS[name] = key
    return key


def _headers(headers: Mapping[str, str] | None) -> Environ:
    """Return the environ entries of single-value headers."""
    if not headers:  # null from the console "Test" button
        return {}
    try:
        # The usual case, in one pass: names seen before, ASCII values, no name twice.
        environ = {_KEYS[name]: value for name, value in headers.items()}
        if (
            len(environ) == len(headers)
            and _DROP not in environ
            and "".join(headers.values()).isascii()
        ):
            return environ
    except KeyError:
        pass
    environ = {}
    for name, value in headers.items():
        key = _KEYS.get(name) or _key(name)
        if key is _DROP:
            continue
        if not value.isascii():
            value = value.encode().decode("latin-1")
        if key in environ:  # the same header under two spellings of its name
            # Werkzeug splits cookies on ";" only: "a=1, b=2" would parse as no cookie.
            environ[key] += ("; " if key == "HTTP_COOKIE" else ", ") + value
        else:
            environ[key] = value
    return environ


def _multi_headers(headers: Mapping[str, list[str]]) -> Environ:
    """Return the environ entries of multi-value headers."""
    keys = _KEYS
    try:
        # The usual case, in one pass: one value per name, names seen before, ASCII values.
        environ = {keys[name]: values[0] for name, values in headers.items() if len(values) == 1}
        if (
            len(environ) == len(headers)
            and _DROP not in environ
            and "".join(environ.values()).isascii()
        ):
            return environ
    except KeyError:
        pass
    environ = {}
    for name, values in headers.items():
        key = keys.get(name) or _key(name)
        if key is _DROP or not values:
            continue
        separator = "; " if key == "HTTP_COOKIE" else ", "
        value = values[0] if len(values) == 1 else separator.join(values)
        if not value.isascii():
            value = value.encode().decode("latin-1")
        if key in environ:
            environ[key] += separator + value
        else:
            environ[key] = value
    return environ


def _body(event: Mapping[str, Any]) -> bytes:
    body: str | None = event.get("body")
    if not body:
        return b""
    if not event.get("isBase64Encoded"):
        return body.encode()
    try:
        return b64decode(body)
    # binascii.Error, or a ValueError for a non-ASCII string; only hand-written events get
    # this wrong.
    except ValueError as error:
        raise InvalidBody(f"event body says isBase64Encoded but is not base64: {error}") from None


def _last(value: str) -> str:
    """Return the rightmost entry of a comma-joined header: the one the nearest proxy added."""
    return value.rpartition(",")[2].strip() if "," in value else value


_SCHEMES: Final = frozenset(("http", "https"))

# The same for every request.
_WSGI: Final = {
    "wsgi.version": (1, 0),
    "wsgi.multithread": False,
    # Many Lambda containers run the same app at once.
    "wsgi.multiprocess": True,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,
}


def _complete(
    environ: Environ,
    method: str,
    script_name: str,
    path_info: str,
    query: str,
    body: bytes,
    scheme: str,
    host: object,
) -> Environ:
    """Add the CGI and wsgi entries to the header entries; scheme/host are the fallbacks."""
    if path_info and path_info[0] != "/":
        raise ValueError(f"the path {path_info!r} does not start with /")
    environ.update(_WSGI)
    environ["REQUEST_METHOD"] = native(method)
    environ["SCRIPT_NAME"] = script_name
    environ["PATH_INFO"] = path_info
    environ["QUERY_STRING"] = query
    # Events rarely carry Content-Length, and a base64 body's header would not match anyway.
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input"] = BytesIO(body)
    environ["wsgi.errors"] = sys.stderr
    # The rightmost entry of X-Forwarded-* is the one the nearest proxy added (_last, inline).
    # Both headers come from the front door, but a hand-written event may say anything:
    # PEP 3333 allows only http and https, and a port is a number.
    proto = environ.get("HTTP_X_FORWARDED_PROTO")
    if proto:
        proto = proto.rpartition(",")[2].strip() if "," in proto else proto
        if proto in _SCHEMES:
            scheme = proto
    environ["wsgi.url_scheme"] = scheme
    port = environ.get("HTTP_X_FORWARDED_PORT")
    if port and "," in port:
        port = port.rpartition(",")[2].strip()
    if not (port and port.isascii() and port.isdigit()):
        port = "443" if scheme == "https" else "80"
    environ["SERVER_PORT"] = port
    server = environ.get("HTTP_HOST") or (
        native(host) if isinstance(host, str) and host else "localhost"
    )
    if ":" in server and not server.endswith("]"):  # drop a port, keep an IPv6 literal
        server = server.rpartition(":")[0]
    environ["SERVER_NAME"] = server
    return environ


def _v1_environ(event: Mapping[str, Any], mount: Mount, rest: bool) -> Environ:
    context = event.get("requestContext") or {}
    path = event["path"]
    if rest:
        # REST passes the path still encoded, and the stage only in requestContext.path.
        path_info = native_unquoted(path)
        script_name, path_info = _mount(path_info, _rest_stage(path, context), False, mount)
    else:
        # HTTP API payload 1.0: a decoded path that starts with a named stage.
        path_info = native(path)
        stage = _stage_in_path(path_info, context.get("stage"))
        script_name, path_info = _mount(path_info, stage, True, mount)
    # The console "Test" button sends null headers and query fields.
    if multi_query := event.get("multiValueQueryStringParameters"):
        query = _encoded_query(multi_query, multi=True)
    else:
        query = _encoded_query(event.get("queryStringParameters"), multi=False)
    if multi_headers := event.get("multiValueHeaders"):
        environ = _multi_headers(multi_headers)
    else:
        environ = _headers(event.get("headers"))
    protocol = context.get("protocol")
    environ["SERVER_PROTOCOL"] = native(protocol) if isinstance(protocol, str) else "HTTP/1.1"
    # The address API Gateway saw; X-Forwarded-For entries are client-supplied.
    environ["REMOTE_ADDR"] = native((context.get("identity") or {}).get("sourceIp") or "")
    # API Gateway serves HTTPS only.
    return _complete(
        environ,
        event["httpMethod"],
        script_name,
        path_info,
        query,
        _body(event),
        "https",
        context.get("domainName"),
    )


def rest_environ(event: Mapping[str, Any], mount: Mount) -> Environ:
    """Translate an API Gateway REST API event."""
    return _v1_environ(event, mount, rest=True)


def http_v1_environ(event: Mapping[str, Any], mount: Mount) -> Environ:
    """Translate an API Gateway HTTP API payload 1.0 event."""
    return _v1_environ(event, mount, rest=False)


def _v2_environ(event: Mapping[str, Any], mount: Mount, encoded: bool) -> Environ:
    context = event["requestContext"]
    http = context["http"]
    # rawPath keeps a trailing slash that requestContext.http.path drops.
    raw_path = event.get("rawPath") or http.get("path") or "/"
    path_info = native_unquoted(raw_path) if encoded else native(raw_path)
    stage = _stage_in_path(path_info, context.get("stage"))
    script_name, path_info = _mount(path_info, stage, True, mount)
    environ = _headers(event.get("headers"))
    # Payload 2.0 moves request cookies out of the headers into a list.
    if cookies := event.get("cookies"):
        if not isinstance(cookies, list):  # "; ".join would take a string apart
            raise TypeError(f"cookies is a {type(cookies).__name__}, not a list")
        joined = native("; ".join(cookies))
        header = environ.get("HTTP_COOKIE")
        environ["HTTP_COOKIE"] = f"{header}; {joined}" if header else joined
    protocol = http.get("protocol")
    environ["SERVER_PROTOCOL"] = native(protocol) if isinstance(protocol, str) else "HTTP/1.1"
    environ["REMOTE_ADDR"] = native(http.get("sourceIp") or "")
    # HTTP APIs and Function URLs serve HTTPS only.
    return _complete(
        environ,
        http["method"],
        script_name,
        path_info,
        # As the client sent it: a raw UTF-8 query reaches the app in PEP 3333 form.
        native(event.get("rawQueryString") or ""),
        _body(event),
        "https",
        context.get("domainName"),
    )


def http_v2_environ(event: Mapping[str, Any], mount: Mount) -> Environ:
    """Translate an API Gateway HTTP API payload 2.0 event (the path arrives decoded)."""
    return _v2_environ(event, mount, encoded=False)


def function_url_environ(event: Mapping[str, Any], mount: Mount) -> Environ:
    """Translate a Lambda Function URL event (the path arrives still encoded)."""
    return _v2_environ(event, mount, encoded=True)


def alb_environ(event: Mapping[str, Any], mount: Mount) -> Environ:
    """Translate an Application Load Balancer event, single- or multi-value."""
    script_name, path_info = _mount(native_unquoted(event["path"]), "", False, mount)
    # The target group's multi-value setting decides which pair of fields the event carries.
    if "multiValueQueryStringParameters" in event:
        query = _verbatim_query(event["multiValueQueryStringParameters"], multi=True)
    else:
        query = _verbatim_query(event.get("queryStringParameters"), multi=False)
    if multi_headers := event.get("multiValueHeaders"):
        environ = _multi_headers(multi_headers)
    else:
        environ = _headers(event.get("headers"))
    environ["SERVER_PROTOCOL"] = "HTTP/1.1"
    # ALB appends the address it saw to X-Forwarded-For: earlier entries are client-supplied.
    forwarded = environ.get("HTTP_X_FORWARDED_FOR")
    environ["REMOTE_ADDR"] = _last(forwarded) if forwarded else ""
    # ALB always sends X-Forwarded-Proto; an HTTP listener says "http".
    return _complete(
        environ,
        event["httpMethod"],
        script_name,
        path_info,
        query,
        _body(event),
        "http",
        None,
    )


TRANSLATORS: dict[Shape, Callable[[Mapping[str, Any], Mount], Environ]] = {
    Shape.REST: rest_environ,
    Shape.HTTP_V1: http_v1_environ,
    Shape.HTTP_V2: http_v2_environ,
    Shape.FUNCTION_URL: function_url_environ,
    Shape.ALB: alb_environ,
}
