"""Error responses: JSON under /api/, pages in the site's style elsewhere.

Domain errors raised by the store or the domain map to HTTP statuses here, so views never
catch them just to translate: NotFound 404, Invalid 400, Conflict 409, StorageUnavailable 503.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError  # type: ignore[import-untyped]
from werkzeug.exceptions import HTTPException, InternalServerError

from recipebox.domain.errors import Conflict, Invalid, NotFound, StorageUnavailable
from recipebox.web.auth_views import safe_next

RETRY_AFTER_SECONDS = "5"

# status -> (machine code, page title)
STATUSES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "That request did not make sense"),
    401: ("unauthorized", "Please sign in"),
    403: ("forbidden", "That is not yours to change"),
    404: ("not_found", "We could not find that page"),
    405: ("method_not_allowed", "That action is not allowed here"),
    409: ("conflict", "That clashes with a change made meanwhile"),
    413: ("payload_too_large", "That was too much to send"),
    415: ("unsupported_media_type", "That format is not supported"),
    422: ("unprocessable", "That could not be processed"),
    429: ("too_many_requests", "Too many requests"),
    500: ("internal_error", "Something went wrong on our side"),
    503: ("unavailable", "The recipe box is briefly unavailable"),
}
DOMAIN_STATUSES: dict[type[Exception], int] = {
    NotFound: 404,
    Invalid: 400,
    Conflict: 409,
    StorageUnavailable: 503,
}


def wants_api_error() -> bool:
    """Whether this request gets JSON errors (everything under /api/)."""
    return request.path == "/api" or request.path.startswith("/api/")


def json_error(status: int, message: str, code: str | None = None) -> Response:
    """`{"error": {"code": ..., "message": ...}}` with `status`."""
    code = code or STATUSES.get(status, ("error", ""))[0]
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def _respond(status: int, message: str, headers: dict[str, str]) -> ResponseReturnValue:
    if wants_api_error():
        response = json_error(status, message)
    else:
        code, title = STATUSES.get(status, ("error", "Something went wrong"))
        response = Response(
            render_template(
                "error.html",
                status=status,
                code=code,
                title=title,
                message=message,
                signin_next=_return_path() if status == 401 else None,
            ),
            status=status,
        )
    response.headers.update(headers)
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _return_path() -> str | None:
    """Where to come back after signing in: the form's `next`, else the referring page."""
    posted = request.form.get("next") if request.mimetype.endswith("form-urlencoded") else None
    if posted:
        return safe_next(posted, "") or None
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith(request.script_root):
        return None
    path = referrer.path.removeprefix(request.script_root) or "/"
    return safe_next(path + (f"?{referrer.query}" if referrer.query else ""), "") or None


def handle_http(exc: HTTPException) -> ResponseReturnValue:
    """Any HTTP error: 401 on a page read redirects to the sign-in page."""
    status = exc.code or 500
    if status == 401 and not wants_api_error() and request.method in ("GET", "HEAD"):
        return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    message = exc.description or ""
    if isinstance(exc, CSRFError) and not wants_api_error():
        message += " Reload the page and try again."
    if status >= 500:
        message = STATUSES.get(status, ("", "Please try again in a moment"))[1]
    return _respond(status, message, headers)


def handle_server_error(exc: InternalServerError) -> ResponseReturnValue:
    """An unhandled exception: Flask has logged it; show no detail outside debug mode."""
    return _respond(500, "The error was logged. Please try again in a moment.", {})


def handle_domain(exc: Exception) -> ResponseReturnValue:
    """A domain error raised while serving: its message is meant for the user."""
    status = next(s for kind, s in DOMAIN_STATUSES.items() if isinstance(exc, kind))
    message = str(exc) if status != 503 else "Storage is unreachable; retry shortly."
    return _respond(status, message, {})


def register_errors(app: Flask) -> None:
    """Install the handlers on `app`."""
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http)
    for kind in DOMAIN_STATUSES:
        app.register_error_handler(kind, handle_domain)
