"""`recipebox check` with real sockets and a real SQLite database: each failure's explanation."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from recipebox.config import Settings
from recipebox.deploy.commands import main
from recipebox.services.checks import CheckResult, run_checks
from recipebox.store import open_store

QUICK = 0.5  # seconds: the probes' timeout in these tests (3 s by default)
LAMBDA_IN_VPC = {"AWS_LAMBDA_FUNCTION_NAME": "recipebox-web", "RECIPEBOX_IN_VPC": "1"}
SECRET = "a-long-random-test-secret-key-0123456789"


class Provider(BaseHTTPRequestHandler):
    """A sign-in provider: a discovery document, a broken issuer, a token endpoint."""

    def do_GET(self) -> None:
        if self.path == "/good/.well-known/openid-configuration":
            body = json.dumps({"issuer": "x", "authorization_endpoint": "https://x/authorize"})
            self.reply(200, body.encode())
        elif self.path == "/down/.well-known/openid-configuration":
            self.reply(503, b"maintenance")
        elif self.path == "/token":
            self.reply(405, b"")  # token endpoints take POST: reachable all the same
        else:
            self.reply(404, b"not here")

    def reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there now: connections are refused


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'recipebox.db'}"


def settings(database: str, **env: str) -> Settings:
    return Settings.from_env({"RECIPEBOX_DATABASE_URL": database, **env})


def checks(database: str, environ: dict[str, str] | None = None, **env: str) -> dict[str, str]:
    results = run_checks(settings(database, **env), timeout=QUICK, environ=environ or {})
    return {r.name: ("ok: " if r.ok else "FAIL: ") + r.detail for r in results}


def migrate(database: str) -> None:
    store = open_store(database)
    store.upgrade()
    store.close()


def test_unmigrated_then_migrated_database(database: str) -> None:
    assert checks(database)["storage"].startswith("FAIL: ")
    assert "upgrade" in checks(database)["storage"]
    migrate(database)
    assert checks(database)["storage"].startswith("ok: ")


def test_unreachable_database_from_a_vpc_points_at_the_security_groups(closed_port: int) -> None:
    url = f"mysql+pymysql://app:db-password@127.0.0.1:{closed_port}/recipes"
    detail = checks(url, LAMBDA_IN_VPC, RECIPEBOX_IN_VPC="1")["storage"]
    assert detail.startswith("FAIL: ")
    assert "Connection refused" in detail
    assert detail.endswith(
        "From a VPC, the database's security group must admit this function's (the split and "
        "vpc-nat templates add that rule) and the function's subnets must route to the "
        "database's"
    )
    assert "db-password" not in detail


def test_missing_secret_key_is_explained(database: str) -> None:
    assert checks(database)["secret key"] == (
        "FAIL: RECIPEBOX_SECRET_KEY is not set: every process would sign sessions with its own "
        "random key, signing visitors out (set a long random value)"
    )
    assert checks(database, RECIPEBOX_SECRET_KEY=SECRET)["secret key"].startswith("ok: ")


def test_reachable_provider_passes(database: str, provider: str) -> None:
    found = checks(
        database,
        RECIPEBOX_OAUTH_ACME_CLIENT_ID="id",
        RECIPEBOX_OAUTH_ACME_ISSUER=f"{provider}/good",
        RECIPEBOX_OAUTH_GITLAB_CLIENT_ID="id",
        RECIPEBOX_OAUTH_GITLAB_TOKEN_URL=f"{provider}/token",
    )
    assert found["sign-in: acme"] == (
        f"ok: {provider}/good/.well-known/openid-configuration is reachable and describes the "
        "provider"
    )
    assert found["sign-in: gitlab"] == f"ok: {provider}/token is reachable (HTTP 405)"


def test_provider_that_answers_badly(database: str, provider: str) -> None:
    found = checks(
        database,
        RECIPEBOX_OAUTH_DOWN_ISSUER=f"{provider}/down",
        RECIPEBOX_OAUTH_WRONG_DISCOVERY_URL=f"{provider}/wrong/.well-known/openid-configuration",
    )
    assert found["sign-in: down"] == (
        f"FAIL: {provider}/down/.well-known/openid-configuration answered HTTP 503: the provider "
        "has trouble; try later"
    )
    assert found["sign-in: wrong"] == (
        f"FAIL: no OpenID configuration at {provider}/wrong/.well-known/openid-configuration "
        "(HTTP 404): check the issuer URL"
    )


def test_closed_port_is_a_refused_connection(database: str, closed_port: int) -> None:
    found = checks(database, RECIPEBOX_OAUTH_ACME_ISSUER=f"http://127.0.0.1:{closed_port}")
    assert found["sign-in: acme"] == (
        f"FAIL: the sign-in provider acme refused the connection (127.0.0.1:{closed_port}): "
        "nothing listens there. Check the URL and port."
    )


def test_silence_in_a_vpc_is_explained_as_missing_nat(database: str, silent_port: int) -> None:
    issuer = {"RECIPEBOX_OAUTH_ACME_ISSUER": f"http://127.0.0.1:{silent_port}"}
    in_vpc = checks(database, LAMBDA_IN_VPC, **issuer, RECIPEBOX_IN_VPC="1")
    assert in_vpc["sign-in: acme"] == (
        "FAIL: cannot reach the sign-in provider acme (127.0.0.1): it did not answer within "
        "0.5 s: this function is in a VPC without a NAT gateway, so it has no internet access; "
        "use the split or dynamodb topology, or add NAT"
    )
    local = checks(database, {}, **issuer)
    assert local["sign-in: acme"].endswith(
        "within 0.5 s: check this machine's network, proxy (HTTPS_PROXY) and firewall"
    )


def test_provider_without_an_address(database: str) -> None:
    found = checks(database, RECIPEBOX_OAUTH_ACME_CLIENT_ID="id")
    assert found["sign-in: acme"] == (
        "FAIL: no address to reach: set RECIPEBOX_OAUTH_ACME_DISCOVERY_URL or "
        "RECIPEBOX_OAUTH_ACME_ISSUER"
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"RECIPEBOX_BASE_PATH": "recipes"}, "with a leading '/' and no trailing '/'"),
        ({"RECIPEBOX_BASE_PATH": "/"}, "is the root: leave it unset instead"),
        (
            {"RECIPEBOX_BASE_PATH": "/recipes", "RECIPEBOX_FRONT_DOOR": "function-url"},
            "a Function URL has no base-path mapping",
        ),
        (
            {"RECIPEBOX_BASE_PATH": "/live", "RECIPEBOX_FRONT_DOOR": "rest-api"},
            "Setting it to the stage name breaks every route",
        ),
        (
            {
                "RECIPEBOX_BASE_PATH": "/recipes",
                "RECIPEBOX_FRONT_DOOR": "rest-api",
                "RECIPEBOX_PUBLIC_URL": "https://food.example.com/other",
            },
            "does not end with the base path /recipes",
        ),
    ],
)
def test_inconsistent_base_paths_are_explained(
    database: str, env: dict[str, str], expected: str
) -> None:
    detail = checks(database, **env)["base path"]
    assert detail.startswith("FAIL: ")
    assert expected in detail


def test_consistent_base_path_passes_and_no_base_path_is_not_listed(database: str) -> None:
    found = checks(
        database,
        RECIPEBOX_BASE_PATH="/recipes",
        RECIPEBOX_FRONT_DOOR="rest-api",
        RECIPEBOX_PUBLIC_URL="https://food.example.com/recipes",
    )
    assert found["base path"] == (
        "ok: RECIPEBOX_BASE_PATH='/recipes': the site answers under "
        "https://food.example.com/recipes"
    )
    assert list(checks(database)) == ["storage", "secret key"]


def test_results_never_contain_secrets(database: str, closed_port: int) -> None:
    results = run_checks(
        settings(
            database,
            RECIPEBOX_SECRET_KEY=SECRET,
            RECIPEBOX_OAUTH_ACME_CLIENT_SECRET="client-secret-value",
            RECIPEBOX_OAUTH_ACME_ISSUER=f"http://127.0.0.1:{closed_port}",
        ),
        timeout=QUICK,
        environ={},
    )
    text = json.dumps([r.to_dict() for r in results])
    assert SECRET not in text
    assert "client-secret-value" not in text
    assert results[0] == CheckResult("storage", False, results[0].detail)


def test_check_command_prints_each_result_and_fails_when_one_fails(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(database)
    for name in ("RECIPEBOX_SECRET_KEY", "RECIPEBOX_BASE_PATH"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--database-url", database, "check", "--timeout", "0.5"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("ok   storage: ")
    assert printed[1].startswith("FAIL secret key: RECIPEBOX_SECRET_KEY is not set")
    monkeypatch.setenv("RECIPEBOX_SECRET_KEY", SECRET)
    assert main(["--database-url", database, "check"]) == 0
