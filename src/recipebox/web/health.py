"""`/healthz`: liveness plus a cheap storage check."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from recipebox.domain.errors import StorageUnavailable
from recipebox.web.context import get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 with the storage description, or 503 when storage is unreachable."""
    try:
        detail = get_store().check()
    except StorageUnavailable as exc:
        return jsonify(status="unavailable", error=str(exc)), 503, {"Retry-After": "5"}
    return jsonify(status="ok", storage=detail)
