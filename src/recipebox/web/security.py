"""CSRF, cookie flags, security headers and trusted proxies, applied by the app factory."""

from __future__ import annotations

import io

from flask import Flask, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect  # type: ignore[import-untyped]

from recipebox.web.auth import bearer_token

csrf = CSRFProtect()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


class RequestSecureSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever this request came over HTTPS.

    Flask's SESSION_COOKIE_SECURE is static; the same app serves http://127.0.0.1 locally
    and https behind API Gateway (the Lambda adapter sets wsgi.url_scheme from
    X-Forwarded-Proto), so decide per request.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _protect_csrf() -> None:
    # Requests authenticated by a bearer token carry no ambient credentials: a browser never
    # adds that header by itself, so CSRF cannot happen there.
    if bearer_token() is None:
        csrf.protect()


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    return response


def _bound_unsized_body() -> None:
    """Refuse a body sent without Content-Length (chunked) past MAX_CONTENT_LENGTH: 413.

    Flask answers 413 itself when Content-Length is too big, but of a chunked body werkzeug
    reads MAX_CONTENT_LENGTH bytes and stops without a word, so a handler would see it cut
    short (truncated JSON: a misleading 400; a form: silently lost fields). Such a body is
    read here, up to one byte past the limit, and handed on with its length.
    """
    environ = request.environ
    # A chunked body's Content-Length, if any, means nothing (werkzeug ignores it too).
    if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return
    limit: int = current_app.config["MAX_CONTENT_LENGTH"]
    stream = environ["wsgi.input"]
    body = bytearray()
    while len(body) <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        abort(413)
    environ["wsgi.input"] = io.BytesIO(bytes(body))
    environ["CONTENT_LENGTH"] = str(len(body))
    del environ["HTTP_TRANSFER_ENCODING"]  # the body is now whole, of that length


def init_security(app: Flask, *, trusted_proxies: int = 0) -> None:
    """Install CSRF checks, per-request Secure cookies, security headers and ProxyFix."""
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="recipebox_session",
    )
    app.session_interface = RequestSecureSessionInterface()
    csrf.init_app(app)
    app.before_request(_bound_unsized_body)  # first: before anything reads the body
    app.before_request(_protect_csrf)
    app.after_request(_add_headers)
    if trusted_proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix  # only behind proxies

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=trusted_proxies,
            x_proto=trusted_proxies,
            x_host=trusted_proxies,
            x_port=trusted_proxies,
            x_prefix=trusted_proxies,
        )
