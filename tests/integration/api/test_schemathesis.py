"""Schemathesis against the API served by waitress: every operation, valid and invalid input.

The app runs on a real WSGI server in a thread (127.0.0.1, a free port) with a SQLite store
holding the demo recipes, a user with a list, and that user's bearer token. Schemathesis reads
/api/openapi.json and, for every operation, generates requests that fit the schema
(positive) and requests that break it (negative); each response must not be a 5xx, must use
a documented status and content type, and must validate against the documented schema.
Negative cases must be refused with a 4xx.

Locally the test skips when schemathesis is not installed; with CI set it must run.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from recipebox.config import Settings
from recipebox.domain.lists import ListItem
from recipebox.services.people import local_user
from recipebox.services.seeding import load_demo
from recipebox.store import open_store
from recipebox.web import create_app
from recipebox.web.api.openapi import build_document
from recipebox.web.api.tokens import issue_token

if os.environ.get("CI", "").strip().lower() in ("true", "1"):
    import schemathesis
else:
    schemathesis = pytest.importorskip("schemathesis")

import requests  # schemathesis's HTTP client
from schemathesis import GenerationMode

# Cases per operation and mode. Generating JSON bodies costs ten times more than filling in
# paths and query strings, so the 7 operations with a body get fewer cases per mode (valid and
# invalid) than the 17 without: 7 x 2 x 20 + 17 x 40 + 3 x 40 (invalid query strings) = 1,080
# requests, about 30 s of CPU.
EXAMPLES_WITH_BODY = 20
EXAMPLES = 40
MIN_CASES = 1_000


@dataclass(frozen=True, slots=True)
class LiveApi:
    base_url: str
    token: str


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The app on waitress, with a user who has a list and a token."""
    import waitress

    path: Path = tmp_path_factory.mktemp("schemathesis") / "api.db"
    store = open_store(f"sqlite:///{path}")
    store.upgrade()
    load_demo(store)
    user = local_user(store, "fuzzer")
    assert user is not None
    for recipe in store.search_recipes("", per_page=3).items:
        store.select_recipe(user.id, recipe.id, 2)
    store.add_list_item(ListItem(user_id=user.id, text="paper towels"))
    _, secret = issue_token(store, user, "schemathesis")
    app = create_app(Settings(database_url="sqlite://", secret_key="fuzz"), store=store)
    server: Any = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield LiveApi(f"http://127.0.0.1:{server.effective_port}", secret)
    finally:
        logging.getLogger("waitress").setLevel(logging.CRITICAL)
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=10)
        store.close()


def run_cases(operation: Any, mode: GenerationMode, http: requests.Session) -> int:
    """Send generated requests to one operation and validate each response; return how many."""
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_WITH_BODY if len(operation.body) else EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run: CI failures reproduce locally
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(session=http)

    check()
    return sent


def test_every_operation_survives_generated_requests(live_api: LiveApi) -> None:
    config = schemathesis.Config.from_dict(
        {
            "base-url": f"{live_api.base_url}/api/v1",
            # Through the document's own scheme, so checks know which credentials are real.
            "auth": {"openapi": {"bearerAuth": {"bearer": live_api.token}}},
            # That check re-sends every accepted request without and with bad credentials;
            # test_api_access.py covers exactly that for every operation, at a fraction of the cost.
            "checks": {
                "ignored_auth": {"enabled": False},
                # A generated body over 1 MiB is refused before it is read: 413, as it should.
                "negative_data_rejection": {
                    "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422]
                },
            },
        }
    )
    schema = schemathesis.openapi.from_url(f"{live_api.base_url}/api/openapi.json", config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = build_document()["paths"]
    assert len(operations) == sum(len(item.keys() - {"parameters"}) for item in documented.values())

    cases = 0
    with requests.Session() as http:  # one keep-alive connection instead of one per case
        for operation in operations:
            cases += run_cases(operation, GenerationMode.POSITIVE, http)
            # Only query strings and bodies can be made invalid: any string is a valid path
            # parameter, and an operation with neither has no invalid request to generate.
            if len(operation.query) or len(operation.body):
                cases += run_cases(operation, GenerationMode.NEGATIVE, http)

    assert cases >= MIN_CASES
