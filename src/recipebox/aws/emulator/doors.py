"""Front doors: one real HTTP request in, the event that front door would send out, and back.

Each door answers three questions the way AWS does: is this URL mine (else API Gateway's own
refusal), what event does the function get (built by ``recipebox.aws.events``), and what HTTP
response does the function's result become.

- REST API: serves ``/{stage}/...`` (``/{base_path}/...`` on a custom domain); anything else
  gets ``403 {"message":"Forbidden"}``, as for a wrong stage. ``path`` lacks the stage and
  stays percent-encoded; ``requestContext.path`` has it. Request bodies whose Content-Type
  matches the API's ``binaryMediaTypes`` (default ``*/*``, which binary responses need) arrive
  base64; base64 results are decoded when the request's Accept or the result's Content-Type
  matches them too. ``headers`` and ``multiValueHeaders`` of a result are merged.
- HTTP API (payload 2.0): serves ``/{stage}/...`` for a named stage (in ``rawPath``, decoded),
  everything for ``$default``; anything else gets ``404 {"message":"Not Found"}``. Cookies move
  into ``cookies``; a result without ``statusCode`` is a 200 JSON body.
- Function URL: like 2.0 on a ``*.lambda-url.*`` host, with no stage and an encoded rawPath.
- ALB: single-value (last value of each name) or multi-value per the target group option;
  query values stay percent-encoded; the result must use the matching headers field.
Text bodies (``text/*``, JSON, XML, forms, no Content-Encoding) travel as text, others base64.
Every door adds X-Forwarded-For/-Port/-Proto describing the local connection (``http``), and
keeps the browser's Host, so the app builds links to the emulator, not to AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any, ClassVar, Final
from urllib.parse import parse_qs, unquote

from recipebox.aws import events
from recipebox.aws.emulator.exchange import (
    Reply,
    Request,
    after,
    event_body,
    grouped,
    json_reply,
    result_body,
    status_code,
    text_body,
    text_reply,
    utf8,
    with_forwarded,
)

Event = dict[str, Any]

SHAPES: Final = ("rest", "http", "url", "alb")
CUSTOM_DOMAIN: Final = "recipes.example.com"


class FrontDoor:
    """A front door: which URLs it serves, the event it sends, the response it makes."""

    shape: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, *, stage: str = "", base_path: str = "") -> None:
        self.stage = stage  # "" when the front door has no stages
        self.base_path = base_path  # "/api": a custom domain's mapping or a listener rule
        # Where the site lives in the URL: the base path, or a stage that appears in it.
        self.prefix = base_path or (f"/{stage}" if stage and stage != "$default" else "")

    def summary(self) -> str:
        """Say what is emulated: "API Gateway REST API, stage dev"."""
        stage = f", stage {self.stage}" if self.stage else ""
        mapped = f", base path {self.base_path}" if self.base_path else ""
        return f"{self.description}{stage}{mapped}"

    def refuse(self, path: str) -> Reply | None:
        """The front door's own answer to a URL outside its prefix (None: pass it on)."""
        return None if after(path, self.prefix) is not None else self.not_mine()

    def not_mine(self) -> Reply:
        return json_reply(404, {"message": "Not Found"})

    def failure(self) -> Reply:
        """The answer when the function fails or returns something unusable."""
        return json_reply(500, {"message": "Internal Server Error"})

    def too_large(self) -> Reply:
        return json_reply(413, {"message": "Request Entity Too Large"})

    def event(self, request: Request, request_id: str) -> Event:
        raise NotImplementedError

    def reply(self, result: Any, request: Request) -> Reply:
        raise NotImplementedError


class RestApi(FrontDoor):
    """API Gateway REST API, Lambda proxy integration (payload 1.0)."""

    shape = "rest"
    description = "API Gateway REST API"

    def __init__(
        self, stage: str, base_path: str = "", binary_media_types: Iterable[str] = ("*/*",)
    ) -> None:
        super().__init__(stage=stage, base_path=base_path)
        self.binary_media_types = tuple(t.strip().lower() for t in binary_media_types)

    def binary(self, content_type: str | None) -> bool:
        mime = (content_type or "").partition(";")[0].strip().lower()
        return any(fnmatchcase(mime, pattern) for pattern in self.binary_media_types)

    def not_mine(self) -> Reply:
        return json_reply(
            403, {"message": "Forbidden"}, [("x-amzn-ErrorType", "ForbiddenException")]
        )

    def failure(self) -> Reply:
        return json_reply(502, {"message": "Internal server error"})

    def event(self, request: Request, request_id: str) -> Event:
        raw_path, raw_query = request.path_and_query()
        # On a custom domain the base path stays in `path`; on execute-api the stage leaves it.
        path = raw_path if self.base_path else (after(raw_path, self.prefix) or "/")
        text = not self.binary(request.header("content-type")) and utf8(request.body)
        body, b64 = event_body(request, text)
        return events.rest_event(
            method=request.method,
            path=path,
            stage=self.stage,
            host=CUSTOM_DOMAIN if self.base_path else events.REST_HOST,
            request_path=raw_path,
            headers=grouped(with_forwarded(request), lower=False),
            query=parse_qs(raw_query, keep_blank_values=True) or None,
            body=body,
            b64=b64,
            source_ip=request.client_ip,
            request_id=request_id,
            epoch_ms=request.epoch_ms,
            user_agent=request.header("user-agent") or "",
        )

    def reply(self, result: Any, request: Request) -> Reply:
        status = status_code(result)
        if status is None:
            return self.failure()
        multi = result.get("multiValueHeaders") or {}
        headers = [(name, str(v)) for name, values in multi.items() for v in values or ()]
        # A name in both fields keeps only its multiValueHeaders values.
        headers += [(k, str(v)) for k, v in (result.get("headers") or {}).items() if k not in multi]
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        # Base64 becomes binary only when binaryMediaTypes match Accept or the Content-Type.
        decode = self.binary(request.header("accept")) or self.binary(content_type)
        return Reply(status, headers, result_body(result, decode))


