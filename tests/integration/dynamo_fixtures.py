"""DynamoDB fixtures: moto in server mode (one per session) and a fresh table per test.

moto runs as a real HTTP server in a subprocess, so the store's AWS client (aws_http) goes
through its whole stack (signing, JSON, retries, kept-alive connections) exactly as against
AWS, with the fake credentials in the environment, as on Lambda. Each test gets its own
table, created by `upgrade()` and deleted afterwards, so tests never see each other's data.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from recipebox.store.dynamodb import DynamoStore

REGION = "us-east-1"
# Fake credentials, and no profile or config file of the developer's that could point elsewhere.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/moto-api/")
        with connection.getresponse() as response:
            response.read()
            return response.status < 500
    except OSError:
        return False
    finally:
        connection.close()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto server on 127.0.0.1, with fake AWS credentials set."""
    port = _free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with pytest.MonkeyPatch.context() as env:
        env.delenv("AWS_PROFILE", raising=False)
        for name, value in FAKE_AWS.items():
            env.setenv(name, value)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start: {' '.join(command)}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def dynamodb_url(moto_server: str) -> str:
    """The URL of a table of its own (not created yet)."""
    table = f"recipebox-test-{uuid.uuid4().hex[:12]}"
    return f"dynamodb://{table}?region={REGION}&endpoint_url={moto_server}"


@pytest.fixture
def dynamodb(dynamodb_url: str) -> Iterator[DynamoStore]:
    """A DynamoStore on a fresh, upgraded table, deleted afterwards."""
    store = DynamoStore(dynamodb_url)
    try:
        store.upgrade()
        yield store
    finally:
        store.client.call("DeleteTable", {"TableName": store.table_name}, idempotent=False)
        store.close()
