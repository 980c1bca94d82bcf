"""The AWS storages serve pages without boto3: a fresh Lambda process, DynamoDB or lambda://.

boto3 and botocore cost as much to import as a hello-world cold start, so the web function's
request path signs its DynamoDB and Lambda requests with `recipebox.store.aws_http`. Each test
runs the web handler in a new process, as a Lambda container would, serves the home page and
`/healthz` (the storage check), and lists the AWS SDK modules that were imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from recipebox.domain.recipes import Recipe
from recipebox.store.dynamodb import DynamoStore
from recipebox.store.sql import SqlStore

if TYPE_CHECKING:
    from remote_fixtures import LambdaApi

SERVE = """
import json, sys
from recipebox.aws import handlers
from recipebox.aws.events import rest_event
pages = [handlers.web(rest_event(path=path), None) for path in ("/", "/healthz")]
sdk = sorted(m for m in ("boto3", "botocore", "s3transfer") if m in sys.modules)
print(json.dumps({"pages": [[p["statusCode"], p["body"]] for p in pages], "sdk": sdk}))
"""
# Fake credentials, as Lambda sets them for the function's role; nothing else of the machine's.
LAMBDA_ENV = {
    "AWS_LAMBDA_FUNCTION_NAME": "recipebox-web",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "RECIPEBOX_SECRET_KEY": "test-secret-key-0123456789abcdef",
}


def serve_in_a_fresh_process(database_url: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RECIPEBOX_"))}
    env.update(LAMBDA_ENV, RECIPEBOX_DATABASE_URL=database_url)
    done = subprocess.run(
        [sys.executable, "-c", SERVE], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def assert_served_without_the_sdk(result: dict[str, object], title: str, storage: str) -> None:
    (home_status, home), (health_status, health) = result["pages"]  # type: ignore[misc]
    assert (home_status, title in home) == (200, True)
    assert (health_status, json.loads(health)["status"]) == (200, "ok")
    assert storage in json.loads(health)["storage"]
    assert result["sdk"] == []


@pytest.mark.dynamodb
def test_pages_on_dynamodb_import_neither_boto3_nor_botocore(
    dynamodb: DynamoStore, dynamodb_url: str
) -> None:
    dynamodb.add_recipe(Recipe(title="Cold-start soup"))
    result = serve_in_a_fresh_process(dynamodb_url)
    assert_served_without_the_sdk(
        result, "Cold-start soup", f"dynamodb table {dynamodb.table_name}"
    )


def test_pages_on_the_data_function_import_neither_boto3_nor_botocore(
    lambda_api: LambdaApi, data_function: str, sqlite: SqlStore
) -> None:
    sqlite.add_recipe(Recipe(title="Split-topology stew"))
    endpoint = lambda_api.endpoint_url
    result = serve_in_a_fresh_process(
        f"lambda://{data_function}?region=us-east-1&endpoint_url={endpoint}"
    )
    assert_served_without_the_sdk(result, "Split-topology stew", f"Lambda function {data_function}")