class HttpApi(FrontDoor):
    """API Gateway HTTP API, payload 2.0."""

    shape = "http"
    description = "API Gateway HTTP API"
    host = events.HTTP_HOST
    encoded_path = False  # HTTP APIs decode the path

    def __init__(self, stage: str = "$default", base_path: str = "") -> None:
        super().__init__(stage=stage, base_path=base_path)

    def event(self, request: Request, request_id: str) -> Event:
        raw_path, raw_query = request.path_and_query()
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for name, values in grouped(with_forwarded(request), lower=True).items():
            if name == "cookie":
                cookies += [c.strip() for v in values for c in v.split(";") if c.strip()]
            else:
                headers[name] = ",".join(values)
        body, b64 = event_body(request, text_body(request))
        return events.http_v2_event(
            method=request.method,
            raw_path=raw_path if self.encoded_path else unquote(raw_path),
            raw_query=raw_query,
            stage=self.stage or "$default",
            host=self.host,
            headers=headers,
            cookies=cookies or None,
            body=body,
            b64=b64,
            source_ip=request.client_ip,
            request_id=request_id,
            epoch_ms=request.epoch_ms,
            user_agent=request.header("user-agent") or "",
        )

    def reply(self, result: Any, request: Request) -> Reply:
        if not isinstance(result, dict) or "statusCode" not in result:
            # Payload 2.0 format inference: anything else is a 200 JSON body.
            body = result if isinstance(result, str) else json.dumps(result)
            return text_reply(200, body, "application/json")
        status = status_code(result)
        if status is None:
            return self.failure()
        headers = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
        headers += [("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or ()]
        return Reply(status, headers, result_body(result))


class FunctionUrl(HttpApi):
    """A Lambda Function URL (payload 2.0, no stage)."""

    shape = "url"
    description = "Lambda Function URL"
    host = events.URL_HOST
    encoded_path = True  # Function URLs keep the percent-encoding

    def __init__(self) -> None:
        super().__init__()

    def failure(self) -> Reply:
        return text_reply(502, "Internal Server Error")


class LoadBalancer(FrontDoor):
    """An Application Load Balancer with a Lambda target group."""

    shape = "alb"
    description = "Application Load Balancer"

    def __init__(self, base_path: str = "", multi_value: bool = False) -> None:
        super().__init__(base_path=base_path)
        self.multi_value = multi_value

    def not_mine(self) -> Reply:  # the listener's default action
        return text_reply(404, "Not Found")

    def failure(self) -> Reply:
        page = (
            "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"
        )
        return text_reply(502, page, "text/html")

    def event(self, request: Request, request_id: str) -> Event:
        raw_path, raw_query = request.path_and_query()
        query: dict[str, list[str]] = {}
        for pair in filter(None, raw_query.split("&")):
            name, _, value = pair.partition("=")
            query.setdefault(name, []).append(value)  # still percent-encoded, as ALB sends it
        body, b64 = event_body(request, text_body(request))
        return events.alb_event(
            method=request.method,
            path=raw_path,
            multi_value=self.multi_value,
            query=query,
            headers=grouped(with_forwarded(request), lower=True),
            body=body,
            b64=b64,
        )

    def reply(self, result: Any, request: Request) -> Reply:
        status = status_code(result)
        if status is None:
            return self.failure()
        # ALB reads only the headers field matching its multi-value setting.
        if self.multi_value:
            multi = result.get("multiValueHeaders") or {}
            headers = [(name, str(v)) for name, values in multi.items() for v in values or ()]
        else:
            headers = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
        reason = str(result.get("statusDescription") or "").partition(" ")[2]
        return Reply(status, headers, result_body(result), reason)


def front_door(
    shape: str,
    *,
    stage: str | None = None,
    base_path: str | None = None,
    multi_value: bool = False,
    binary_media_types: Iterable[str] = ("*/*",),
) -> FrontDoor:
    """Return the front door for shape ("rest", "http", "url", "alb"), checking the options.

    stage defaults to "dev" for the API Gateway shapes; base_path emulates a custom domain's
    base-path mapping (REST, HTTP API) or an ALB listener rule's path prefix.
    """
    prefix = "/" + base_path.strip("/") if base_path and base_path.strip("/") else ""
    if shape in ("url", "alb") and stage is not None:
        raise ValueError(f"--stage: a {shape!r} front door has no stages")
    if shape != "alb" and multi_value:
        raise ValueError("multi-value headers are an ALB target group option")
    if shape == "rest":
        return RestApi(stage or "dev", prefix, binary_media_types)
    if shape == "http":
        return HttpApi(stage or "dev", prefix)
    if shape == "url":
        if prefix:
            raise ValueError("--base-path: Function URLs have no base-path mappings")
        return FunctionUrl()
    if shape == "alb":
        return LoadBalancer(prefix, multi_value)
    raise ValueError(f"unknown front door {shape!r}; use one of: {', '.join(SHAPES)}")
