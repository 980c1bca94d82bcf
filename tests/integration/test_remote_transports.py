"""Transports and URLs: Lambda invokes, the local data server's guards, lazy imports.

Lambda calls go through LambdaTransport's real client (aws_http) to `lambda_api`, a local
stand-in for the Invoke API that runs `handle()` (remote_fixtures.py); the local data server
runs in a thread.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from recipebox.domain.errors import Invalid, StorageUnavailable
from recipebox.domain.users import User
from recipebox.store import open_store
from recipebox.store.aws_http import Credentials
from recipebox.store.remote import HttpTransport, LambdaTransport, RemoteStore
from recipebox.store.remote.local import DataServer
from recipebox.store.sql import SqlStore

if TYPE_CHECKING:
    from remote_fixtures import LambdaApi


def lambda_store(api: LambdaApi, name: str, credentials: Credentials) -> RemoteStore:
    return RemoteStore(
        LambdaTransport(name, "us-east-1", api.endpoint_url, credentials=credentials)
    )


# --- Lambda -----------------------------------------------------------------------------------
def test_each_call_is_one_invoke(remote_lambda: RemoteStore, sqlite: SqlStore) -> None:
    before = remote_lambda.calls
    ann = remote_lambda.add_user(User("ann"))
    reads = remote_lambda.batch()
    user, count = reads.get_user(ann.id), reads.count_recipes()
    assert (user.value, count.value) == (sqlite.get_user(ann.id), 0)
    assert remote_lambda.calls == before + 2
    assert remote_lambda.check().startswith("Lambda function recipebox-data-")


@pytest.fixture
def failing_function(lambda_api: LambdaApi) -> Iterator[str]:
    def crash(event: object) -> object:
        raise RuntimeError("database on fire")

    lambda_api.functions["recipebox-crash"] = crash
    yield "recipebox-crash"
    del lambda_api.functions["recipebox-crash"]


def test_a_function_error_is_storage_unavailable_with_its_message(
    lambda_api: LambdaApi, failing_function: str, fake_aws_credentials: Credentials
) -> None:
    store = lambda_store(lambda_api, failing_function, fake_aws_credentials)
    with pytest.raises(StorageUnavailable) as info:
        store.count_recipes()
    assert str(info.value) == (
        "data function recipebox-crash failed: RuntimeError: database on fire"
    )


def test_a_missing_function_is_storage_unavailable(
    lambda_api: LambdaApi, fake_aws_credentials: Credentials
) -> None:
    store = lambda_store(lambda_api, "recipebox-nowhere", fake_aws_credentials)
    with pytest.raises(StorageUnavailable, match="recipebox-nowhere: ResourceNotFoundException"):
        store.count_recipes()


def test_an_unreachable_endpoint_is_storage_unavailable(
    fake_aws_credentials: Credentials,
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    transport = LambdaTransport(
        "fn", "us-east-1", f"http://127.0.0.1:{port}", credentials=fake_aws_credentials
    )
    with pytest.raises(StorageUnavailable, match="data function fn: Could not connect"):
        RemoteStore(transport).count_recipes()
    assert transport.calls == 1


# --- URLs -------------------------------------------------------------------------------------
def test_lambda_urls_name_the_function_region_endpoint_and_timeout() -> None:
    store = open_store(
        "lambda://recipebox-data:live?region=eu-west-1&endpoint_url=http://127.0.0.1:9&timeout=5"
    )
    assert isinstance(store, RemoteStore)
    transport = store.transport
    assert isinstance(transport, LambdaTransport)
    assert (transport.function_name, transport.region, transport.endpoint_url) == (
        "recipebox-data:live",
        "eu-west-1",
        "http://127.0.0.1:9",
    )
    assert transport.timeout == 5.0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("lambda://?region=eu-west-1", "a lambda URL names the data function"),
        ("lambda://fn?profile=x", "unknown lambda URL option(s): profile"),
        ("lambda://fn?timeout=soon", "timeout must be a number of seconds"),
        ("remote+http://example.org:8765", "on this machine only, not 'example.org'"),
        ("remote+https://127.0.0.1:8765", "a remote store URL is lambda://FUNCTION or"),
    ],
)
def test_bad_remote_urls_are_invalid(url: str, message: str) -> None:
    with pytest.raises(Invalid, match=message.replace("(", r"\(").replace(")", r"\)")):
        open_store(url)


def test_opening_a_remote_store_imports_neither_boto3_nor_a_database_driver() -> None:
    code = (
        "import sys; from recipebox.store import open_store;"
        " open_store('lambda://fn?region=eu-west-1');"
        " print(sorted(m for m in ('boto3', 'botocore', 'sqlalchemy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "[]", "")


# --- the local data server --------------------------------------------------------------------
def post(server: DataServer, body: bytes, headers: dict[str, str]) -> tuple[int, object]:
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=5)
    try:
        connection.request("POST", "/", body=body, headers=headers)
        with connection.getresponse() as response:
            return response.status, json.loads(response.read())
    finally:
        connection.close()


def refusal(message: str, kind: str = "Invalid") -> dict[str, object]:
    return {"v": 1, "error": {"type": kind, "message": message}}


def test_the_local_data_server_answers_json_posts_only(data_server: DataServer) -> None:
    request = json.dumps({"v": 1, "ops": [{"op": "count_recipes"}]}).encode()
    json_type = {"Content-Type": "application/json"}
    assert post(data_server, request, json_type) == (200, {"v": 1, "results": [{"ok": 0}]})
    assert post(data_server, request, {"Content-Type": "text/plain"}) == (
        415,
        refusal("send application/json"),
    )
    assert post(data_server, request, {**json_type, "Host": "evil.example:80"}) == (
        403,
        refusal("Host must be a loopback address"),
    )
    assert post(data_server, b"{not json", json_type) == (
        400,
        refusal("the request body is not JSON"),
    )
    connection = http.client.HTTPConnection(*data_server.server_address[:2], timeout=5)
    connection.request("OPTIONS", "/", headers={"Origin": "https://evil.example"})
    assert connection.getresponse().status == 501  # no CORS preflight, so no cross-site POST
    connection.close()


def test_the_local_data_server_binds_loopback_only(sqlite: SqlStore) -> None:
    with pytest.raises(Invalid, match=r"binds loopback addresses only, not '0\.0\.0\.0'"):
        DataServer(sqlite, "0.0.0.0")


def test_protocol_errors_over_http_are_raised_as_such(remote_http: RemoteStore) -> None:
    transport = remote_http.transport
    assert isinstance(transport, HttpTransport)
    body = transport.send(json.dumps({"v": 9, "ops": []}).encode())
    assert json.loads(body) == refusal("unsupported protocol version 9; this service speaks 1")
    with pytest.raises(Invalid, match="page"):
        remote_http.search_recipes(page=0)
    assert remote_http.check().startswith("local data server http://127.0.0.1:")


def test_a_stopped_data_server_is_storage_unavailable(sqlite: SqlStore) -> None:
    server = DataServer(sqlite)
    url = server.url
    server.server_close()
    with pytest.raises(StorageUnavailable, match=r"local data server at http://127\.0\.0\.1:"):
        open_store(url).count_recipes()
