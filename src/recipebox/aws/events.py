"""Build Lambda HTTP events from keywords, as each front door sends them.

One place knows the event shapes: the adapter's tests build their cases with these functions,
and the local emulator (``recipebox lambda serve``) builds every request's event with them.

Facts behind the shapes (see also ``recipebox.aws.lambda_http``):
- REST API (payload 1.0, no ``version``): ``path`` lacks the stage, ``requestContext.path``
  carries it; ``headers``/``queryStringParameters`` keep the last value of each name next to
  the ``multiValue*`` lists; query values arrive decoded.
- HTTP API payload 2.0 and Function URLs: lowercase header names, repeated headers joined with
  commas, cookies moved into a ``cookies`` list, ``rawQueryString`` as sent plus decoded
  ``queryStringParameters`` (repeated values comma-joined); ``requestContext.http.path`` drops
  a trailing slash that ``rawPath`` keeps.
- ALB: no ``version``, ``requestContext.elb``; query values still percent-encoded; either the
  single-value pair (last value of each name) or the multi-value pair, per target group.
Given headers replace the default ones of the same name, whatever its letter case.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl

REST_HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
HTTP_HOST = "xyz789.execute-api.eu-west-1.amazonaws.com"
URL_HOST = "fnurl42.lambda-url.eu-west-1.on.aws"
ALB_HOST = "recipes-alb-123.eu-west-1.elb.amazonaws.com"
CLIENT_IP = "198.51.100.7"
ACCOUNT_ID = "123456789012"
EPOCH_MS = 1710078052000  # the request time of built events, unless given


def _request_time(epoch_ms: int) -> str:
    """Format a request time as API Gateway does: 10/Mar/2024:13:40:52 +0000."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


Event = dict[str, Any]
V = TypeVar("V")


def _body(body: str | bytes | None, b64: bool) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    if b64:
        raw = body if isinstance(body, bytes) else body.encode()
        return base64.b64encode(raw).decode(), True
    if isinstance(body, bytes):
        return body.decode(), False
    return body, False


def _merged(defaults: dict[str, V], given: Mapping[str, V] | None) -> dict[str, V]:
    """Return defaults updated by given; a given name replaces a default in any letter case."""
    if not given:
        return defaults
    names = {name.lower() for name in given}
    merged = {name: value for name, value in defaults.items() if name.lower() not in names}
    merged.update(given)
    return merged


def _forwarded(host: str, source_ip: str) -> dict[str, str]:
    return {
        "Host": host,
        "X-Forwarded-For": source_ip,
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }


