"""Run a WSGI app on one environ and shape its response as a Lambda result, one builder per shape.

Facts behind the code:
- HTTP API payload 2.0 and Function URLs collapse repeated headers: cookies go in a ``cookies``
  list, one ``Set-Cookie`` value each.
- REST (payload 1.0) and multi-value ALB accept ``multiValueHeaders``. Single-value ALB accepts
  only ``headers``, so several cookies need header names differing in letter case.
- ALB wants ``statusDescription`` ("200 OK").
- Lambda refuses a synchronous response over 6 MB and API Gateway then answers a bare 502.
"""

from __future__ import annotations

import json
from base64 import b64encode
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from .shapes import Shape

if TYPE_CHECKING:
    from types import TracebackType
    from wsgiref.types import WSGIApplication

    from .environ import Environ

Headers = list[tuple[str, str]]
Result = dict[str, Any]
IsText = Callable[[str], bool]
Builder = Callable[[Mapping[str, Any], str, Headers, bytes, IsText], tuple[Result, int]]

# The runtime's own message: "exceeded maximum allowed payload size (6291556 bytes)".
LAMBDA_RESPONSE_LIMIT: Final = 6_291_556

TEXT_MIME_TYPES: Final = (
    "text/*",
    "application/json",
    "application/javascript",
    "application/ecmascript",
    "application/xml",
    "application/x-www-form-urlencoded",
    "image/svg+xml",
    "*+json",
    "*+xml",
)


def text_matcher(patterns: Iterable[str]) -> IsText:
    """Return a predicate telling whether a Content-Type is text.

    A pattern is a MIME type (``application/json``), a major type (``text/*``) or a suffix
    (``*+json``); parameters such as ``; charset=utf-8`` are ignored.
    """
    exact: set[str] = set()
    prefixes: list[str] = []
    suffixes: list[str] = []
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if pattern.endswith("/*"):
            prefixes.append(pattern[:-1])
        elif pattern.startswith("*"):
            suffixes.append(pattern[1:])
        else:
            exact.add(pattern)
    starts, ends = tuple(prefixes), tuple(suffixes)
    seen: dict[str, bool] = {}

    def is_text(content_type: str) -> bool:
        known = seen.get(content_type)
        if known is None:
            mime = content_type.partition(";")[0].strip().lower()
            known = mime in exact or mime.startswith(starts) or mime.endswith(ends)
            if len(seen) < 256:
                seen[content_type] = known
        return known

    return is_text


class WsgiResponse:
    """Collect what a WSGI app answers: PEP 3333's start_response and write()."""

    __slots__ = ("chunks", "headers", "status")

    def __init__(self) -> None:
        self.status: str | None = None
        self.headers: Headers = []
        self.chunks: list[bytes] = []

    def start_response(
        self,
        status: str,
        headers: Headers,
        exc_info: tuple[type[BaseException], BaseException, TracebackType]
        | tuple[None, None, None]
        | None = None,
    ) -> Callable[[bytes], object]:
        if exc_info is not None and exc_info[1] is not None:
            # The response is buffered, so headers count as sent once body bytes exist.
            if self.chunks:
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.status is not None:
            raise RuntimeError("start_response called twice without exc_info (PEP 3333)")
        self.status = status
        self.headers = headers
        return self.write

    def write(self, data: bytes) -> None:
        if data:
            self.chunks.append(data)


def run_app(app: WSGIApplication, environ: Environ) -> tuple[str, Headers, bytes]:
    """Call app and return its status line, headers and whole body; always close the iterable."""
    response = WsgiResponse()
    result = app(environ, response.start_response)
    try:
        # Appends as it iterates, so chunks given to write() meanwhile keep their order.
        chunks = response.chunks
        chunks.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if response.status is None:
        raise RuntimeError("the WSGI app returned without calling start_response")
    return response.status, response.headers, b"".join(chunks)


def encode_body(
    body: bytes, content_type: str | None, encoded: bool, is_text: IsText
) -> tuple[str, bool]:
    """Return (body, isBase64Encoded): text as text, anything else (or compressed) as base64."""
    if not body:
        return "", False
    if content_type is not None and not encoded and is_text(content_type):
        try:
            return body.decode(), False
        except UnicodeDecodeError:
            pass
    return b64encode(body).decode("ascii"), True


