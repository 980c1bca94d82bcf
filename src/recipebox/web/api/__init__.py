"""The JSON API under /api/v1, its OpenAPI document and docs page."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the API blueprints on `app`."""
