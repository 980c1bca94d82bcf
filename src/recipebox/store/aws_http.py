"""Signed requests to AWS over the standard library: what DynamoStore and LambdaTransport need.

Why by hand: boto3 costs a Lambda cold start as much as a whole hello-world Flask app does.
Fresh processes, bytecode cached, medians of 15 on a 2-core machine: `import boto3` 147 ms,
then the DynamoDB client 62 ms (Lambda's 97 ms), against 133 ms for hello-world's import and
first request (bench/coldstart.py); this module adds 2 ms to what the app imports anyway
(http.client, ssl, json, hashlib) and builds a client in 0.2 ms. End to end (one run,
interleaved), the web function's import and first page went from 4.2x to 2.9x hello-world's
on DynamoDB (moto; from 3.2x to 2.0x in CPU time) and from 3.3x to 1.9x on the data function.
boto3 builds its clients from service models loaded at run time, so no light part of it
exists; SigV4 signers for `requests` would add its import (35 ms) and still need the rules
below. So this does only what the two callers need: SigV4 (written against
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html and tested on its
published examples), JSON in and out, kept-alive connections, botocore's retry rules. No
pagination, waiters, models or parameter validation (DynamoDB answers a malformed request
with a ValidationException).

Configuration, as botocore reads it for these callers:
- credentials: the caller's, else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
  AWS_SESSION_TOKEN (how Lambda provides them), else botocore's provider chain (profiles,
  SSO, container and instance roles) when botocore is installed: only a machine without the
  variables imports it. None found: NoCredentials.
- region: the caller's (the storage URL's), else AWS_REGION, else AWS_DEFAULT_REGION, else
  botocore's configured region when botocore is installed. None: NoRegion.
- endpoint: the caller's (the URL's `endpoint_url`), else AWS_ENDPOINT_URL_<SERVICE> (e.g.
  AWS_ENDPOINT_URL_DYNAMODB), else AWS_ENDPOINT_URL, unless
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true; else https://SERVICE.REGION.amazonaws.com
  (.com.cn in China). Endpoints in ~/.aws/config are not read. AWS_CA_BUNDLE is honoured.

Connections: a pool per client (thread-safe: a request has a connection to itself; at most
MAX_IDLE kept). Before reusing one, the pool drops it if it was idle over IDLE_SECONDS or the
server has closed it (its socket reads as ready: EOF), so most stale connections go before
anything is sent on them. `connect_timeout` covers TCP and TLS, `read_timeout` each read
(the stores keep their former botocore Config: 3 s and 10 s for DynamoDB, 3 s and the URL's
`timeout` for Lambda).

Retries: botocore's "standard" mode (https://docs.aws.amazon.com/sdkref/latest/guide/
feature-retry-behavior.html), narrowed so that nothing that may have run runs twice. The
caller says whether a request is idempotent (repeating it changes neither the data nor the
answer). `max_attempts` counts every attempt (DynamoDB 4, Lambda 3); before attempt n+1 the
client sleeps random(0, 1) * min(scale * 2 ** (n - 1), 20) s, scale 1 s after throttling and
`transient_scale` otherwise (botocore's 25 ms for DynamoDB, 50 ms for Lambda), and at least
an x-amz-retry-after header's value (capped at 5 s more).
- Any request is retried when the connection could not be made or broke while the request
  was being sent (a server does not act on a request it has not wholly received), and on
  throttling (HTTP 429 or a code in THROTTLING_CODES: refused before anything was done).
- Only idempotent requests are retried after a connection that broke once the request was
  sent, a read timeout, HTTP 500/502/503/504 or a code in TRANSIENT_CODES, and a body that
  fails its x-amz-crc32: the request may have been carried out. A non-idempotent one (a
  conditional write, a counter increment, a Lambda invoke: it may carry writes) raises
  where botocore would have sent it again.
- An idempotent request whose reused keep-alive connection the server had closed (no
  response at all) is resent at once on a new connection, once per call, not counted as an
  attempt; a non-idempotent one raises (rare: the check before reuse catches most).
Not replicated: botocore's retry quota (a token bucket against retry storms in long-lived
multi-threaded clients; attempts here are bounded per call) and clock-skew correction.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import random
import select
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
IDLE_SECONDS = 50.0  # under the 60 s idle timeout usual on AWS front ends
MAX_IDLE = 10  # connections kept per client (botocore's max_pool_connections)
MAX_BACKOFF = 20.0
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException"})
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


# --- errors -------------------------------------------------------------------------------------
class AwsHttpError(Exception):
    """A request to AWS failed; subclasses say how."""


class NoCredentials(AwsHttpError):
    def __init__(self) -> None:
        super().__init__("Unable to locate credentials")


class NoRegion(AwsHttpError):
    def __init__(self) -> None:
        super().__init__("You must specify a region.")


class ServiceError(AwsHttpError):
    """The service answered with an error: `code` (e.g. "ResourceNotFoundException"), `message`,
    the HTTP `status` and the parsed JSON `document` (DynamoDB's CancellationReasons are there).
    """

    def __init__(self, code: str, message: str, status: int, document: Mapping[str, Any]) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code, self.message, self.status, self.document = code, message, status, document


class ConnectionFailed(AwsHttpError):
    """No (valid) response; `sent` is False when the server cannot have received the request,
    `stale` when a reused connection closed before any response (a kept-alive one gone idle).
    """

    def __init__(self, message: str, *, sent: bool, stale: bool = False) -> None:
        super().__init__(message)
        self.sent, self.stale = sent, stale


class ChecksumMismatch(AwsHttpError):
    """A response body did not match its x-amz-crc32 header."""


class Headers(Protocol):
    """Response headers: http.client's HTTPMessage (case-insensitive), or a dict in tests."""

    def get(self, name: str, /) -> Any: ...


def service_error(status: int, headers: Headers, body: bytes) -> ServiceError:
    """The error in a non-2xx response, from x-amzn-ErrorType or the JSON body's __type/code."""
    try:
        parsed = json.loads(body) if body else {}
    except ValueError:
        parsed = {}
    document: dict[str, Any] = parsed if isinstance(parsed, dict) else {}
    raw = headers.get("x-amzn-ErrorType") or document.get("__type") or document.get("code") or ""
    # "ResourceNotFoundException:http://internal..." (header), "com.amazonaws...#Code" (body)
    code = str(raw).partition(":")[0].rpartition("#")[2] or str(status)
    message = document.get("message") or document.get("Message") or ""
    return ServiceError(code, str(message), status, document)


# --- credentials, region, endpoint ----------------------------------------------------------------
@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)


