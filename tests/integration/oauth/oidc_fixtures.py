"""A real OpenID Connect provider for tests: oidc-provider-mock 0.3 on 127.0.0.1.

`running_oidc_provider()` yields its issuer URL, "http://127.0.0.1:PORT"; the discovery
document is ISSUER/.well-known/openid-configuration and any client id and secret are accepted
(configure the app with RECIPEBOX_OAUTH_<NAME>_ISSUER=ISSUER). Its authorization page is a
form: a browser types a subject into "sub" and presses "Authorize" (or "Deny"); `approve` and
`deny` post that form without a browser. `set_claims` gives a subject a name, a picture, ...

Self-contained (it imports nothing from the tests) so tests/e2e can reuse it: the `oidc_issuer`
fixture below is session-scoped; import it into a conftest.py to use it there.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests

TIMEOUT = 5


# The provider runs in its own process: pytest turns warnings into errors for the whole process,
# and oidc-provider-mock 0.3 triggers Authlib deprecation warnings while it serves (it
# overrides a hook Authlib 1.9 deprecates), which in a thread would fail its token endpoint.
_SERVE = """
import sys, werkzeug.serving, oidc_provider_mock
app = oidc_provider_mock.app(require_nonce=sys.argv[1] == "1")
server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@contextmanager
def running_oidc_provider(*, require_nonce: bool = True) -> Iterator[str]:
    """Run the provider until the block ends; yield its issuer URL."""
    command = [sys.executable, "-c", _SERVE, "1" if require_nonce else "0"]
    with (
        tempfile.TemporaryFile("w+") as log,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True) as process,
    ):
        try:
            assert process.stdout is not None
            port = process.stdout.readline().strip()  # printed once it listens
            if not port.isdigit():
                log.seek(0)
                raise RuntimeError(f"oidc-provider-mock did not start:\n{log.read()}")
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()


@pytest.fixture(scope="session")
def oidc_issuer() -> Iterator[str]:
    """The issuer URL of an OpenID Connect provider running for the whole test session."""
    with running_oidc_provider() as issuer:
        yield issuer


def set_claims(issuer: str, sub: str, claims: dict[str, Any]) -> None:
    """Give the subject `sub` these claims (name, preferred_username, picture, email, ...)."""
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=TIMEOUT)
    response.raise_for_status()


def approve(authorize_url: str, sub: str) -> str:
    """Sign in as `sub` on the provider's page; return the URL it sends the browser back to."""
    return _submit(authorize_url, {"sub": sub})


def deny(authorize_url: str) -> str:
    """Press "Deny" on the provider's page; return the URL it sends the browser back to."""
    return _submit(authorize_url, {"action": "deny"})


def _submit(authorize_url: str, form: dict[str, str]) -> str:
    response = requests.post(authorize_url, data=form, allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code in (302, 303), response.text
    location: str = response.headers["Location"]
    return location
