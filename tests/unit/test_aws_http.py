"""aws_http: SigV4 on AWS's published examples and against botocore, error parsing, retries.

The retry and reconnect rules run against `Scripted`, a raw HTTP/1.1 server on 127.0.0.1 that
answers each request as its script says (answer, answer and close the connection, read the
request and close without answering, or never answer), so every rule is exercised on real
sockets. Sleeps between attempts are recorded, not slept.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from botocore.session import Session as BotocoreSession

from recipebox.domain.errors import StorageUnavailable
from recipebox.store.aws_http import (
    AwsClient,
    ConnectionFailed,
    Credentials,
    NoCredentials,
    NoRegion,
    ServiceError,
    canonical_request,
    chain_credentials,
    environ_credentials,
    find_endpoint,
    find_region,
    service_error,
    sign,
    signing_key,
)
from recipebox.store.dynamodb import DynamoStore
from recipebox.store.dynamodb.table import Table
from recipebox.store.remote import LambdaTransport, RemoteStore

# The example credentials of AWS's SigV4 documentation and test suite.
EXAMPLE = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
EXAMPLE_DATE = "20150830T123600Z"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
FAKE = Credentials("testing", "testing", "session-token")


# --- Signature Version 4 ----------------------------------------------------------------------
def test_signs_the_iam_list_users_example_of_the_aws_documentation() -> None:
    headers = {
        "Host": "iam.amazonaws.com",
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    }
    query = [("Action", "ListUsers"), ("Version", "2010-05-08")]
    dated = {**headers, "X-Amz-Date": EXAMPLE_DATE}
    request, signed = canonical_request("GET", "/", query, dated, EMPTY_SHA256)
    sign("GET", "/", query, headers, b"", EXAMPLE, "us-east-1", "iam", EXAMPLE_DATE)
    assert (hashlib.sha256(request.encode()).hexdigest(), signed) == (
        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
        "content-type;host;x-amz-date",
    )
    assert signing_key(EXAMPLE.secret_key, "20150830", "us-east-1", "iam").hex() == (
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
    )
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    )


@pytest.mark.parametrize(
    ("name", "method", "query", "signature"),
    [
        ("get-vanilla", "GET", [],
         "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("get-vanilla-query-order-key-case", "GET", [("Param2", "value2"), ("Param1", "value1")],
         "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        ("post-vanilla", "POST", [],
         "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    ],
)  # fmt: skip
def test_signs_the_aws_sigv4_test_suite_examples(
    name: str, method: str, query: list[tuple[str, str]], signature: str
) -> None:
    headers = {"Host": "example.amazonaws.com"}
    sign(method, "/", query, headers, b"", EXAMPLE, "us-east-1", "service", EXAMPLE_DATE)
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={signature}"
    )


def botocore_signature(
    request: Received, credentials: Credentials, region: str, service: str
) -> str:
    """What botocore signs for `request` as it arrived, with its SignedHeaders and date."""
    signed = request.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
    headers = {name: request.headers[name] for name in signed.split(";")}
    url = f"http://{request.headers['host']}{request.path}"
    aws_request = AWSRequest(request.method, url, headers=headers, data=request.body)
    aws_request.context["timestamp"] = request.headers["x-amz-date"]
    auth = SigV4Auth(
        BotocoreCredentials(credentials.access_key, credentials.secret_key, credentials.token),
        service,
        region,
    )
    canonical = auth.canonical_request(aws_request)
    return str(auth.signature(auth.string_to_sign(aws_request, canonical), aws_request))


def test_requests_on_the_wire_carry_the_signature_botocore_computes() -> None:
    with scripted(Answer(), Answer()) as server:
        client = make_client(server, service="lambda")
        client.call("GetItem", {"TableName": "t", "Key": {"pk": {"S": "é"}}}, idempotent=True)
        name = "arn%3Aaws%3Alambda%3Aeu-west-1%3A1%3Afunction%3Adata%3Alive"
        path = f"/2015-03-31/functions/{name}/invocations"
        client.send("POST", path, b'{"v": 1}', {"X-Amz-Invocation-Type": "RequestResponse"},
                    operation="Invoke", idempotent=False)  # fmt: skip
        client.close()
    dynamo, invoke = server.received
    assert invoke.path == path  # sent as encoded once; signed encoded twice, as botocore does
    for request in (dynamo, invoke):
        assert request.headers["host"] == f"127.0.0.1:{server.port}"
        assert request.headers["x-amz-security-token"] == "session-token"
        signature = request.headers["authorization"].rpartition("Signature=")[2]
        assert signature == botocore_signature(request, FAKE, "eu-west-1", "lambda")
    assert dynamo.headers["x-amz-target"] == "DynamoDB_20120810.GetItem"
    assert dynamo.headers["content-type"] == "application/x-amz-json-1.0"


# --- errors -----------------------------------------------------------------------------------
def headers(text: str) -> http.client.HTTPMessage:
    return http.client.parse_headers(io.BytesIO(text.encode() + b"\r\n"))


def test_parses_dynamodb_errors_from_the_json_body() -> None:
    body = {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
        "CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}],
    }
    error = service_error(400, headers(""), json.dumps(body).encode())
    assert (error.code, error.message, error.status) == (
        "TransactionCanceledException",
        body["message"],
        400,
    )
    assert error.document["CancellationReasons"] == body["CancellationReasons"]


def test_parses_lambda_errors_from_the_error_type_header() -> None:
    error = service_error(
        404,
        headers(
            "X-Amzn-ErrorType: ResourceNotFoundException:http://internal.amazon.com/coral/\r\n"
        ),
        b'{"Type": "User", "Message": "Function not found: fn"}',
    )
    assert (error.code, error.message, str(error)) == (
        "ResourceNotFoundException",
        "Function not found: fn",
        "ResourceNotFoundException: Function not found: fn",
    )


def test_an_error_without_a_json_body_is_named_by_its_status() -> None:
    error = service_error(502, headers(""), b"<html>Bad Gateway</html>")
    assert (error.code, error.message, error.document) == ("502", "", {})


# --- configuration ----------------------------------------------------------------------------
@pytest.fixture
def no_aws_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AWS variables, profiles or instance metadata: botocore's chain finds nothing."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_credentials_come_from_the_environment_as_lambda_sets_them() -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"}
    assert environ_credentials(env) == Credentials("AKID", "secret")
    assert environ_credentials({**env, "AWS_SESSION_TOKEN": "t"}) == Credentials(
        "AKID", "secret", "t"
    )
    assert environ_credentials({"AWS_ACCESS_KEY_ID": "AKID"}) is None
    assert "secret" not in repr(Credentials("AKID", "secret", "t"))


def test_a_session_lends_its_credentials() -> None:
    session = BotocoreSession()
    session.set_credentials("AKID", "secret", "token")
    source = chain_credentials(session)
    assert source is not None
    assert source() == Credentials("AKID", "secret", "token")


@pytest.mark.usefixtures("no_aws_config")
def test_without_credentials_the_stores_say_so_as_before() -> None:
    with pytest.raises(NoCredentials, match="Unable to locate credentials"):
        AwsClient("dynamodb", region="us-east-1", connect_timeout=1, read_timeout=1,
                  max_attempts=1, transient_scale=0.01)  # fmt: skip
    with pytest.raises(StorageUnavailable) as dynamo:
        DynamoStore("dynamodb://recipes?region=us-east-1").count_recipes()
    with pytest.raises(StorageUnavailable) as remote:
        RemoteStore(LambdaTransport("fn", "us-east-1")).count_recipes()
    assert (str(dynamo.value), str(remote.value)) == (
        "dynamodb table recipes: no AWS credentials",
        "data function fn: Unable to locate credentials",
    )


@pytest.mark.usefixtures("no_aws_config")
def test_without_a_region_the_stores_say_so_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKID")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    with pytest.raises(StorageUnavailable) as dynamo:
        DynamoStore("dynamodb://recipes").count_recipes()
    with pytest.raises(StorageUnavailable) as remote:
        RemoteStore(LambdaTransport("fn")).count_recipes()
    assert (str(dynamo.value), str(remote.value)) == (
        "dynamodb table recipes: no AWS region (add ?region=... to the URL)",
        "data function fn: You must specify a region.",
    )
    with pytest.raises(NoRegion):
        find_region(None, {})


def test_the_region_comes_from_the_url_then_the_environment() -> None:
    env = {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-west-2"}
    assert find_region("ap-south-1", env) == "ap-south-1"
    assert find_region(None, env) == "eu-west-1"
    assert find_region(None, {"AWS_DEFAULT_REGION": "us-west-2"}) == "us-west-2"


def test_endpoints_come_from_the_url_then_the_environment_then_aws() -> None:
    env = {
        "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5000",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
    }
    assert find_endpoint("dynamodb", "eu-west-1", "http://moto:1", env) == "http://moto:1"
    assert find_endpoint("dynamodb", "eu-west-1", None, env) == "http://127.0.0.1:5000"
    assert find_endpoint("lambda", "eu-west-1", None, env) == "http://127.0.0.1:4566"
    ignored = {**env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
    assert find_endpoint("lambda", "eu-west-1", None, ignored) == (
        "https://lambda.eu-west-1.amazonaws.com"
    )
    assert find_endpoint("dynamodb", "cn-north-1", None, {}) == (
        "https://dynamodb.cn-north-1.amazonaws.com.cn"
    )


# --- a scripted server ------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False  # close the connection after answering (no Connection: close sent)


DROP = "drop"  # read the request, close without answering
HANG = "hang"  # read the request, never answer


@dataclass(frozen=True)
class Received:
    connection: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Scripted:
    """An HTTP/1.1 server on 127.0.0.1 answering requests as `script` says, in order."""

    def __init__(self, script: list[Answer | str]) -> None:
        self.script = script
        self.received: list[Received] = []
        self.closed = threading.Semaphore(0)  # released each time it closes a connection
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.stop = threading.Event()
        self.sockets: list[socket.socket] = []
        self.threads = [threading.Thread(target=self.accept)]
        self.threads[0].start()

    def accept(self) -> None:
        count = 0
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.sockets.append(connection)
            thread = threading.Thread(target=self.serve, args=(connection, count))
            self.threads.append(thread)
            thread.start()
            count += 1

    def serve(self, connection: socket.socket, number: int) -> None:
        with connection, connection.makefile("rb") as reader:
            while (line := reader.readline()) != b"":
                method, path, _ = line.decode().split(" ", 2)
                fields: dict[str, str] = {}
                while (header := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = header.decode().partition(":")
                    fields[name.strip().lower()] = value.strip()
                body = reader.read(int(fields.get("content-length", "0")))
                self.received.append(Received(number, method, path, fields, body))
                action = self.script.pop(0) if self.script else Answer()
                if action == HANG:
                    self.stop.wait()
                if not isinstance(action, Answer):
                    break
                head = [f"HTTP/1.1 {action.status} X", f"Content-Length: {len(action.body)}"]
                head += [f"{name}: {value}" for name, value in action.headers.items()]
                connection.sendall("\r\n".join(head).encode() + b"\r\n\r\n" + action.body)
                if action.close:
                    break
        self.closed.release()

    def close(self) -> None:
        """Stop, ending connections a client left open (so a failing test fails, not hangs)."""
        self.stop.set()
        self.threads[0].join()
        for connection in self.sockets:
            with suppress(OSError):  # closed already
                connection.shutdown(socket.SHUT_RDWR)
        for thread in self.threads[1:]:
            thread.join()
        self.listener.close()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@contextmanager
def scripted(*script: Answer | str) -> Iterator[Scripted]:
    server = Scripted(list(script))
    try:
        yield server
    finally:
        server.close()


def make_client(
    server: Scripted,
    sleeps: list[float] | None = None,
    *,
    service: str = "dynamodb",
    max_attempts: int = 3,
    read_timeout: float = 5.0,
) -> AwsClient:
    return AwsClient(
        service,
        region="eu-west-1",
        endpoint_url=server.url,
        connect_timeout=1,
        read_timeout=read_timeout,
        max_attempts=max_attempts,
        transient_scale=0.025,
        target_prefix="DynamoDB_20120810",
        credentials=FAKE,
        environ={},
        sleep=(sleeps if sleeps is not None else []).append,
    )


def call(client: AwsClient, idempotent: bool) -> Any:
    return client.call("UpdateItem", {"TableName": "t"}, idempotent=idempotent)


# --- keep-alive and reconnecting --------------------------------------------------------------
@pytest.mark.parametrize("idempotent", [True, False])
def test_connections_are_kept_alive_between_requests(idempotent: bool) -> None:
    with scripted() as server:
        client = make_client(server)
        for _ in range(3):
            assert call(client, idempotent) == {}
        client.close()
    assert [r.connection for r in server.received] == [0, 0, 0]


@pytest.mark.parametrize("idempotent", [True, False])
def test_a_connection_the_server_closed_while_idle_is_replaced_before_sending(
    idempotent: bool, sleeps: list[float]
) -> None:
    with scripted(Answer(close=True), Answer()) as server:
        client = make_client(server, sleeps)
        call(client, idempotent)
        assert server.closed.acquire(timeout=5)  # the server's FIN has reached the client
        assert call(client, idempotent) == {}
        client.close()
    assert ([r.connection for r in server.received], sleeps) == ([0, 1], [])


def test_an_idempotent_request_is_resent_at_once_when_a_kept_alive_connection_drops_it(
    sleeps: list[float],
) -> None:
    with scripted(Answer(), DROP, Answer(body=b'{"Item": {}}')) as server:
        client = make_client(server, sleeps, max_attempts=1)
        call(client, True)
        assert call(client, True) == {"Item": {}}
        client.close()
    assert ([r.connection for r in server.received], sleeps) == ([0, 0, 1], [])


def test_a_non_idempotent_request_is_not_resent_when_its_connection_drops(
    sleeps: list[float],
) -> None:
    with scripted(Answer(), DROP, Answer()) as server:
        client = make_client(server, sleeps)
        call(client, False)
        with pytest.raises(ConnectionFailed, match="closed before we received a valid response"):
            call(client, False)
        client.close()
    assert ([r.connection for r in server.received], sleeps) == ([0, 0], [])


# --- retries ----------------------------------------------------------------------------------
def test_a_read_timeout_is_retried_for_idempotent_requests_only(sleeps: list[float]) -> None:
    with scripted(HANG, HANG, HANG) as server:
        client = make_client(server, sleeps, max_attempts=2, read_timeout=0.2)
        with pytest.raises(ConnectionFailed, match="Read timeout on endpoint URL"):
            call(client, False)
        assert len(server.received) == 1
        with pytest.raises(ConnectionFailed, match="Read timeout on endpoint URL"):
            call(client, True)
        client.close()
    assert (len(server.received), len(sleeps)) == (3, 1)


@pytest.mark.parametrize("idempotent", [True, False])
def test_a_refused_connection_is_retried_as_nothing_was_sent(
    idempotent: bool, sleeps: list[float]
) -> None:
    with scripted() as server:
        client = make_client(server, sleeps, max_attempts=3)
    with pytest.raises(ConnectionFailed) as failed:
        call(client, idempotent)
    assert str(failed.value) == f'Could not connect to the endpoint URL: "{server.url}/"'
    assert len(sleeps) == 2
    assert all(0 <= s <= 0.025 * 2**n for n, s in enumerate(sleeps))


THROTTLED = Answer(
    400,
    b'{"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",'
    b' "message": "slow down"}',
)


@pytest.mark.parametrize("refusal", [THROTTLED, Answer(429, b"")], ids=["code", "429"])
def test_throttling_is_retried_for_every_request(refusal: Answer, sleeps: list[float]) -> None:
    with scripted(refusal, Answer(body=b'{"ok": 1}')) as server:
        client = make_client(server, sleeps)
        assert call(client, False) == {"ok": 1}
        client.close()
    assert len(server.received) == 2
    assert len(sleeps) == 1
    assert 0 <= sleeps[0] <= 1.0  # throttling backs off on a 1 s scale


def test_throttling_that_persists_raises_the_services_error(sleeps: list[float]) -> None:
    with scripted(THROTTLED, THROTTLED, THROTTLED) as server:
        client = make_client(server, sleeps, max_attempts=3)
        with pytest.raises(ServiceError) as error:
            call(client, True)
        client.close()
    assert (error.value.code, error.value.message, len(sleeps)) == (
        "ProvisionedThroughputExceededException",
        "slow down",
        2,
    )


def test_a_server_error_is_retried_for_idempotent_requests_only(sleeps: list[float]) -> None:
    failure = Answer(500, b'{"__type": "InternalServerError", "message": "oops"}')
    with scripted(failure, failure, Answer()) as server:
        client = make_client(server, sleeps)
        with pytest.raises(ServiceError, match="InternalServerError: oops"):
            call(client, False)
        assert call(client, True) == {}
        client.close()
    assert (len(server.received), len(sleeps)) == (3, 1)


def test_a_client_error_is_never_retried(sleeps: list[float]) -> None:
    invalid = Answer(400, b'{"__type": "x#ValidationException", "message": "bad key"}')
    with scripted(invalid) as server:
        client = make_client(server, sleeps)
        with pytest.raises(ServiceError) as error:
            call(client, True)
        client.close()
    assert (error.value.code, len(server.received), sleeps) == ("ValidationException", 1, [])


def test_a_body_failing_its_crc32_is_fetched_again_when_idempotent(sleeps: list[float]) -> None:
    body = b'{"Count": 1}'
    good = {"x-amz-crc32": str(zlib.crc32(body))}
    bad = {"x-amz-crc32": str(zlib.crc32(body) ^ 1)}
    with scripted(Answer(body=body, headers=bad), Answer(body=body, headers=good)) as server:
        client = make_client(server, sleeps)
        assert call(client, True) == {"Count": 1}
        client.close()
    assert len(server.received) == 2


def test_one_client_serves_many_threads(sleeps: list[float]) -> None:
    failures: list[BaseException] = []
    with scripted() as server:
        client = make_client(server, sleeps)

        def work() -> None:
            try:
                for _ in range(20):
                    assert call(client, False) == {}
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
    assert (failures, len(server.received), client.calls) == ([], 120, 120)
    assert len({r.connection for r in server.received}) <= 6


# --- what the DynamoDB table declares idempotent ---------------------------------------------
class Recorder:
    """Records each request's operation and idempotence; answers like an empty table."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    def call(self, operation: str, params: dict[str, Any], *, idempotent: bool) -> Any:
        self.sent.append((operation, idempotent))
        if operation == "TransactWriteItems":
            self.sent.append((params["ClientRequestToken"], idempotent))
        return {"Attributes": {}, "Items": [], "Count": 0, "Responses": {}}


