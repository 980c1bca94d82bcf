"""Fixtures for the unit tests: sample Lambda events and small WSGI apps for lambda_http."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response, redirect, request, url_for
from lambda_events import RecordingApp

# In CI the checkout is a fresh clone with a copy of shared/ beside it: <repo>/../shared.
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "lambda-events"


@pytest.fixture(scope="session")
def lambda_samples() -> Path:
    """The AWS sample events folder (skipped locally when absent, required in CI)."""
    if not SAMPLES.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"sample Lambda events missing: {SAMPLES}")
        pytest.skip(f"sample Lambda events not found at {SAMPLES} (shared/ beside the repo)")
    return SAMPLES


@pytest.fixture
def load_sample(lambda_samples: Path) -> Callable[[str], dict[str, Any]]:
    def load(name: str) -> dict[str, Any]:
        event: dict[str, Any] = json.loads((lambda_samples / name).read_text())
        return event

    return load


@pytest.fixture
def recorder() -> RecordingApp:
    return RecordingApp()


@pytest.fixture
def recipes_app() -> Flask:
    """A small Flask app exercising what the adapter must get right for real apps."""
    app = Flask("lambda_http_test")

    @app.get("/recipes/")
    def recipes() -> dict[str, str]:
        return {
            "here": url_for("recipes"),
            "external": url_for("recipes", _external=True),
            "remote_addr": request.remote_addr or "",
        }

    @app.get("/go")
    def go() -> Any:
        return redirect(url_for("recipes"))

    @app.get("/café")
    def cafe() -> str:
        return "café ☕"

    @app.get("/args")
    def args() -> dict[str, list[str]]:
        return request.args.to_dict(flat=False)

    @app.get("/cookies")
    def cookies() -> dict[str, str]:
        return dict(request.cookies)

    @app.post("/login")
    def login() -> Response:
        response = Response("welcome", content_type="text/plain; charset=utf-8")
        response.set_cookie("session", "s3cr3t", httponly=True)
        response.set_cookie("theme", "dark")
        return response

    @app.post("/echo")
    def echo() -> Response:
        return Response(request.get_data(), content_type=request.content_type)

    @app.get("/photo.png")
    def photo() -> Response:
        return Response(b"\x89PNG\r\n\x1a\n\x00\xff", content_type="image/png")

    @app.get("/gzipped")
    def gzipped() -> Response:
        response = Response(gzip.compress(b'{"a": 1}', mtime=0), content_type="application/json")
        response.headers["Content-Encoding"] = "gzip"
        return response

    return app