class CredentialChain(Protocol):
    """A boto3 or botocore session (anything with botocore's `get_credentials`)."""

    def get_credentials(self) -> Any: ...


CredentialSource = Callable[[], Credentials]


def environ_credentials(environ: Mapping[str, str]) -> Credentials | None:
    key, secret = environ.get("AWS_ACCESS_KEY_ID"), environ.get("AWS_SECRET_ACCESS_KEY")
    if not key or not secret:
        return None
    return Credentials(key, secret, environ.get("AWS_SESSION_TOKEN") or None)


def chain_credentials(chain: CredentialChain | None = None) -> CredentialSource | None:
    """Credentials from `chain`, else botocore's default chain (None if botocore is missing)."""
    if chain is None:
        try:
            import botocore.session  # only without credentials in the environment
        except ImportError:
            return None
        chain = botocore.session.get_session()
    found = chain.get_credentials()
    if found is None:
        return None

    def current() -> Credentials:  # refreshed by botocore when they expire
        frozen = found.get_frozen_credentials()
        return Credentials(str(frozen.access_key), str(frozen.secret_key), frozen.token or None)

    return current


def find_region(region: str | None, environ: Mapping[str, str]) -> str:
    found = region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if not found:
        try:
            import botocore.session  # only without a region in the URL or the environment
        except ImportError:
            raise NoRegion() from None
        found = botocore.session.get_session().get_config_variable("region")
    if not found:
        raise NoRegion()
    return str(found)


def find_endpoint(
    service: str, region: str, endpoint_url: str | None, environ: Mapping[str, str]
) -> str:
    if endpoint_url:
        return endpoint_url
    if environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() != "true":
        configured = environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or environ.get(
            "AWS_ENDPOINT_URL"
        )
        if configured:
            return configured
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{service}.{region}.{domain}"