def test_the_table_resends_only_writes_that_cannot_run_twice() -> None:
    recorder = Recorder()
    table = Table("t", lambda: recorder)  # type: ignore[arg-type, return-value]
    key = {"pk": "A", "sk": "B"}
    table.get(key)
    table.query("A")
    table.put({**key, "n": 1})
    table.put({**key, "n": 1}, "attribute_not_exists(#pk)")
    table.delete(key)
    table.delete(key, "attribute_exists(#pk)")
    table.update(key, "SET #n = :n", n=1)
    table.update(key, "ADD #n :d", d=1)
    table.update(key, "SET #n = #n + :d", d=1)
    table.update(key, "SET #n = :n", "attribute_exists(#pk)", n=1)
    table.batch_write([{**key, "n": 1}], [{"pk": "A", "sk": "C"}])
    table.batch_get([key])
    table.transact([table.put_op({**key, "n": 1})])
    table.transact([table.put_op({**key, "n": 2})])
    sent = recorder.sent
    tokens = [sent[-3][0], sent[-1][0]]
    assert sent[:-4] == [
        ("GetItem", True),
        ("Query", True),
        ("PutItem", True),
        ("PutItem", False),
        ("DeleteItem", True),
        ("DeleteItem", False),
        ("UpdateItem", True),
        ("UpdateItem", False),
        ("UpdateItem", False),
        ("UpdateItem", False),
        ("BatchWriteItem", True),
        ("BatchGetItem", True),
    ]
    assert [sent[-4], sent[-2]] == [("TransactWriteItems", True)] * 2
    assert len(set(tokens)) == 2  # a new ClientRequestToken per transaction
    assert all(len(t) == 36 for t in tokens)