def _compressed(value: str) -> bool:
    return value.strip().lower() not in ("", "identity")


# Each builder also returns an upper bound of the serialised result's size: the runtime
# serialises with json.dumps, where escaping makes one byte of text at most 6 characters
# ("\u0000") and leaves base64 as long as it is; 1024 covers the keys and punctuation.


def v2_result(
    event: Mapping[str, Any], status: str, headers: Headers, body: bytes, is_text: IsText
) -> tuple[Result, int]:
    """Build an HTTP API payload 2.0 / Function URL result: cookies in their own list."""
    out: dict[str, str] = {}
    cookies: list[str] = []
    content_type = None
    encoded = False
    chars = 0
    for name, value in headers:
        chars += len(name) + len(value)
        lower = name.lower()
        if lower == "set-cookie":
            cookies.append(value)
            continue
        if lower == "content-type":
            content_type = value
        elif lower == "content-encoding":
            encoded = _compressed(value)
        out[name] = f"{out[name]}, {value}" if name in out else value
    text, b64 = encode_body(body, content_type, encoded, is_text)
    result = {
        "statusCode": int(status[:3]),
        "headers": out,
        "cookies": cookies,
        "body": text,
        "isBase64Encoded": b64,
    }
    return result, (len(text) if b64 else 6 * len(body)) + 6 * chars + 1024


@cache
def set_cookie_name(index: int) -> str:
    """Return the index-th spelling of Set-Cookie: letter case varied by the bits of index."""
    chars = list("Set-Cookie")
    letters = [i for i, c in enumerate(chars) if c.isalpha()]
    if index >= 1 << len(letters):
        raise ValueError(f"more than {1 << len(letters)} cookies in one single-value response")
    for bit, i in enumerate(letters):
        if index >> bit & 1:
            chars[i] = chars[i].swapcase()
    return "".join(chars)


def v1_result(
    event: Mapping[str, Any], status: str, headers: Headers, body: bytes, is_text: IsText
) -> tuple[Result, int]:
    """Build a payload 1.0 result (REST API, HTTP API 1.0, ALB without statusDescription)."""
    content_type = None
    encoded = False
    chars = 0
    result: Result = {"statusCode": int(status[:3])}
    # Answer in the form the request used: ALB rejects multiValueHeaders unless its target
    # group enabled them, and then ignores plain headers. REST and HTTP API 1.0 events carry
    # the key (null from the console "Test" button).
    if "multiValueHeaders" in event:
        multi: dict[str, list[str]] = {}
        for name, value in headers:
            chars += len(name) + len(value)
            lower = name.lower()
            if lower == "content-type":
                content_type = value
            elif lower == "content-encoding":
                encoded = _compressed(value)
            if name in multi:
                multi[name].append(value)
            else:
                multi[name] = [value]
        result["multiValueHeaders"] = multi
    else:
        single: dict[str, str] = {}
        cookies = 0
        for name, value in headers:
            chars += len(name) + len(value)
            lower = name.lower()
            if lower == "set-cookie":
                # A dict holds one value per name, and AWS treats names case-sensitively here.
                single[set_cookie_name(cookies)] = value
                cookies += 1
                continue
            if lower == "content-type":
                content_type = value
            elif lower == "content-encoding":
                encoded = _compressed(value)
            single[name] = f"{single[name]}, {value}" if name in single else value
        result["headers"] = single
    text, b64 = encode_body(body, content_type, encoded, is_text)
    result["body"] = text
    result["isBase64Encoded"] = b64
    return result, (len(text) if b64 else 6 * len(body)) + 6 * chars + 1024


def alb_result(
    event: Mapping[str, Any], status: str, headers: Headers, body: bytes, is_text: IsText
) -> tuple[Result, int]:
    """Build an ALB result: payload 1.0 plus the status line's reason phrase."""
    result, bound = v1_result(event, status, headers, body, is_text)
    result["statusDescription"] = status
    return result, bound + 6 * len(status)


BUILDERS: dict[Shape, Builder] = {
    Shape.REST: v1_result,
    Shape.HTTP_V1: v1_result,
    Shape.HTTP_V2: v2_result,
    Shape.FUNCTION_URL: v2_result,
    Shape.ALB: alb_result,
}


def serialised_size(result: Result) -> int:
    """Return the size of result as the Lambda runtime serialises it (json.dumps)."""
    return len(json.dumps(result))
