"""The emulator's side of HTTP: a request as received, a reply to send, and the helpers every
front door shares (grouping headers, the X-Forwarded-* headers a front door adds, text or
base64 bodies, API Gateway's JSON error answers, reading a Lambda result's fields).
"""

from __future__ import annotations

import json
import secrets
import time
from base64 import b64decode
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from recipebox.aws.lambda_http import TEXT_MIME_TYPES
from recipebox.aws.lambda_http.results import text_matcher

Headers = list[tuple[str, str]]

_is_text = text_matcher(TEXT_MIME_TYPES)


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP request as the emulator received it: target and headers exactly as sent."""

    method: str
    target: str  # the request line's target: percent-encoded path and query
    headers: Headers
    body: bytes
    client_ip: str
    local_port: int
    epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    def header(self, name: str) -> str | None:
        """The last value of a header, by case-insensitive name."""
        found, name = None, name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                found = value
        return found

    def path_and_query(self) -> tuple[str, str]:
        raw = self.target
        if "://" in raw.partition("?")[0]:  # absolute form (a proxy request): keep the path
            raw = "/" + raw.split("/", 3)[3] if raw.count("/") >= 3 else "/"
        path, _, query = raw.partition("#")[0].partition("?")
        return path or "/", query


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP response to send: reason "" means the status code's standard phrase."""

    status: int
    headers: Headers
    body: bytes
    reason: str = ""


def after(path: str, prefix: str) -> str | None:
    """Return what follows prefix in path when prefix is whole segments of it, else None."""
    if not prefix:
        return path
    if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
        return path[len(prefix) :] or "/"
    return None


def grouped(headers: Iterable[tuple[str, str]], lower: bool) -> dict[str, list[str]]:
    """Group header values by case-insensitive name, keyed by the first spelling seen."""
    spelling: dict[str, str] = {}
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        key = spelling.setdefault(name.lower(), name.lower() if lower else name)
        grouped.setdefault(key, []).append(value)
    return grouped


def forwarded(request: Request) -> Headers:
    """The headers every front door adds: who connected, on which port, over what."""
    earlier = request.header("x-forwarded-for")
    chain = f"{earlier}, {request.client_ip}" if earlier else request.client_ip
    trace = f"Root=1-{secrets.token_hex(4)}-{secrets.token_hex(12)}"
    return [
        ("X-Forwarded-For", chain),
        ("X-Forwarded-Port", str(request.local_port)),
        ("X-Forwarded-Proto", "http"),
        ("X-Amzn-Trace-Id", trace),
    ]


def with_forwarded(request: Request) -> Headers:
    added = forwarded(request)
    names = {name.lower() for name, _ in added}
    return [(k, v) for k, v in request.headers if k.lower() not in names] + added


def utf8(body: bytes) -> bool:
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True


def text_body(request: Request) -> bool:
    """Whether a body travels as text: a text Content-Type, not compressed, valid UTF-8."""
    content_type = request.header("content-type")
    if content_type is None or not _is_text(content_type):
        return False
    if (request.header("content-encoding") or "identity").strip().lower() != "identity":
        return False
    return utf8(request.body)


def event_body(request: Request, text: bool) -> tuple[str | bytes | None, bool]:
    """Return (body, b64) for the event builders."""
    if not request.body:
        return None, False
    return (request.body.decode(), False) if text else (request.body, True)


def json_reply(status: int, payload: object, extra: Iterable[tuple[str, str]] = ()) -> Reply:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Reply(status, [("Content-Type", "application/json"), *extra], body)


def text_reply(status: int, text: str, content_type: str = "text/plain") -> Reply:
    return Reply(status, [("Content-Type", content_type)], text.encode())


def status_code(result: Any) -> int | None:
    """The result's statusCode as an int in 100..599, or None when it has none usable."""
    if not isinstance(result, dict):
        return None
    try:
        status = int(result["statusCode"])
    except (KeyError, TypeError, ValueError):
        return None
    return status if 100 <= status <= 599 else None


def result_body(result: dict[str, Any], decode: bool = True) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    text = body if isinstance(body, str) else json.dumps(body)
    if result.get("isBase64Encoded") and decode:
        return b64decode(text)
    return text.encode()
