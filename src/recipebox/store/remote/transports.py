"""How requests reach the data service: a Lambda invoke, a local HTTP POST, or a direct call.

A transport moves bytes (one JSON request out, one JSON response back) and counts its calls;
it raises StorageUnavailable when the service cannot be reached or fails, never anything else.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from recipebox.domain.errors import Invalid, StorageUnavailable
from recipebox.store.protocol import Store
from recipebox.store.remote.server import handle
from recipebox.store.remote.wire import RESPONSE_LIMIT

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_lambda.client import LambdaClient

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Transport(Protocol):
    calls: int

    def send(self, payload: bytes) -> bytes:
        """Deliver one request; return the response body."""

    def describe(self) -> str: ...

    def close(self) -> None: ...


class InProcessTransport:
    """Call `handle` on a store in this process, through JSON both ways (for tests)."""

    def __init__(self, store: Store, *, max_bytes: int = RESPONSE_LIMIT) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.calls = 0

    def send(self, payload: bytes) -> bytes:
        self.calls += 1
        response = handle(self.store, json.loads(payload), max_bytes=self.max_bytes)
        return json.dumps(response).encode()

    def describe(self) -> str:
        return "in-process"

    def close(self) -> None:
        """The store belongs to the caller: leave it open."""


class HttpTransport:
    """POST to the local data server (`recipebox.store.remote.local`): development only."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        host = urlsplit(url).hostname or ""
        if host not in LOOPBACK_HOSTS:
            # The local data server has no authentication: it is never a network service.
            raise Invalid(f"the local data server is on this machine only, not {host!r}")
        self.url = url
        self.timeout = timeout
        self.calls = 0

    def send(self, payload: bytes) -> bytes:
        self.calls += 1
        request = urllib.request.Request(  # noqa: S310 - the URL is http://loopback (checked)
            self.url, data=payload, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            body = exc.read()
            exc.close()
            if exc.code < 500 and exc.headers.get_content_type() == "application/json":
                return body  # a protocol error ({"v": 1, "error": ...}): the client raises it
            raise StorageUnavailable(f"local data server: HTTP {exc.code}") from None
        except OSError as exc:  # URLError, refused connections, timeouts
            raise StorageUnavailable(f"local data server at {self.url}: {exc}") from None

    def describe(self) -> str:
        return f"local data server {self.url}"

    def close(self) -> None:
        """Each request has its own connection: nothing to release."""


class LambdaTransport:
    """Invoke the data function synchronously (RequestResponse) with boto3.

    boto3 is imported on first use: the Lambda runtime provides it, so it is not packaged.
    Timeouts are short, but `timeout` (the read timeout) must exceed the data function's own
    timeout: botocore retries a timed-out invoke, and a retried write would run twice.
    """

    def __init__(
        self,
        function_name: str,
        region: str | None = None,
        endpoint_url: str | None = None,
        *,
        timeout: float = 20.0,
        session: boto3.session.Session | None = None,
    ) -> None:
        self.function_name = function_name
        self.region = region
        self.endpoint_url = endpoint_url
        self.timeout = timeout
        self.session = session
        self.calls = 0
        self._client: LambdaClient | None = None

    @property
    def client(self) -> LambdaClient:
        if self._client is None:
            import boto3  # provided by the Lambda runtime; ~0.15 s
            from botocore.config import Config

            session = self.session or boto3.session.Session()
            self._client = session.client(
                "lambda",
                region_name=self.region,
                endpoint_url=self.endpoint_url,
                config=Config(
                    connect_timeout=3,
                    read_timeout=self.timeout,
                    retries={"mode": "standard", "max_attempts": 3},
                ),
            )
        return self._client

    def send(self, payload: bytes) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        self.calls += 1
        name = self.function_name
        try:
            response = self.client.invoke(
                FunctionName=name, InvocationType="RequestResponse", Payload=payload
            )
            body = response["Payload"].read()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", "?"), error.get("Message", "")
            raise StorageUnavailable(f"data function {name}: {code}: {message}") from None
        except BotoCoreError as exc:  # endpoint unreachable, timeouts
            raise StorageUnavailable(f"data function {name}: {exc}") from None
        if "FunctionError" in response:
            # The function raised or timed out; the body is {"errorType", "errorMessage", ...}.
            raise StorageUnavailable(f"data function {name} failed: {_function_error(body)}")
        return body

    def describe(self) -> str:
        return f"Lambda function {self.function_name}"

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _function_error(body: bytes) -> str:
    try:
        error: Any = json.loads(body)
        return f"{error['errorType']}: {error['errorMessage']}"
    except (ValueError, TypeError, KeyError):
        return body[:300].decode("utf-8", "replace")
