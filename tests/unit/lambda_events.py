"""Build Lambda HTTP events from keywords, as AWS documents each front door; record WSGI calls."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

REST_HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
HTTP_HOST = "xyz789.execute-api.eu-west-1.amazonaws.com"
URL_HOST = "fnurl42.lambda-url.eu-west-1.on.aws"
ALB_HOST = "recipes-alb-123.eu-west-1.elb.amazonaws.com"
CLIENT_IP = "198.51.100.7"


def _body(body: str | bytes | None, b64: bool) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    if b64:
        raw = body if isinstance(body, bytes) else body.encode()
        return base64.b64encode(raw).decode(), True
    assert isinstance(body, str)
    return body, False


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
    headers: dict[str, list[str]] | None = None,
    query: dict[str, list[str]] | None = None,
    multi_value: bool = True,
    body: str | bytes | None = None,
    b64: bool = False,
    source_ip: str = CLIENT_IP,
) -> dict[str, Any]:
    """Return a REST API proxy event (no version field).

    request_path is requestContext.path: on the execute-api host it carries the stage, on a
    custom domain it equals path (the default follows the host).
    """
    if request_path is None:
        request_path = f"/{stage}{path}" if host.endswith(".amazonaws.com") else path
    multi_headers = {k: [v] for k, v in _forwarded(host, source_ip).items()}
    multi_headers.update(headers or {})
    text, encoded = _body(body, b64)
    event: dict[str, Any] = {
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
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": source_ip, "userAgent": "pytest"},
            "apiId": "abc123",
        },
        "body": text,
        "isBase64Encoded": encoded,
    }
    if multi_value:
        event["multiValueHeaders"] = multi_headers
        event["multiValueQueryStringParameters"] = query or None
    return event


def console_test_event(*, path: str = "/recipes/", method: str = "GET") -> dict[str, Any]:
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
    headers: dict[str, list[str]] | None = None,
    query: dict[str, list[str]] | None = None,
    body: str | bytes | None = None,
    b64: bool = False,
    source_ip: str = CLIENT_IP,
) -> dict[str, Any]:
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


def http_v2_event(
    *,
    method: str = "GET",
    raw_path: str = "/",
    raw_query: str = "",
    stage: str = "$default",
    host: str = HTTP_HOST,
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: str | bytes | None = None,
    b64: bool = False,
    source_ip: str = CLIENT_IP,
) -> dict[str, Any]:
    """Return an HTTP API payload 2.0 event; raw_path is sent as given (stage included)."""
    all_headers = {k.lower(): v for k, v in _forwarded(host, source_ip).items()}
    all_headers.update(headers or {})
    text, encoded = _body(body, b64)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": host.split(".")[0],
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": method,
                # AWS drops a trailing slash here; rawPath keeps it.
                "path": raw_path.rstrip("/") or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": "pytest",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": stage,
            "time": "10/Mar/2024:13:40:52 +0000",
            "timeEpoch": 1710078052000,
        },
        "isBase64Encoded": encoded,
    }
    if cookies is not None:
        event["cookies"] = cookies
    if text is not None:
        event["body"] = text
    return event


def function_url_event(**keywords: Any) -> dict[str, Any]:
    """Return a Lambda Function URL event: payload 2.0 on a *.lambda-url.* host."""
    keywords.setdefault("host", URL_HOST)
    return http_v2_event(**keywords)


def alb_event(
    *,
    method: str = "GET",
    path: str = "/",
    multi_value: bool = False,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, list[str]] | None = None,
    host: str = ALB_HOST,
    forwarded_for: str = "203.0.113.9",
    proto: str = "https",
    body: str | bytes | None = None,
    b64: bool = False,
) -> dict[str, Any]:
    """Return an ALB event; query values are given still percent-encoded, as ALB sends them."""
    port = "443" if proto == "https" else "80"
    all_headers = {
        "host": [host],
        "x-forwarded-for": [forwarded_for],
        "x-forwarded-port": [port],
        "x-forwarded-proto": [proto],
    }
    all_headers.update(headers or {})
    text, encoded = _body(body, b64)
    event: dict[str, Any] = {
        "requestContext": {
            "elb": {
                "targetGroupArn": (
                    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/recipes/6d0ecf"
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
        event["multiValueQueryStringParameters"] = query or {}
    else:
        event["headers"] = {k: v[-1] for k, v in all_headers.items()}
        event["queryStringParameters"] = {k: v[-1] for k, v in (query or {}).items()}
    return event


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
