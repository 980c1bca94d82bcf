"""Serve any WSGI application (PEP 3333) from AWS Lambda behind its HTTP front doors.

``make_handler(app)`` returns ``handler(event, context)``, the Lambda entry point. Only the
standard library is used; no recipebox module is imported.

Detection is explicit, on the event's shape: the payload version alone is not enough, because
VPC Lattice v2 events also say ``"version": "2.0"``.

==============  ========================================  ========  ============================
front door      recognised by                             path      stage prefix (SCRIPT_NAME)
==============  ========================================  ========  ============================
REST API        ``httpMethod``, ``path``, no ``version``  encoded   requestContext.path - path
HTTP API 1.0    ``httpMethod``, ``version`` "1.0"         decoded   ``/{stage}`` leading path
HTTP API 2.0    ``version`` "2.0", requestContext.http    decoded   ``/{stage}`` leading rawPath
Function URL    as 2.0, domainName ``*.lambda-url.*``     encoded   none
ALB             requestContext.elb, ``httpMethod``        encoded   none
==============  ========================================  ========  ============================

Responses: 2.0 shapes get ``headers`` plus a ``cookies`` list (repeated headers collapse
there). REST, HTTP API 1.0 and ALB answer in the form of the request: ``multiValueHeaders``
when the event has that key (REST and HTTP API 1.0 events always do; ALB when its target group
enables it), else ``headers``, where each further Set-Cookie gets a differently cased name
(``set-Cookie``, ``SEt-Cookie``, ...) because a dict holds one value per name. ALB also gets
``statusDescription`` ("200 OK"). Every Set-Cookie is delivered exactly once.

The handler raises one exception, and only for an event that is no HTTP request:
``UnsupportedEvent``, a ``ValueError`` whose ``source`` names what was recognised and whose
message lists the top-level keys (SQS/SNS/S3/DynamoDB/Kinesis Records, EventBridge, CloudWatch
Logs, API Gateway authorizers, VPC Lattice, ``{}``, a non-dict). Every other event gets a
result in its front door's form, whatever its fields hold:

- a body that claims base64 but is not, or fields AWS never sends (a number, list or null where
  a string goes, an unpaired surrogate such as JSON's ``"\\ud800"``, a path not starting with
  ``/``): ``400 Bad Request`` (text/plain, saying what is wrong) without calling the app;
- an exception from the app, or a result over Lambda's size limit: ``500`` (below).

Whatever the event holds, the app gets a PEP 3333 environ: native strings of latin-1 code
points, ``wsgi.url_scheme`` ``http`` or ``https`` and a numeric SERVER_PORT (X-Forwarded-Proto
and -Port values that are neither are ignored).

Mount point (SCRIPT_NAME / PATH_INFO), so that ``url_for`` and redirects keep the URL the
browser used:

- REST API on its ``execute-api`` host: ``path`` lacks the stage that the URL carries; the
  prefix is ``requestContext.path`` minus ``path`` (``/dev``). On a custom domain the two are
  equal and SCRIPT_NAME is empty.
- HTTP API named stage: the path starts with ``/{stage}``, moved once into SCRIPT_NAME, only
  when the path really starts with ``/{stage}/`` or equals ``/{stage}``.
- HTTP API ``$default`` stage, Function URLs, ALB: SCRIPT_NAME is empty, never ``/$default``.
- ``base_path="api"``: a custom-domain base-path mapping; when no stage prefix was detected and
  the path starts with ``/api``, that segment moves into SCRIPT_NAME.
- ``script_name="/x"``: overrides all detection (``""`` too, e.g. behind CloudFront hiding the
  stage); removed from PATH_INFO when the path starts with it.

PATH_INFO is the decoded path's UTF-8 bytes read as latin-1 (PEP 3333), header values too.
``rawPath`` is read because ``requestContext.http.path`` drops a trailing slash. QUERY_STRING
is ``rawQueryString`` (2.0), the urlencoded multi-value parameters (1.0) or ALB's parameters
joined as they came (ALB does not decode them). Header names containing ``_`` are dropped.

Environ keys beyond CGI and ``wsgi.*``:

- ``lambda.event``: the event, unchanged (``requestContext`` holds authorizer claims etc.).
- ``lambda.context``: the Lambda context object.

REMOTE_ADDR is the address API Gateway or the Function URL saw (``sourceIp``), or for ALB the
rightmost X-Forwarded-For entry (the one ALB added); ``wsgi.url_scheme`` and SERVER_PORT come
from X-Forwarded-Proto / X-Forwarded-Port; SERVER_NAME from Host. CONTENT_LENGTH is the
decoded body's length.

Bodies whose Content-Type matches ``text_mime_types`` and that have no Content-Encoding are
sent as UTF-8 text, all others base64 (``isBase64Encoded``); a REST API returns those as binary
only when its ``binaryMediaTypes`` match (``*/*``). An exception from the app becomes a plain
``500 Internal Server Error`` (text/plain) and its traceback is logged on the
``recipebox.aws.lambda_http`` logger; so is a response larger than Lambda's 6 MB limit
(6,291,556 bytes, measured as serialised JSON), replaced by a 500 that says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final

from .environ import MALFORMED, TRANSLATORS, InvalidBody, Mount, native
from .results import (
    BUILDERS,
    LAMBDA_RESPONSE_LIMIT,
    TEXT_MIME_TYPES,
    Builder,
    run_app,
    serialised_size,
    text_matcher,
)
from .shapes import Shape, UnsupportedEvent, detect_shape

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

__all__ = [
    "CONTEXT_KEY",
    "EVENT_KEY",
    "LAMBDA_RESPONSE_LIMIT",
    "TEXT_MIME_TYPES",
    "LambdaHandler",
    "UnsupportedEvent",
    "make_handler",
]

EVENT_KEY: Final = "lambda.event"
CONTEXT_KEY: Final = "lambda.context"

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

logger = logging.getLogger(__name__)

_ERROR_STATUS = "500 Internal Server Error"
_TEXT_HEADERS: Final = [("Content-Type", "text/plain; charset=utf-8")]


def _prefix(value: str) -> str:
    """Return a mount prefix as "/a/b" (or "") in WSGI form."""
    stripped = value.strip("/")
    return native("/" + stripped) if stripped else ""


def make_handler(
    wsgi_app: WSGIApplication,
    *,
    base_path: str | None = None,
    script_name: str | None = None,
    text_mime_types: Iterable[str] = TEXT_MIME_TYPES,
) -> LambdaHandler:
    """Return a Lambda handler serving wsgi_app; see the module docstring for the contract.

    base_path: the custom domain's base-path mapping (``"api"``), moved into SCRIPT_NAME.
    script_name: SCRIPT_NAME for every request, overriding detection; excludes base_path.
    text_mime_types: Content-Types sent as text (``text/*``, ``application/json``, ``*+xml``).
    """
    if base_path is not None and script_name is not None:
        raise ValueError("give base_path or script_name, not both: script_name overrides all")
    mount = Mount(
        script_name=None if script_name is None else _prefix(script_name),
        base_path=_prefix(base_path or "") or None,
    )
    is_text = text_matcher(text_mime_types)
    routes = {shape: (TRANSLATORS[shape], BUILDERS[shape]) for shape in Shape}

    def plain(event: dict[str, Any], build: Builder, status: str, text: str) -> dict[str, Any]:
        return build(event, status, _TEXT_HEADERS, text.encode(), is_text)[0]

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        shape = detect_shape(event)
        translate, build = routes[shape]
        try:
            environ = translate(event, mount)
        except InvalidBody as error:
            logger.warning("%s", error)
            return plain(event, build, "400 Bad Request", str(error))
        except MALFORMED as error:
            message = f"malformed {shape} event: {type(error).__name__}: {error}"
            logger.warning("%s", message)
            return plain(event, build, "400 Bad Request", message)
        environ[EVENT_KEY] = event
        environ[CONTEXT_KEY] = context
        try:
            status, headers, body = run_app(wsgi_app, environ)
            result, bound = build(event, status, headers, body, is_text)
        except Exception:
            logger.exception("WSGI app failed on %s", _request_line(environ))
            return plain(event, build, _ERROR_STATUS, "Internal Server Error")
        if (
            bound > LAMBDA_RESPONSE_LIMIT
            and (size := serialised_size(result)) > LAMBDA_RESPONSE_LIMIT
        ):
            message = (
                f"Response too large for AWS Lambda ({size} bytes > 6 MB limit of "
                f"{LAMBDA_RESPONSE_LIMIT} bytes)"
            )
            logger.error("%s on %s", message, _request_line(environ))
            return plain(event, build, _ERROR_STATUS, message)
        return result

    return handler


def _request_line(environ: dict[str, Any]) -> str:
    return f"{environ['REQUEST_METHOD']} {environ['SCRIPT_NAME']}{environ['PATH_INFO']}"
