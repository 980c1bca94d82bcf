"""Remote-store fixtures: a RemoteStore in front of a fresh SQLite store, by each transport.

`remote` goes through JSON and `handle()` in this process; `remote_http` through the local data
server on 127.0.0.1 (in a thread); `remote_lambda` through LambdaTransport (aws_http) against
`lambda_api`, a local stand-in for the Lambda Invoke API that runs `handle()` as the data
function would (moto's Lambda runs no handler without Docker: it only echoes). The stand-in
speaks only what `invoke` needs:
POST /2015-03-31/functions/NAME/invocations answers the function's JSON, a raised exception
as `X-Amz-Function-Error: Unhandled` with {"errorType", "errorMessage"} (as Lambda does), and
an unknown NAME as a 404 ResourceNotFoundException.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from recipebox.store import open_store
from recipebox.store.aws_http import Credentials
from recipebox.store.remote import InProcessTransport, LambdaTransport, RemoteStore, handle
from recipebox.store.remote.local import DataServer
from recipebox.store.sql import SqlStore

Function = Callable[[Any], Any]
INVOKE_PATH = "/2015-03-31/functions/{name}/invocations"


class LambdaApi(ThreadingHTTPServer):
    """Functions by name, served at the Lambda Invoke API's path on 127.0.0.1."""

    daemon_threads = True

    def __init__(self) -> None:
        self.functions: dict[str, Function] = {}
        super().__init__(("127.0.0.1", 0), _InvokeHandler)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _InvokeHandler(BaseHTTPRequestHandler):
    server: LambdaApi
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes

    def do_POST(self) -> None:
        name = self.path.split("/")[3] if self.path.count("/") == 4 else ""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        function = self.server.functions.get(name)
        if function is None or self.path != INVOKE_PATH.format(name=name):
            error = {"Type": "User", "Message": f"Function not found: {name}"}
            self._send(404, error, {"x-amzn-ErrorType": "ResourceNotFoundException"})
            return
        try:
            result = function(json.loads(body))
        except Exception as exc:
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            self._send(200, error, {"X-Amz-Function-Error": "Unhandled"})
            return
        self._send(200, result, {})

    def _send(self, status: int, document: Any, headers: dict[str, str]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        for name, value in {**headers, "Content-Type": "application/json"}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows failures, not access logs."""


@contextmanager
def serving(server: ThreadingHTTPServer) -> Iterator[None]:
    """Run `server` in a daemon thread for the duration of the block."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def lambda_api() -> Iterator[LambdaApi]:
    api = LambdaApi()
    with serving(api):
        yield api


@pytest.fixture(scope="session")
def fake_aws_credentials() -> Credentials:
    """Credentials for signing requests to local endpoints (never a real account's)."""
    return Credentials("testing", "testing")


@pytest.fixture
def remote(sqlite: SqlStore) -> Iterator[RemoteStore]:
    """A RemoteStore calling `handle()` on a fresh SQLite store in this process."""
    store = RemoteStore(InProcessTransport(sqlite))
    store.upgrade()
    yield store
    store.close()


@pytest.fixture
def data_server(sqlite: SqlStore) -> Iterator[DataServer]:
    """The local data server for a fresh SQLite store, on 127.0.0.1 in a thread."""
    server = DataServer(sqlite)
    with serving(server):
        yield server


@pytest.fixture
def remote_http(data_server: DataServer) -> Iterator[RemoteStore]:
    """A RemoteStore reaching the local data server over HTTP (remote+http://)."""
    store = open_store(data_server.url)
    assert isinstance(store, RemoteStore)
    store.upgrade()
    yield store
    store.close()


@pytest.fixture
def data_function(
    lambda_api: LambdaApi, sqlite: SqlStore, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The name of a data function, on `lambda_api`, serving a fresh SQLite store."""
    name = f"recipebox-data-{abs(hash(request.node.nodeid)):x}"
    lambda_api.functions[name] = lambda event: handle(sqlite, event)
    yield name
    del lambda_api.functions[name]


@pytest.fixture
def remote_lambda(
    lambda_api: LambdaApi, data_function: str, fake_aws_credentials: Credentials
) -> Iterator[RemoteStore]:
    """A RemoteStore invoking the data function through the Lambda Invoke API."""
    transport = LambdaTransport(
        data_function, "us-east-1", lambda_api.endpoint_url, credentials=fake_aws_credentials
    )
    store = RemoteStore(transport)
    store.upgrade()
    yield store
    store.close()
