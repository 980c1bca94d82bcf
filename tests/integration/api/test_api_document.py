"""The OpenAPI document: in step with the app's routes, well formed, and readable at /api/docs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from api_callers import API, DOCUMENT, Caller, openapi_path
from flask import Flask
from jsonschema import Draft202012Validator

METHODS = {"GET", "PUT", "POST", "PATCH", "DELETE"}


def routes(app: Flask) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every route under /api/v1."""
    return {
        (openapi_path(rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/") and rule.methods is not None
        for method in rule.methods & METHODS
    }


def documented() -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in DOCUMENT["paths"].items()
        for method in item
        if method.upper() in METHODS
    }


def refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(value) for value in node))
    return set()


def test_every_route_is_documented_and_every_documented_operation_exists(app: Flask) -> None:
    assert routes(app) == documented()


def test_path_parameters_match_the_routes() -> None:
    for path, item in DOCUMENT["paths"].items():
        declared = {p["$ref"].rsplit("/", 1)[-1] for p in item.get("parameters", [])}
        names = {DOCUMENT["components"]["parameters"][p]["name"] for p in declared}
        assert names == set(re.findall(r"{(\w+)}", path)), path


def test_every_reference_resolves() -> None:
    for ref in refs(DOCUMENT):
        node: Any = DOCUMENT
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]


def test_every_schema_is_valid_json_schema() -> None:
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_operations_have_unique_ids_and_document_401() -> None:
    operations = [
        op for item in DOCUMENT["paths"].values() for m, op in item.items() if m != "parameters"
    ]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert all("401" in op["responses"] for op in operations)


def test_the_document_is_served_with_the_apps_mount_point(anon: Caller) -> None:
    response = anon.get("/api/openapi.json", base_url="http://localhost/prod/")

    assert response.status_code == 200
    assert response.get_json()["servers"] == [{"url": "/prod/api/v1"}]
    assert response.get_json()["paths"] == DOCUMENT["paths"]
    assert response.get_json()["openapi"] == "3.1.0"


def test_the_document_names_the_schemas_and_security_schemes_asked_for() -> None:
    components = DOCUMENT["components"]
    assert set(components["schemas"]) >= {
        "Recipe",
        "RecipeSummary",
        "Page",
        "IngredientLine",
        "ShoppingList",
        "ListItem",
        "Selection",
        "Error",
        "Token",
    }
    assert components["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert components["securitySchemes"]["cookieAuth"]["in"] == "cookie"


def test_the_docs_page_lists_every_operation_and_schema(anon: Caller) -> None:
    response = anon.get("/api/docs")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for path, method in documented():
        assert f"{method}</span> <code>{path}</code>" in html
    for name in DOCUMENT["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "<code>Authorization: Bearer rbx_...</code>" in html
    assert "<strong>Authentication.</strong>" in html


def test_the_docs_page_loads_nothing_from_elsewhere_and_nothing_inline(anon: Caller) -> None:
    response = anon.get("/api/docs")
    html = response.get_data(as_text=True)

    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert not re.search(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son\w+=", html)
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html)
    css = re.search(r'<link rel="stylesheet" href="(/api/static/[^"]+)">', html)
    assert css is not None
    with anon.client.get(css.group(1)) as stylesheet:
        assert stylesheet.status_code == 200


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs"])
def test_the_document_and_docs_need_no_sign_in(anon: Caller, path: str) -> None:
    assert anon.get(path).status_code == 200
