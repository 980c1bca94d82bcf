"""Browser tests: the real site in a subprocess, driven by Playwright through Debian's Chromium.

`site` runs a test once per way of serving the site, each a real HTTP server on 127.0.0.1 in
its own process with its own data folder (SQLite, demo recipes, development sign-in):

- ``wsgi``: ``recipebox serve`` (waitress), the site at ``/``;
- ``lambda-rest-dev``: ``recipebox lambda serve --shape rest --stage dev``, the site at ``/dev/``;
- ``lambda-http``: ``recipebox lambda serve --shape http --stage $default``, the site at ``/``.

Playwright's own browser download is not used: the tests launch the system Chromium
(``/usr/bin/chromium``, or ``$RECIPEBOX_E2E_CHROMIUM``). Without it they skip, saying why,
except under ``CI=true``, where a missing browser fails the run. Each test gets fresh browser
contexts (cookies, storage) from `open_page`; the browser and the servers last the session.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from browsing import DESKTOP, OpenPage, Site, Traffic
from playwright.sync_api import (
    Browser,
    Page,
    Playwright,
    Request,
    Response,
    expect,
    sync_playwright,
)

CI = os.environ.get("CI", "").strip().lower() in ("true", "1")
CHROMIUM = Path(os.environ.get("RECIPEBOX_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # containers and CI run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STARTUP_SECONDS = 30
TIMEOUT_MS = 10_000  # per action and expect(): a busy 2-core CI machine is slow at times

# kind -> (the `recipebox` command, where the site lives on the server)
SERVERS: dict[str, tuple[list[str], str]] = {
    "wsgi": (["serve"], "/"),
    "lambda-rest-dev": (["lambda", "serve", "--shape", "rest", "--stage", "dev"], "/dev/"),
    "lambda-http": (["lambda", "serve", "--shape", "http", "--stage", "$default"], "/"),
}
SITE_KINDS = [pytest.param(kind, id=kind) for kind in SERVERS]


# --- servers ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(url, timeout=2) as response:
            body: dict[str, Any] = json.load(response)
    except (OSError, ValueError):  # refused while starting, or not JSON yet
        return False
    return body.get("status") == "ok"


def _tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def running_site(kind: str, data_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[Site]:
    """Start one kind of server in a subprocess, wait for /healthz, stop it afterwards.

    `env` adds variables to the server's environment (``RECIPEBOX_OAUTH_*``, say).
    """
    command, root = SERVERS[kind]
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RECIPEBOX_")}
    environ.update(RECIPEBOX_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    environ.update(env or {})
    environ.pop("AWS_LAMBDA_FUNCTION_NAME", None)
    log = data_dir / "server.log"
    site = Site(kind=kind, url=f"http://127.0.0.1:{port}{root}", log=log)
    argv = [sys.executable, "-m", "recipebox.cli", *command, "--port", str(port)]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(argv, env=environ, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(site.at("/healthz")):
            if process.poll() is not None or time.monotonic() > deadline:
                state = "no answer" if process.poll() is None else f"exit {process.returncode}"
                pytest.fail(f"{kind} site did not start ({state}):\n{_tail(log)}", pytrace=False)
            time.sleep(0.1)
        yield site
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def wsgi_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site("wsgi", tmp_path_factory.mktemp("wsgi")) as site:
        yield site


@pytest.fixture(scope="session")
def lambda_rest_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site("lambda-rest-dev", tmp_path_factory.mktemp("lambda-rest")) as site:
        yield site


@pytest.fixture(scope="session")
def lambda_http_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with running_site("lambda-http", tmp_path_factory.mktemp("lambda-http")) as site:
        yield site


@pytest.fixture(scope="session")
def start_site() -> Callable[..., AbstractContextManager[Site]]:
    """`running_site` for tests that need their own server: `with start_site(kind, dir, env)`."""
    return running_site


SITE_FIXTURES = {
    "wsgi": "wsgi_site",
    "lambda-rest-dev": "lambda_rest_site",
    "lambda-http": "lambda_http_site",
}


@pytest.fixture(params=SITE_KINDS)
def site(request: pytest.FixtureRequest) -> Site:
    """The running site of each kind in turn (started once per session)."""
    running: Site = request.getfixturevalue(SITE_FIXTURES[request.param])
    return running


# --- browser ---------------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def chromium() -> Path:
    """The system Chromium; skip without one (fail under CI), before any server starts."""
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if CI:
            pytest.fail(f"{message}; CI is set: browser tests must run", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(chromium: Path, playwright: Playwright) -> Iterator[Browser]:
    expect.set_options(timeout=TIMEOUT_MS)
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """Open a page in a fresh context: `open_page(site, java_script_enabled=False, ...)`.

    Keywords go to `Browser.new_context` (desktop viewport unless given). The page's traffic
    to the site and its console errors are recorded in the returned `Traffic`.
    """
    contexts = []

    def open_(site: Site, **options: Any) -> tuple[Page, Traffic]:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        traffic = Traffic(site)

        def on_response(response: Response) -> None:
            if response.status >= 400:
                traffic.failures.append((response.status, response.url))

        def on_request(request: Request) -> None:
            traffic.requests.append(request.url)
            if request.resource_type == "document":
                traffic.documents.append(f"{request.method} {request.url}")

        page.on("request", on_request)
        page.on("response", on_response)
        page.on("console", lambda m: m.type == "error" and traffic.console_errors.append(m.text))
        page.on("pageerror", lambda error: traffic.console_errors.append(str(error)))
        return page, traffic

    yield open_
    for context in contexts:
        context.close()
