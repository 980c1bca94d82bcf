"""The split topology's data function: `handlers.data` serves the storage protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from recipebox.aws import handlers
from recipebox.domain.errors import NotFound
from recipebox.store.remote.client import RemoteStore
from recipebox.store.remote.transports import InProcessTransport


@pytest.fixture
def data_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A data function's environment: only a database URL; a fresh container per test."""
    db = tmp_path / "data.db"
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "recipebox-data")
    monkeypatch.setenv("RECIPEBOX_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("RECIPEBOX_SECRET_KEY", "unused-by-the-data-function")
    handlers.reset()
    yield db
    handlers.reset()


def test_data_function_migrates_seeds_and_serves_protocol_requests(data_env: Path) -> None:
    assert handlers.data({"recipebox": "db-upgrade"}, None)["ok"] is True
    seeded = handlers.data({"recipebox": "seed-demo"}, None)
    assert (seeded["ok"], seeded["added"] > 40) == (True, True)

    answer = handlers.data(
        {
            "v": 1,
            "ops": [
                {"op": "count_recipes", "args": {}},
                {"op": "get_recipe", "args": {"recipe_id": "0" * 26}},
            ],
        },
        None,
    )
    assert answer["v"] == 1
    assert answer["results"][0] == {"ok": seeded["added"]}
    assert answer["results"][1]["error"]["type"] == "NotFound"


def test_remote_store_through_the_data_handler_raises_the_same_errors(data_env: Path) -> None:
    handlers.data({"recipebox": "db-upgrade"}, None)

    class ViaHandler(InProcessTransport):
        """The web function's side, invoking `handlers.data` as Lambda Invoke would."""

        def send(self, payload: bytes) -> bytes:
            self.calls += 1
            return json.dumps(handlers.data(json.loads(payload), None)).encode()

    store = RemoteStore(ViaHandler(handlers.container().store()))
    assert store.count_recipes() == 0
    with pytest.raises(NotFound):
        store.get_recipe("0" * 26)


def test_data_function_warmup_builds_no_web_app(data_env: Path) -> None:
    result = handlers.data({"source": "aws.events", "detail-type": "Scheduled Event"}, None)
    assert (result["ok"], result["command"]) == (True, "warmup")
    assert handlers.container().warm is False
    refused = handlers.data({"recipebox": "shell", "code": "import os"}, None)
    assert refused == {
        "ok": False,
        "error": "unknown command 'shell'; allowed: check, db-upgrade, seed-demo, warmup",
    }
