"""The Lambda entry point `web`: the site behind every front door, commands, cold-start rules."""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from recipebox.aws import handlers
from recipebox.aws.events import REST_HOST, alb_event, function_url_event, http_v2_event, rest_event
from recipebox.aws.lambda_http import UnsupportedEvent
from recipebox.services.seeding import load_demo
from recipebox.store.sql import SqlStore
from recipebox.store.sql.schema import SCHEMA_VERSION

SECRET = "test-secret-key-that-must-never-be-logged"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = re.compile(r"^([^=;]+=[^;]*)")


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with the demo recipes, copied by each test."""
    path = tmp_path_factory.mktemp("handlers") / "template.db"
    store = SqlStore(f"sqlite:///{path}")
    store.upgrade()
    load_demo(store)
    store.close()
    return path


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment variables as a deployed function has them; a fresh container per test."""
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": "recipebox-web",
        "RECIPEBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'recipebox.db'}",
        "RECIPEBOX_SECRET_KEY": SECRET,
        "RECIPEBOX_DEV_LOGIN": "1",
    }
    for name in ("RECIPEBOX_BASE_PATH", "RECIPEBOX_PRODUCTION", "AWS_LAMBDA_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    handlers.reset()
    yield env
    handlers.reset()


@pytest.fixture
def site(lambda_env: dict[str, str], demo_database: Path, tmp_path: Path) -> dict[str, str]:
    """A seeded database behind the handler; returns the home page's recipes, id -> title."""
    shutil.copyfile(demo_database, tmp_path / "recipebox.db")
    store = SqlStore(lambda_env["RECIPEBOX_DATABASE_URL"])
    recipes = {summary.id: summary.title for summary in store.search_recipes().items}
    store.close()
    return recipes


def page_text(result: dict[str, Any]) -> str:
    assert result["isBase64Encoded"] is False
    return html.unescape(result["body"])


def recipe_links(body: str) -> set[str]:
    return set(re.findall(r'href="([^"]*/recipes/[0-9A-Z]{26})"', body))


def assert_lists_recipes(body: str, recipes: dict[str, str], root: str) -> None:
    """The page shows every recipe's title and links to it, every recipe link under root."""
    assert all(title in body for title in recipes.values())
    links = recipe_links(body)
    assert {f"{root}/recipes/{recipe_id}" for recipe_id in recipes} <= links
    assert {link.partition("/recipes/")[0] for link in links} == {root}


# --- the site behind each front door ----------------------------------------------------


def test_rest_stage_home_page_lists_the_demo_recipes_under_the_stage(site: dict[str, str]) -> None:
    result = handlers.web(rest_event(path="/", stage="dev"), None)
    assert result["statusCode"] == 200
    body = page_text(result)
    assert_lists_recipes(body, site, "/dev")
    assert 'href="/dev/static/site.css"' in body


@pytest.mark.parametrize(
    "event",
    [
        http_v2_event(raw_path="/", stage="$default"),
        function_url_event(raw_path="/"),
        alb_event(path="/"),
        alb_event(path="/", multi_value=True),
    ],
    ids=["http-default", "function-url", "alb", "alb-multi-value"],
)
def test_home_page_at_the_root_behind_other_front_doors(
    site: dict[str, str], event: dict[str, Any]
) -> None:
    result = handlers.web(event, None)
    assert result["statusCode"] == 200
    assert_lists_recipes(page_text(result), site, "")


def test_http_api_named_stage_keeps_the_stage_in_links(site: dict[str, str]) -> None:
    body = page_text(handlers.web(http_v2_event(raw_path="/dev/", stage="dev"), None))
    assert_lists_recipes(body, site, "/dev")


def test_base_path_mapping_from_the_environment(
    site: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECIPEBOX_BASE_PATH", "cook")
    handlers.reset()
    event = rest_event(path="/cook/", stage="prod", host="recipes.example.com")
    assert_lists_recipes(page_text(handlers.web(event, None)), site, "/cook")


def test_dev_sign_in_redirects_within_the_stage_and_the_cookie_signs_in(
    site: dict[str, str],
) -> None:
    page = handlers.web(rest_event(path="/auth/signin", stage="dev"), None)
    cookies = [COOKIE.match(c)[1] for c in page["multiValueHeaders"]["Set-Cookie"]]  # type: ignore[index]
    token = CSRF_FIELD.search(page["body"])[1]  # type: ignore[index]
    form = urlencode({"csrf_token": token, "name": "Ada", "next": "/list"})
    signed_in = handlers.web(
        rest_event(
            method="POST",
            path="/auth/dev",
            stage="dev",
            headers={
                "Content-Type": ["application/x-www-form-urlencoded"],
                "Cookie": cookies,
                # Flask-WTF checks the Referer of HTTPS form posts, as browsers send it.
                "Referer": [f"https://{REST_HOST}/dev/auth/signin"],
            },
            body=form,
            b64=True,  # a REST API with binaryMediaTypes */* sends every body base64
        ),
        None,
    )
    assert (signed_in["statusCode"], signed_in["multiValueHeaders"]["Location"]) == (
        302,
        ["/dev/list"],
    )
    session = [COOKIE.match(c)[1] for c in signed_in["multiValueHeaders"]["Set-Cookie"]]  # type: ignore[index]
    settings = handlers.web(
        rest_event(path="/settings", stage="dev", headers={"Cookie": session}), None
    )
    assert settings["statusCode"] == 200
    assert "Ada" in page_text(settings)


# --- one container, built once -----------------------------------------------------------


def test_the_app_and_storage_are_built_once_per_container(site: dict[str, str]) -> None:
    container = handlers.container()
    assert not container.warm
    first = handlers.web(rest_event(path="/"), None)
    app, store = container.app(), container.store()
    second = handlers.web(http_v2_event(raw_path="/healthz"), None)
    assert (first["statusCode"], second["statusCode"]) == (200, 200)
    assert (container.app(), container.store()) == (app, store)
    assert container.app() is app
    assert container.invocations == 2


def test_settings_come_from_the_environment_with_the_lambda_pool(site: dict[str, str]) -> None:
    settings = handlers.container().settings()
    assert (settings.db_pool, settings.secret_key, settings.production) == ("lambda", SECRET, True)


def test_importing_the_handler_module_loads_no_web_or_database_library() -> None:
    heavy = ("flask", "werkzeug", "jinja2", "sqlalchemy", "alembic", "boto3", "recipe_scrapers")
    code = (
        "import sys, recipebox.aws.handlers\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- management commands -------------------------------------------------------------------


def test_db_upgrade_then_seed_demo_on_an_empty_database(lambda_env: dict[str, str]) -> None:
    upgraded = handlers.web({"recipebox": "db-upgrade"}, None)
    assert upgraded["ok"] is True
    assert upgraded["command"] == "db-upgrade"
    assert upgraded["storage"].endswith(f"(schema {SCHEMA_VERSION})")
    assert handlers.web({"recipebox": "seed-demo"}, None) == {
        "ok": True,
        "command": "seed-demo",
        "added": 49,
    }
    assert handlers.web({"recipebox": "seed-demo"}, None)["added"] == 0


def test_check_reports_each_check(site: dict[str, str]) -> None:
    result = handlers.web({"recipebox": "check"}, None)
    assert result["ok"] is True
    assert [(c["name"], c["ok"]) for c in result["checks"]] == [
        ("storage", True),
        ("secret key", True),
    ]


def test_check_fails_on_an_unmigrated_database_and_a_missing_key(
    lambda_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RECIPEBOX_SECRET_KEY")
    handlers.reset()
    result = handlers.web({"recipebox": "check"}, None)
    assert result["ok"] is False
    storage, key = result["checks"]
    assert (storage["ok"], key["ok"]) == (False, False)
    assert "upgrade the database" in storage["detail"]
    assert "RECIPEBOX_SECRET_KEY is not set" in key["detail"]


def test_domain_errors_answer_ok_false(lambda_env: dict[str, str]) -> None:
    result = handlers.web({"recipebox": "seed-demo"}, None)  # no schema yet
    assert (result["ok"], result["command"]) == (False, "seed-demo")
    assert result["error"]


@pytest.mark.parametrize(
    "event",
    [
        {"recipebox": "warmup"},
        {
            "version": "0",
            "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "123456789012",
            "time": "2024-03-10T13:40:00Z",
            "region": "eu-west-1",
            "resources": ["arn:aws:events:eu-west-1:123456789012:rule/recipebox-warmup"],
            "detail": {},
        },
    ],
    ids=["command", "eventbridge-schedule"],
)
def test_warmup_builds_the_app_without_touching_the_database(
    lambda_env: dict[str, str], tmp_path: Path, event: dict[str, Any]
) -> None:
    database = tmp_path / "recipebox.db"  # SQLite would create it on the first connection
    assert handlers.web(event, None) == {
        "ok": True,
        "command": "warmup",
        "cold": True,
        "invocations": 1,
    }
    assert handlers.container().warm
    assert handlers.web(event, None)["cold"] is False
    assert not database.exists()


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("drop-tables", "'drop-tables'"),
        ("__import__('os').system('id')", "\"__import__('os').system('id')\""),
        ({"raw_command": "print(1)"}, "{'raw_command': 'print(1)'}"),
        (None, "None"),
    ],
)
def test_unknown_commands_are_refused(
    lambda_env: dict[str, str], command: object, shown: str
) -> None:
    assert handlers.web({"recipebox": command}, None) == {
        "ok": False,
        "error": f"unknown command {shown}; allowed: check, db-upgrade, seed-demo, warmup",
    }
    assert not handlers.container().warm


def test_other_event_sources_fail_the_invocation(lambda_env: dict[str, str]) -> None:
    sqs = {"Records": [{"messageId": "1", "eventSource": "aws:sqs", "body": "hello"}]}
    with pytest.raises(UnsupportedEvent) as raised:
        handlers.web(sqs, None)
    assert raised.value.source == "SQS Records"
    other_rule = {"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification"}
    with pytest.raises(UnsupportedEvent):
        handlers.web(other_rule, None)


# --- logging -------------------------------------------------------------------------------


def test_logs_name_the_storage_scheme_but_never_secrets(
    site: dict[str, str], lambda_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="recipebox")
    handlers.web(rest_event(path="/"), None)
    handlers.web({"recipebox": "check"}, None)
    handlers.web({"recipebox": "nope"}, None)
    messages = [record.getMessage() for record in caplog.records]
    assert any("app ready" in m and "storage: sqlite," in m for m in messages)
    assert any(m.startswith("command check: ok") for m in messages)
    assert any(m.startswith("refused: unknown command 'nope'") for m in messages)
    logged = "\n".join(messages) + json.dumps(handlers.web({"recipebox": "check"}, None))
    assert SECRET not in logged
    assert lambda_env["RECIPEBOX_DATABASE_URL"] not in logged
