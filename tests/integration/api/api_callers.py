"""Callers of the JSON API for the tests, and checks against the OpenAPI document.

A `Caller` is a Flask test client signed in one way (session cookie with its CSRF token,
bearer token, or nobody). Every response it gets for a path under /api/v1 is checked
against the OpenAPI document: the status must be documented for the operation and the
JSON body must validate against the documented schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import TestResponse

from recipebox.domain.users import User
from recipebox.services.people import local_user
from recipebox.web.api.openapi import build_document
from recipebox.web.api.tokens import issue_token
from recipebox.web.context import get_store

API = "/api/v1"
DOCUMENT = build_document()
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
_RULE_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def openapi_path(rule: str) -> str:
    """A Flask rule under /api/v1 as an OpenAPI path ("/recipes/<id>" -> "/recipes/{id}")."""
    return _RULE_PARAM.sub(r"{\1}", rule.removeprefix(API))


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """Validate against `schema`, resolving its $refs inside the OpenAPI document."""
    return Draft202012Validator({**schema, "components": DOCUMENT["components"]})


def assert_conforms(instance: Any, schema_name: str) -> None:
    validator({"$ref": f"#/components/schemas/{schema_name}"}).validate(instance)


def documented_response(app: Flask, method: str, path: str, status: int) -> dict[str, Any] | None:
    """The schema documented for this response, None for a body-less one; fail if undocumented."""
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(path.split("?")[0], method, return_rule=True)
    except (NotFound, MethodNotAllowed):
        return {"$ref": "#/components/schemas/Error"}  # routing errors are plain JSON errors
    operation = DOCUMENT["paths"][openapi_path(rule.rule)][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {path}: status {status} is not documented"
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        response = DOCUMENT["components"]["responses"][name]
    content = response.get("content")
    return None if content is None else content["application/json"]["schema"]


@dataclass
class Caller:
    """A test client signed in one way; its /api/v1 responses are checked against the document."""

    app: Flask
    client: FlaskClient
    user: User | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = self.headers | kwargs.pop("headers", {})
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        if path.startswith(API):
            self._check(method, path, response)
        return response

    def _check(self, method: str, path: str, response: TestResponse) -> None:
        schema = documented_response(self.app, method, path, response.status_code)
        if schema is None:
            assert response.data == b"", f"{method} {path}: undocumented body"
            return
        assert response.mimetype == "application/json", f"{method} {path}: {response.mimetype}"
        validator(schema).validate(response.get_json())

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)


def csrf_token(client: FlaskClient, page: str = "/auth/signin") -> str:
    """The CSRF token a page of the site hands this client's session."""
    match = _CSRF_META.search(client.get(page).get_data(as_text=True))
    assert match is not None, f"no CSRF token on {page}"
    return match.group(1)


def sign_in(app: Flask, name: str) -> Caller:
    """A client signed in through the development sign-in form, with its CSRF header."""
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/auth/dev", data={"name": name, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        user = local_user(get_store(), name, create=False)
    # Signing in starts a fresh session, so the token is fetched again.
    return Caller(app, client, user, {"X-CSRFToken": csrf_token(client, "/settings/tokens")})


def with_token(app: Flask, user: User) -> tuple[Caller, str]:
    """A cookie-less client sending a new personal access token of `user`, and the secret."""
    with app.app_context():
        _, secret = issue_token(get_store(), user, "tests")
    return Caller(app, app.test_client(), user, {"Authorization": f"Bearer {secret}"}), secret


NEW_RECIPE: dict[str, Any] = {
    "title": "Lemon pancakes",
    "servings": 2,
    "description": "Thin pancakes.",
    "ingredients": ["For the batter:", "200 g flour", "2 eggs", "300 ml milk", "a pinch of salt"],
    "steps": ["Whisk.", "Fry."],
    "tags": ["Breakfast", "quick"],
}