def rest_event(
    *,
    method: str = "GET",
    path: str = "/",
    stage: str = "dev",
    host: str = REST_HOST,
    request_path: str | None = None,
    headers: Mapping[str, list[str]] | None = None,
    query: Mapping[str, list[str]] | None = None,
    multi_value: bool = True,
    body: str | bytes | None = None,
    b64: bool = False,
    source_ip: str = CLIENT_IP,
    request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    epoch_ms: int = EPOCH_MS,
    user_agent: str = "pytest",
) -> Event:
    """Return a REST API proxy event (no version field).

    host is requestContext.domainName and the default Host header. request_path is
    requestContext.path: on the execute-api host it carries the stage, on a custom domain it
    equals path (the default follows the host).
    """
    if request_path is None:
        request_path = f"/{stage}{path}" if host.endswith(".amazonaws.com") else path
    defaults = {k: [v] for k, v in _forwarded(host, source_ip).items()}
    multi_headers = _merged(defaults, headers)
    text, encoded = _body(body, b64)
    event: Event = {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        # API Gateway keeps the last value of each header here.
        "headers": {k: v[-1] for k, v in multi_headers.items() if v},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "a1b2c3",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": request_path,
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "requestId": request_id,
            "extendedRequestId": request_id[:16],
            "requestTime": _request_time(epoch_ms),
            "requestTimeEpoch": epoch_ms,
            "identity": {"sourceIp": source_ip, "userAgent": user_agent},
            "apiId": "abc123",
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
    if multi_value:
        event["multiValueHeaders"] = multi_headers
        event["multiValueQueryStringParameters"] = dict(query) if query else None
    return event


def console_test_event(*, path: str = "/recipes/", method: str = "GET") -> Event:
    """Return what the API Gateway console "Test" button sends: null headers and queries."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": None,
        "multiValueHeaders": None,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "stage": "test-invoke-stage",
            "domainName": "testPrefix.testDomainName",
            "domainPrefix": "testPrefix",
            "identity": {"sourceIp": "test-invoke-source-ip", "userAgent": "aws-internal/3"},
            "apiId": "abc123",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def http_v1_event(
    *,
    method: str = "GET",
    path: str = "/",
    stage: str = "$default",
    host: str = HTTP_HOST,
    headers: Mapping[str, list[str]] | None = None,
    query: Mapping[str, list[str]] | None = None,
    body: str | bytes | None = None,
    b64: bool = False,
    source_ip: str = CLIENT_IP,
) -> Event:
    """Return an HTTP API payload 1.0 event; path carries a named stage, as AWS sends it."""
    event = rest_event(
        method=method,
        path=path,
        stage=stage,
        host=host,
        request_path=path,
        headers=headers,
        query=query,
        body=body,
        b64=b64,
        source_ip=source_ip,
    )
    event["version"] = "1.0"
    return event


def query_parameters(raw_query: str) -> dict[str, str]:
    """Return payload 2.0's queryStringParameters: decoded, repeated values comma-joined."""
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        params[name] = f"{params[name]},{value}" if name in params else value
    return params


def http_v2_event(
    *,
    method: str = "GET",
    raw_path: str = "/",
    raw_query: str = "",
    stage: str = "$default",
    host: str = HTTP_HOST,
    headers: Mapping[str, str] | None = None,
    cookies: list[str] | None = None,
    body: str | bytes | None = None,
    b64: bool = False,
    source_ip: str = CLIENT_IP,
    request_id: str = "JKJaXmPLvHcESHA=",
    epoch_ms: int = EPOCH_MS,
    user_agent: str = "pytest",
) -> Event:
    """Return an HTTP API payload 2.0 event; raw_path is sent as given (stage included)."""
    defaults = {k.lower(): v for k, v in _forwarded(host, source_ip).items()}
    text, encoded = _body(body, b64)
    event: Event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": _merged(defaults, headers),
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": host.split(".")[0],
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": method,
                # AWS drops a trailing slash here; rawPath keeps it.
                "path": raw_path.rstrip("/") or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": user_agent,
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": stage,
            "time": _request_time(epoch_ms),
            "timeEpoch": epoch_ms,
        },
        "isBase64Encoded": encoded,
    }
    if cookies is not None:
        event["cookies"] = cookies
    if raw_query:
        event["queryStringParameters"] = query_parameters(raw_query)
    if text is not None:
        event["body"] = text
    return event


def function_url_event(**keywords: Any) -> Event:
    """Return a Lambda Function URL event: payload 2.0 on a *.lambda-url.* host."""
    keywords.setdefault("host", URL_HOST)
    return http_v2_event(**keywords)


def alb_event(
    *,
    method: str = "GET",
    path: str = "/",
    multi_value: bool = False,
    query: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, list[str]] | None = None,
    host: str = ALB_HOST,
    forwarded_for: str = "203.0.113.9",
    proto: str = "https",
    body: str | bytes | None = None,
    b64: bool = False,
) -> Event:
    """Return an ALB event; query values are given still percent-encoded, as ALB sends them."""
    port = "443" if proto == "https" else "80"
    defaults = {
        "host": [host],
        "x-forwarded-for": [forwarded_for],
        "x-forwarded-port": [port],
        "x-forwarded-proto": [proto],
    }
    all_headers = _merged(defaults, headers)
    text, encoded = _body(body, b64)
    event: Event = {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT_ID}:targetgroup/recipes/6d0ecf"
                )
            }
        },
        "httpMethod": method,
        "path": path,
        "body": text or "",
        "isBase64Encoded": encoded,
    }
    if multi_value:
        event["multiValueHeaders"] = all_headers
        event["multiValueQueryStringParameters"] = dict(query) if query else {}
    else:
        # Without multi-value support ALB keeps the last value of each name.
        event["headers"] = {k: v[-1] for k, v in all_headers.items() if v}
        event["queryStringParameters"] = {k: v[-1] for k, v in (query or {}).items() if v}
    return event