# --- Signature Version 4 --------------------------------------------------------------------------
def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def canonical_request(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    payload_hash: str,
) -> tuple[str, str]:
    """(canonical request, signed header names) for a request to `path` (as sent, encoded).

    Every service but S3 encodes the path once more for signing; query names and values
    are encoded and sorted; header values are trimmed, inner runs of spaces made one.
    """
    canonical_query = "&".join(
        f"{name}={value}"
        for name, value in sorted((quote(n, safe="-_.~"), quote(v, safe="-_.~")) for n, v in query)
    )
    folded: dict[str, list[str]] = {}
    for name, value in headers.items():
        folded.setdefault(name.lower(), []).append(" ".join(value.split()))
    names = sorted(folded)
    lines = "".join(f"{name}:{','.join(folded[name])}\n" for name in names)
    signed = ";".join(names)
    request = "\n".join(
        [method, quote(path, safe="/~"), canonical_query, lines, signed, payload_hash]
    )
    return request, signed


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(f"AWS4{secret_key}".encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def sign(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: MutableMapping[str, str],
    body: bytes,
    credentials: Credentials,
    region: str,
    service: str,
    amz_date: str,
) -> None:
    """Add X-Amz-Date, X-Amz-Security-Token (if any) and Authorization to `headers` (which
    hold Host and every other header to sign); `amz_date` is like 20150830T123600Z (UTC)."""
    headers["X-Amz-Date"] = amz_date
    if credentials.token:
        headers["X-Amz-Security-Token"] = credentials.token
    payload_hash = hashlib.sha256(body).hexdigest()
    request, signed = canonical_request(method, path, query, headers, payload_hash)
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = f"{ALGORITHM}\n{amz_date}\n{scope}\n{hashlib.sha256(request.encode()).hexdigest()}"
    key = signing_key(credentials.secret_key, amz_date[:8], region, service)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed}, Signature={signature}"
    )


