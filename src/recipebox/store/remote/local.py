"""The local data server: the data protocol over HTTP on 127.0.0.1, for development only.

It plays the data function on a developer's machine (`remote+http://127.0.0.1:PORT`), so the
web app can run against remote storage without AWS. It has no authentication and no TLS,
so it binds loopback addresses only and is never a production service. Against a web page
trying to reach it through the browser, it answers only `Content-Type: application/json`
POSTs (a cross-site page cannot send those without a CORS preflight, which it refuses) whose
Host header names a loopback address (DNS rebinding).
"""

from __future__ import annotations

import json
import logging
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from recipebox.domain.errors import Invalid, StorageUnavailable
from recipebox.store.protocol import Store
from recipebox.store.remote.server import handle
from recipebox.store.remote.transports import LOOPBACK_HOSTS
from recipebox.store.remote.wire import REQUEST_LIMIT, VERSION, TooLarge, error_record

log = logging.getLogger("recipebox.remote")


class DataServer(ThreadingHTTPServer):
    """Serves `store` to data-protocol POSTs; `url` is what `remote+http://` points at."""

    daemon_threads = True

    def __init__(self, store: Store, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in LOOPBACK_HOSTS:
            raise Invalid(
                f"the local data server binds loopback addresses only, not {host!r}: it has no"
                " authentication (on AWS the data function is a Lambda, invoked with IAM)"
            )
        self.store = store
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"remote+http://{f'[{name}]' if ':' in name else name}:{port}/"


def serve_data(store: Store, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve `store` on http://HOST:PORT until interrupted (development only)."""
    with DataServer(store, host, port) as server:
        log.info("data server on %s (development only)", server.url)
        server.serve_forever()


class _Handler(BaseHTTPRequestHandler):
    server: DataServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes

    def do_POST(self) -> None:  # the name http.server looks for
        host = urlsplit(f"//{self.headers.get('Host', '')}").hostname
        if host not in LOOPBACK_HOSTS:
            self._reply(HTTPStatus.FORBIDDEN, Invalid("Host must be a loopback address"))
            return
        if self.headers.get_content_type() != "application/json":
            self._reply(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, Invalid("send application/json"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > REQUEST_LIMIT:
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, TooLarge("request too large"))
            return
        try:
            request = json.loads(self.rfile.read(length))
        except ValueError:
            self._reply(HTTPStatus.BAD_REQUEST, Invalid("the request body is not JSON"))
            return
        try:
            response = handle(self.server.store, request)
        except Exception:
            log.exception("data request failed")
            failure = StorageUnavailable("the data server failed (see its log)")
            self._reply(HTTPStatus.INTERNAL_SERVER_ERROR, failure)
            return
        status = HTTPStatus.BAD_REQUEST if "error" in response else HTTPStatus.OK
        self._send(status, response)

    def _reply(self, status: HTTPStatus, error: Invalid | StorageUnavailable) -> None:
        self._send(status, {"v": VERSION, "error": error_record(error)})

    def _send(self, status: HTTPStatus, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)
