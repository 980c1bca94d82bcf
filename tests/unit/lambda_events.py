"""Lambda HTTP event builders for the tests (they live in recipebox.aws.events, shared with the
local emulator) and a WSGI app that records what it receives."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from recipebox.aws.events import (
    ALB_HOST,
    CLIENT_IP,
    HTTP_HOST,
    REST_HOST,
    URL_HOST,
    alb_event,
    console_test_event,
    function_url_event,
    http_v1_event,
    http_v2_event,
    rest_event,
)

__all__ = [
    "ALB_HOST",
    "CLIENT_IP",
    "HTTP_HOST",
    "REST_HOST",
    "URL_HOST",
    "RecordingApp",
    "alb_event",
    "console_test_event",
    "function_url_event",
    "http_v1_event",
    "http_v2_event",
    "rest_event",
]


class RecordingApp:
    """A WSGI app that records the environ and request body, then answers as configured."""

    def __init__(self) -> None:
        self.status = "200 OK"
        self.headers: list[tuple[str, str]] = [("Content-Type", "text/plain; charset=utf-8")]
        self.body: Iterable[bytes] = [b"ok"]
        self.environ: dict[str, Any] = {}
        self.request_body = b""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.environ = environ
        self.request_body = environ["wsgi.input"].read()
        start_response(self.status, list(self.headers))
        return self.body
