"""`/api/openapi.json` and `/api/docs`: the document, and a page that reads it out.

The page is rendered on the server from the same document (no script, no CDN: the site's
Content-Security-Policy allows neither), so it cannot drift from what clients download.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from recipebox.web.api.openapi import build_document

bp = Blueprint("api_docs", __name__, url_prefix="/api", static_folder="static")

METHODS = ("get", "put", "post", "patch", "delete")
_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")


@bp.app_template_filter("inline_markup")
def inline_markup(text: str) -> Markup:
    """The document's Markdown subset: `code` and **strong**, everything else escaped."""
    html = str(escape(text))
    html = _CODE.sub(r"<code>\1</code>", html)
    return Markup(_STRONG.sub(r"<strong>\1</strong>", html))  # noqa: S704 - escaped above


@dataclass(frozen=True, slots=True)
class Field:
    """A parameter or a schema property, as one row of a table."""

    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class OperationView:
    method: str
    path: str
    tag: str
    anchor: str
    summary: str
    description: str
    parameters: tuple[Field, ...]
    body: str | None
    responses: tuple[tuple[str, str, str | None], ...]
    cookie_needs_csrf: bool


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def describe_type(schema: dict[str, Any]) -> str:
    """A schema as words: "Recipe", "array of string", "string or null", "one of metric, us"."""
    name = _ref_name(schema)
    if name is not None:
        return name
    if "enum" in schema:
        return "one of " + ", ".join("null" if v is None else str(v) for v in schema["enum"])
    kind = schema.get("type", "any")
    words = " or ".join(kind) if isinstance(kind, list) else str(kind)
    if kind == "array":
        words = "array of " + describe_type(schema.get("items", {}))
    if schema.get("format"):
        words += f" ({schema['format']})"
    return words


def _limits(schema: dict[str, Any]) -> str:
    parts = [
        f"{label} {schema[key]}"
        for key, label in (
            ("minLength", "min length"),
            ("maxLength", "max length"),
            ("minimum", "min"),
            ("maximum", "max"),
            ("minItems", "min items"),
            ("maxItems", "max items"),
            ("default", "default"),
        )
        if key in schema
    ]
    return "; ".join(parts)


def _field(name: str, where: str, schema: dict[str, Any], required: bool, text: str) -> Field:
    limits = _limits(schema)
    description = " ".join(part for part in (text, f"({limits})" if limits else "") if part)
    return Field(name, where, describe_type(schema), required, description)


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    resolved: dict[str, Any] = target
    return resolved


def operations(document: dict[str, Any]) -> list[OperationView]:
    """Every operation of the document in path order, references resolved for reading."""
    views = []
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [_resolve(document, p) for p in (*shared, *op.get("parameters", []))]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            responses = []
            for status, response in op["responses"].items():
                response = _resolve(document, response)
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                responses.append(
                    (status, response["description"], None if schema is None else _ref_name(schema))
                )
            views.append(
                OperationView(
                    method=method.upper(),
                    path=path,
                    tag=op["tags"][0],
                    anchor=op["operationId"],
                    summary=op["summary"],
                    description=op.get("description", ""),
                    parameters=tuple(
                        _field(
                            p["name"],
                            p["in"],
                            p["schema"],
                            p.get("required", False),
                            p.get("description", ""),
                        )
                        for p in params
                    ),
                    body=_ref_name(body["schema"]) if body else None,
                    responses=tuple(responses),
                    cookie_needs_csrf=any(len(s) > 1 for s in op.get("security", [])),
                )
            )
    return views


def schema_fields(schema: dict[str, Any]) -> list[Field]:
    """The properties of an object schema as table rows."""
    required = set(schema.get("required", []))
    return [
        _field(name, "", prop, name in required, prop.get("description", ""))
        for name, prop in schema.get("properties", {}).items()
    ]


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    """The OpenAPI 3.1 document of /api/v1."""
    return jsonify(build_document(request.script_root))


@bp.get("/docs")
def docs_page() -> ResponseReturnValue:
    """The API reference, readable in a browser."""
    document = build_document(request.script_root)
    schemas = document["components"]["schemas"]
    return render_template(
        "api/docs.html",
        document=document,
        operations=operations(document),
        schemas=[(name, s, schema_fields(s)) for name, s in schemas.items()],
        schema_names=set(schemas),
        server=document["servers"][0]["url"],
    )
