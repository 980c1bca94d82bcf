"""How requests reach the data service: a Lambda invoke, a local HTTP POST, or a direct call.

A transport moves bytes (one JSON request out, one JSON response back) and counts its calls;
it raises StorageUnavailable when the service cannot be reached or fails, never anything else.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from recipebox.domain.errors import Invalid, StorageUnavailable
from recipebox.store.aws_http import (
    AwsClient,
    AwsHttpError,
    CredentialChain,
    Credentials,
    ServiceError,
    chain_credentials,
)
from recipebox.store.protocol import Store
from recipebox.store.remote.server import handle
from recipebox.store.remote.wire import RESPONSE_LIMIT

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
    """Invoke the data function synchronously (RequestResponse) through the Lambda Invoke API.

    POST /2015-03-31/functions/NAME/invocations with `aws_http` (boto3's import and client
    cost as much as the rest of a cold start). An invoke may carry writes, so it is never
    sent twice unless Lambda certainly did not run it (the connection failed before it was
    sent, or Lambda throttled it): a read timeout is not retried. `timeout` (the read
    timeout) should still exceed the data function's own timeout, so that a slow function
    fails with Lambda's own "Task timed out" error rather than an unknown outcome.
    Credentials: `credentials`, else those of `session` (a boto3 session), else the
    environment's (aws_http).
    """

    def __init__(
        self,
        function_name: str,
        region: str | None = None,
        endpoint_url: str | None = None,
        *,
        timeout: float = 20.0,
        session: CredentialChain | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        self.function_name = function_name
        self.region = region
        self.endpoint_url = endpoint_url
        self.timeout = timeout
        self.session = session
        self.credentials = credentials
        self.calls = 0
        self._client: AwsClient | None = None

    @property
    def client(self) -> AwsClient:
        if self._client is None:
            self._client = AwsClient(
                "lambda",
                region=self.region,
                endpoint_url=self.endpoint_url,
                connect_timeout=3,
                read_timeout=self.timeout,
                max_attempts=3,
                transient_scale=0.05,  # botocore's backoff base for non-throttling errors
                credentials=self.credentials
                or (chain_credentials(self.session) if self.session else None),
            )
        return self._client

    def send(self, payload: bytes) -> bytes:
        self.calls += 1
        name = self.function_name
        path = f"/2015-03-31/functions/{quote(name, safe='')}/invocations"
        try:
            response = self.client.send(
                "POST",
                path,
                payload,
                {"X-Amz-Invocation-Type": "RequestResponse"},
                operation="Invoke",
                idempotent=False,
            )
        except ServiceError as exc:
            raise StorageUnavailable(f"data function {name}: {exc.code}: {exc.message}") from None
        except AwsHttpError as exc:  # no credentials or region, endpoint unreachable, timeouts
            raise StorageUnavailable(f"data function {name}: {exc}") from None
        if response.headers.get("X-Amz-Function-Error"):
            # The function raised or timed out; the body is {"errorType", "errorMessage", ...}.
            raise StorageUnavailable(
                f"data function {name} failed: {_function_error(response.body)}"
            )
        return response.body

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