# --- connections ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class _Pool:
    """Idle keep-alive connections to one host, most recently used first."""

    def __init__(self, url: str, connect_timeout: float, read_timeout: float) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.https else 80)
        default_port = parts.port is None or parts.port == (443 if self.https else 80)
        self.host_header = parts.netloc if not default_port else self.host
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self._idle: list[tuple[http.client.HTTPConnection, float]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._context: Any = None

    def take(self) -> tuple[http.client.HTTPConnection, bool]:
        """A connection (and whether it served a request before); not connected if new."""
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._idle:
                    break
                connection, since = self._idle.pop()
            if now - since <= IDLE_SECONDS and _still_open(connection):
                return connection, True
            connection.close()
        if self.https:
            if self._context is None:
                import ssl

                self._context = ssl.create_default_context(
                    cafile=os.environ.get("AWS_CA_BUNDLE") or None
                )
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=self.connect_timeout, context=self._context
            ), False
        return http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout), False

    def give(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < MAX_IDLE:
                self._idle.append((connection, time.monotonic()))
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.close()


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """Whether an idle connection can carry a request: nothing to read (no EOF, no data)."""
    sock = connection.sock
    if sock is None:
        return False
    pending = getattr(sock, "pending", None)  # bytes decrypted but unread (TLS)
    if pending is not None and pending():
        return False
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return not poller.poll(0)
        readable, _, _ = select.select([sock], [], [], 0)
        return not readable
    except (OSError, ValueError):
        return False


# --- the client -----------------------------------------------------------------------------------
class AwsClient:
    """Signed requests to one AWS service in one region; thread-safe.

    Construction resolves credentials, region and endpoint (module docstring) and connects
    nothing. `on_call` functions get each call's operation name (once per call, retries
    not counted); `calls` counts calls.
    """

    def __init__(
        self,
        service: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        connect_timeout: float,
        read_timeout: float,
        max_attempts: int,
        transient_scale: float,
        target_prefix: str = "",
        credentials: Credentials | CredentialSource | None = None,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        env = os.environ if environ is None else environ
        if credentials is None:
            credentials = environ_credentials(env) or chain_credentials()
        if credentials is None:
            raise NoCredentials()
        self._credentials = credentials
        self.service = service
        self.region = find_region(region, env)
        self.endpoint_url = find_endpoint(service, self.region, endpoint_url, env).rstrip("/")
        self._base_path = urlsplit(self.endpoint_url).path
        self.max_attempts = max_attempts
        self.transient_scale = transient_scale
        self.target_prefix = target_prefix
        self.sleep = sleep
        self.on_call: list[Callable[[str], None]] = []
        self.calls = 0
        self._count = threading.Lock()
        self._pool = _Pool(self.endpoint_url, connect_timeout, read_timeout)
        weakref.finalize(self, self._pool.close)  # a client dropped unclosed closes its sockets

    def credentials(self) -> Credentials:
        given = self._credentials
        return given if isinstance(given, Credentials) else given()

    def call(self, operation: str, params: Mapping[str, Any], *, idempotent: bool) -> Any:
        """One call of a JSON-protocol API (DynamoDB): POST / with X-Amz-Target, JSON back."""
        body = json.dumps(params, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"{self.target_prefix}.{operation}",
        }
        response = self.send("POST", "/", body, headers, operation=operation, idempotent=idempotent)
        return json.loads(response.body) if response.body else {}

    def send(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        operation: str,
        idempotent: bool,
    ) -> Response:
        """Send one request (retried as the module says); ServiceError on an error status."""
        with self._count:
            self.calls += 1
        for listener in self.on_call:
            listener(operation)
        attempt, resent = 0, False
        while True:
            attempt += 1
            throttled, response = False, None
            try:
                response = self._exchange(method, path, body, headers)
            except ConnectionFailed as exc:
                if exc.stale and idempotent and not resent:
                    resent, attempt = True, attempt - 1
                    continue
                error: AwsHttpError = exc
                retry = not exc.sent or idempotent
            else:
                if 200 <= response.status < 300:
                    if _checksum_matches(response):
                        return response
                    error = ChecksumMismatch(f"{operation}: the response failed its CRC32 check")
                    retry = idempotent
                else:
                    error = service_error(response.status, response.headers, response.body)
                    throttled = response.status == 429 or error.code in THROTTLING_CODES
                    transient = (
                        response.status in TRANSIENT_STATUSES or error.code in TRANSIENT_CODES
                    )
                    retry = throttled or (transient and idempotent)
            if not retry or attempt >= self.max_attempts:
                raise error
            self.sleep(self._backoff(attempt, throttled, response))

    def _backoff(self, attempt: int, throttled: bool, response: Response | None) -> float:
        scale = 1.0 if throttled else self.transient_scale
        delay = random.random() * min(scale * 2.0 ** (attempt - 1), MAX_BACKOFF)  # noqa: S311
        after: str = (response.headers.get("x-amz-retry-after") or "") if response else ""
        if after.isdigit():  # milliseconds
            delay = max(delay, min(int(after) / 1000, delay + 5))
        return delay

    def _exchange(self, method: str, path: str, body: bytes, extra: Mapping[str, str]) -> Response:
        pool = self._pool
        url = f"{self.endpoint_url}{path}"
        full_path = f"{self._base_path}{path}"
        headers = {"Host": pool.host_header, **extra}
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        credentials = self.credentials()
        sign(method, full_path, (), headers, body, credentials, self.region, self.service, amz_date)
        headers["User-Agent"] = "recipebox-aws-http"
        connection, reused = pool.take()
        if not reused:
            try:
                connection.connect()
            except TimeoutError:
                connection.close()
                raise ConnectionFailed(
                    f'Connect timeout on endpoint URL: "{url}"', sent=False
                ) from None
            except OSError:
                connection.close()
                raise ConnectionFailed(
                    f'Could not connect to the endpoint URL: "{url}"', sent=False
                ) from None
            assert connection.sock is not None
            connection.sock.settimeout(pool.read_timeout)
        try:
            connection.request(method, full_path, body=body, headers=headers)
        except (OSError, http.client.HTTPException):
            connection.close()
            raise ConnectionFailed(
                f'Connection was closed while sending to endpoint URL: "{url}"', sent=False
            ) from None
        try:
            answer = connection.getresponse()
        except TimeoutError:
            connection.close()
            raise ConnectionFailed(f'Read timeout on endpoint URL: "{url}"', sent=True) from None
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            # RemoteDisconnected (EOF before a status line) is a ConnectionResetError too.
            stale = reused and isinstance(exc, ConnectionResetError)
            raise ConnectionFailed(_closed(url), sent=True, stale=stale) from None
        try:
            data = answer.read()
        except TimeoutError:
            connection.close()
            raise ConnectionFailed(f'Read timeout on endpoint URL: "{url}"', sent=True) from None
        except (OSError, http.client.HTTPException):
            connection.close()
            raise ConnectionFailed(_closed(url), sent=True) from None
        if answer.will_close:
            connection.close()
        else:
            pool.give(connection)
        return Response(answer.status, answer.headers, data)

    def close(self) -> None:
        """Close the idle connections (ones in use close when their request is done)."""
        self._pool.close()


def _closed(url: str) -> str:
    return f'Connection was closed before we received a valid response from endpoint URL: "{url}".'


def _checksum_matches(response: Response) -> bool:
    """DynamoDB sends the CRC32 of the body in x-amz-crc32 (botocore retries a mismatch)."""
    expected = response.headers.get("x-amz-crc32")
    return expected is None or not expected.isdigit() or int(expected) == zlib.crc32(response.body)
