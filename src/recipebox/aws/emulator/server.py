"""The emulator's HTTP server: real requests in, one Lambda invocation each, responses out.

Standard library only (``http.server``): connections are served on threads, but invocations
run one at a time, as in a single Lambda container. Like Lambda, the function receives the
event as parsed JSON and its result is serialised to JSON; a function that raises or returns
something unusable gets the front door's own error answer, and its traceback goes to stderr.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

from recipebox.aws.emulator.doors import FrontDoor, front_door
from recipebox.aws.emulator.exchange import Reply, Request

Handler = Callable[[Any, Any], Any]

log = logging.getLogger("recipebox.aws.emulator")

DEFAULT_HANDLER: Final = "recipebox.aws.handlers:web"
FUNCTION_NAME: Final = "recipebox-local"
# Lambda's synchronous invocation limit, for the request event as for the result.
PAYLOAD_LIMIT: Final = 6_291_556
TIMEOUT_SECONDS: Final = 29  # API Gateway's integration timeout
_HOP_BY_HOP: Final = frozenset(
    ("connection", "content-length", "keep-alive", "transfer-encoding", "upgrade", "date")
)


@dataclass
class LambdaContext:
    """The context object of one invocation, with the attributes the Python runtime gives."""

    aws_request_id: str
    function_name: str = FUNCTION_NAME
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = f"arn:aws:lambda:eu-west-1:123456789012:function:{FUNCTION_NAME}"
    log_group_name: str = f"/aws/lambda/{FUNCTION_NAME}"
    log_stream_name: str = "local"
    deadline: float = field(default_factory=lambda: time.monotonic() + TIMEOUT_SECONDS)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def load_handler(reference: str) -> Handler:
    """Import "package.module:function" and return the function."""
    module_name, _, name = reference.partition(":")
    if not module_name or not name:
        raise ValueError(f"handler {reference!r}: use the form package.module:function")
    handler: Handler = getattr(importlib.import_module(module_name), name)
    return handler


class EmulatorServer(ThreadingHTTPServer):
    """An HTTP server that hands each request to a Lambda handler through a front door."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], door: FrontDoor, handler: Handler, *, quiet: bool = False
    ) -> None:
        self.door = door
        self.handler = handler
        self.quiet = quiet
        self._invoking = threading.Lock()
        super().__init__(address, _RequestHandler)

    @property
    def url(self) -> str:
        """The site's address, stage or base path included: http://127.0.0.1:8000/dev/."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{self.door.prefix}/"

    def stop(self) -> None:
        """Stop serving (from another thread) and close the socket."""
        self.shutdown()
        self.server_close()

    def invoke(self, request: Request) -> Reply:
        """Answer one request: the door's own refusal, or the function's result."""
        door = self.door
        refusal = door.refuse(request.path_and_query()[0])
        if refusal is not None:
            return refusal
        request_id = str(uuid.uuid4())
        payload = json.dumps(door.event(request, request_id))
        if len(payload) > PAYLOAD_LIMIT:
            return door.too_large()
        with self._invoking:  # one container: one invocation at a time
            try:
                result = self.handler(json.loads(payload), LambdaContext(request_id))
                serialised = json.dumps(result)
            except Exception:
                log.exception("the function failed on %s %s", request.method, request.target)
                return door.failure()
        if len(serialised) > PAYLOAD_LIMIT:
            log.error("the function's result is over Lambda's 6 MB limit")
            return door.failure()
        try:
            return door.reply(json.loads(serialised), request)
        except (ValueError, TypeError, AttributeError) as error:  # malformed result fields
            log.error("unusable result from the function: %s", error)
            return door.failure()


class _RequestHandler(BaseHTTPRequestHandler):
    server: EmulatorServer
    protocol_version = "HTTP/1.1"  # keep-alive: every response carries Content-Length
    # http.server writes the head and the body separately: with Nagle's algorithm on, the body
    # of a kept-alive connection waited for the client's delayed ACK (~40 ms per request).
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        request = Request(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            client_ip=self.client_address[0],
            local_port=self.server.server_address[1],
        )
        reply = self.server.invoke(request)
        self.send_response_only(reply.status, reply.reason or None)
        for name, value in reply.headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Date", formatdate(usegmt=True))
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self.log_request(reply.status, len(reply.body))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "bad Content-Length")
            return None
        if length > PAYLOAD_LIMIT * 2:
            self.send_error(413)
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers
            pass
        return b"".join(chunks)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def start_emulator(
    shape: str,
    stage: str | None = None,
    port: int = 0,
    *,
    host: str = "127.0.0.1",
    base_path: str | None = None,
    multi_value: bool = False,
    handler: Handler | str = DEFAULT_HANDLER,
    quiet: bool = True,
) -> tuple[EmulatorServer, str]:
    """Serve on a background thread; return the server (``stop()`` it) and the site's URL.

    port 0 picks a free port. handler is a function or "module:function". The handler reads
    its own configuration (the default one: RECIPEBOX_* variables), nothing is prepared here.
    """
    door = front_door(shape, stage=stage, base_path=base_path, multi_value=multi_value)
    function = load_handler(handler) if isinstance(handler, str) else handler
    server = EmulatorServer((host, port), door, function, quiet=quiet)
    # A short poll interval makes stop() quick (shutdown waits for the next poll).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="lambda-emulator"
    )
    thread.daemon = True
    thread.start()
    return server, server.url
