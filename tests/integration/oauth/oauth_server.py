"""A small OAuth 2.0 / OpenID Connect authorization server for tests, on 127.0.0.1 in a thread.

It answers like GitHub (`/user`), X (`/2/users/me`) and an OpenID Connect provider
(discovery, JWKS, ID tokens, `/userinfo`), and checks what a real one checks: the client's
credentials, the redirect URI and the PKCE verifier (S256 only; a request without a challenge
is refused). Attributes let a test change its answers: `deny`, `public_client`,
`id_token_claims`, `signing_key`, `profile_in_id_token`, `issue_id_token`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.wrappers import Request, Response

CLIENT_ID = "recipebox-test"
CLIENT_SECRET = "test-client-secret"
PERSON = {
    "id": 4242,
    "login": "octo-alice",
    "name": "Alice Liddell",
    "avatar": "https://avatars.example.com/u/4242",
}


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Grant:
    redirect_uri: str
    challenge: str
    scope: str
    nonce: str | None


@dataclass
class AuthServer:
    """The server's state and knobs; `url` is set once it listens."""

    url: str = ""
    key: RSAKey = field(default_factory=lambda: new_key("server-key"))
    signing_key: RSAKey | None = None  # None: sign with `key` (the one in the JWKS)
    deny: bool = False
    public_client: bool = False  # accept the client without a secret (PKCE only)
    profile_in_id_token: bool = True
    issue_id_token: bool = True  # False: answer an openid request without an ID token
    id_token_claims: dict[str, Any] = field(default_factory=dict)  # overrides, e.g. nonce
    person: dict[str, Any] = field(default_factory=lambda: dict(PERSON))
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    verifiers: list[str] = field(default_factory=list)  # PKCE verifiers accepted

    def reset(self) -> None:
        self.signing_key, self.deny, self.profile_in_id_token = None, False, True
        self.public_client, self.issue_id_token = False, True
        self.id_token_claims.clear()
        self.person = dict(PERSON)
        self.verifiers.clear()

    # --- the WSGI app --------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        routes = {
            "/authorize": self.authorize,
            "/token": self.token,
            "/user": self.github_user,
            "/2/users/me": self.x_user,
            "/userinfo": self.userinfo,
            "/.well-known/openid-configuration": self.discovery,
            "/no-domain/.well-known/openid-configuration": self.discovery_without_endpoints,
            "/jwks": self.jwks,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return Response("unknown client", status=400)
        back = args["redirect_uri"]
        if self.deny:
            return _redirect(back, error="access_denied", state=args.get("state"))
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return _redirect(back, error="invalid_request", state=args.get("state"))
        code = secrets.token_urlsafe(16)
        self.codes[code] = Grant(
            back, args["code_challenge"], args.get("scope", ""), args.get("nonce")
        )
        return _redirect(back, code=code, state=args.get("state"))

    def token(self, request: Request) -> Response:
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            client_id, secret = auth.username, auth.password
        else:
            client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
        public = self.public_client and secret is None
        if client_id != CLIENT_ID or (secret != CLIENT_SECRET and not public):
            return _json({"error": "invalid_client"}, 401)
        grant = self.codes.pop(request.form.get("code", ""), None)
        verifier = request.form.get("code_verifier", "")
        if grant is None or grant.redirect_uri != request.form.get("redirect_uri"):
            return _json({"error": "invalid_grant", "error_description": "unknown code"}, 400)
        if s256(verifier) != grant.challenge:
            return _json({"error": "invalid_grant", "error_description": "PKCE failed"}, 400)
        self.verifiers.append(verifier)
        access_token = secrets.token_urlsafe(16)
        self.tokens.add(access_token)
        answer = {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600}
        if "openid" in grant.scope.split() and self.issue_id_token:
            answer["id_token"] = self.id_token(grant)
        return _json(answer)

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": str(self.person["id"]),
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
        }
        if self.profile_in_id_token:
            claims |= self.oidc_profile()
        claims |= self.id_token_claims
        key = self.signing_key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def oidc_profile(self) -> dict[str, Any]:
        return {
            "name": self.person["name"],
            "preferred_username": self.person["login"],
            "picture": self.person["avatar"],
        }

    def _bearer_ok(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header.removeprefix("Bearer ") in self.tokens

    def github_user(self, request: Request) -> Response:
        if not self._bearer_ok(request):
            return _json({"message": "Bad credentials"}, 401)
        person = self.person
        return _json(
            {
                "id": person["id"],
                "login": person["login"],
                "name": person["name"],
                "avatar_url": person["avatar"],
            }
        )

    def x_user(self, request: Request) -> Response:
        if not self._bearer_ok(request):
            return _json({"title": "Unauthorized", "status": 401}, 401)
        person = self.person
        data = {"id": str(person["id"]), "name": person["name"], "username": person["login"]}
        if request.args.get("user.fields") == "profile_image_url":
            data["profile_image_url"] = person["avatar"]
        return _json({"data": data})

    def userinfo(self, request: Request) -> Response:
        if not self._bearer_ok(request):
            return _json({"error": "invalid_token"}, 401)
        return _json({"sub": str(self.person["id"]), **self.oidc_profile()})

    def discovery(self, request: Request) -> Response:
        return _json(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    def discovery_without_endpoints(self, request: Request) -> Response:
        """What a Cognito user pool without a domain publishes: no authorize or token URL."""
        return _json({"issuer": self.url, "jwks_uri": f"{self.url}/jwks"})

    def jwks(self, request: Request) -> Response:
        return _json(KeySet([self.key]).as_dict(private=False))


def _redirect(target: str, **params: str | None) -> Response:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return Response(status=302, headers={"Location": f"{target}?{query}"})


def _json(data: object, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


@contextmanager
def serve_in_thread(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the WSGI `app` on a free port of `host`; yield its base URL."""
    server = werkzeug.serving.make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@contextmanager
def silent_server() -> Iterator[str]:
    """A port that accepts connections and never answers: the base URL of a hung provider."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes handshakes; nobody ever reads or writes
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def closed_port_url() -> str:
    """The URL of a port nobody listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def oauth_env(name: str, **fields: str) -> dict[str, str]:
    """RECIPEBOX_OAUTH_<NAME>_<FIELD> variables, with the test client's credentials."""
    fields = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **fields}
    prefix = f"RECIPEBOX_OAUTH_{name.upper().replace('-', '_')}_"
    return {prefix + key.upper(): value for key, value in fields.items()}


def github_env(url: str, name: str = "github", **fields: str) -> dict[str, str]:
    """A GitHub provider whose endpoints are the local server at `url`."""
    urls = {"authorize_url": f"{url}/authorize", "token_url": f"{url}/token", "api_base_url": url}
    return oauth_env(name, **(urls | fields))


def x_env(url: str, name: str = "x", **fields: str) -> dict[str, str]:
    """An X provider whose endpoints are the local server at `url`."""
    urls = {
        "authorize_url": f"{url}/authorize",
        "token_url": f"{url}/token",
        "api_base_url": f"{url}/2/",
    }
    return oauth_env(name, **(urls | fields))
