"""Strict reading of JSON bodies and query strings: every error names the field at fault.

Limits live here as constants so the OpenAPI document (`schemas.py`) states the same ones.
Failures raise `Invalid` (400) or `UnsupportedMediaType` (415); `recipebox.web.errors`
renders them as JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from flask import request
from werkzeug.exceptions import NotFound, UnsupportedMediaType

from recipebox.domain.errors import Invalid
from recipebox.domain.units import System

T = TypeVar("T", bound=str)

TITLE_MAX = 200
TEXT_MAX = 20_000
LINE_MAX = 500
LIST_MAX = 200
TAG_MAX = 40
TAGS_MAX = 20
URL_MAX = 2_000
NAME_MAX = 100
ITEM_MAX = 200
SERVINGS_MAX = 100
QUERY_MAX = 200
PER_PAGE_MAX = 100
UNIT_SYSTEMS: tuple[System, ...] = ("metric", "us")

# The same rules as JSON Schema patterns, for the OpenAPI document (`schemas.py`). Blanks are
# ASCII whitespace only, so both sides agree on what "empty" means.
BLANKS = " \t\n\r\f\v"
TEXT_PATTERN = r"^[^\x00]*$"
VISIBLE_PATTERN = r"^[^\x00]*[^\x00 \t\n\r\f\v][^\x00]*$"
URL_PATTERN = r"^(https?://[^\x00-\x20/?#]+[^\x00-\x20]*)?$"

_VISIBLE = re.compile(VISIBLE_PATTERN)
_URL = re.compile(URL_PATTERN)
_BLANK_RUN = re.compile(r"[ \t\n\r\f\v]+")
_INTEGER = re.compile(r"-?[0-9]{1,12}")


def _no_constant(name: str) -> None:
    # NaN and Infinity are accepted by Python's json module but are not JSON.
    raise ValueError(f"{name} is not JSON")


def json_object(*, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object (415 unless JSON, 400 unless an object).

    An `optional` body may be left out entirely, which reads as `{}`.
    """
    raw = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH
    if optional and not raw and not request.is_json:
        return {}
    if not request.is_json:
        raise UnsupportedMediaType("send a JSON body with Content-Type: application/json")
    try:
        body = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    return body


def only_fields(body: Mapping[str, Any], allowed: Collection[str]) -> None:
    """Reject fields the operation does not know (typos must not pass silently)."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise Invalid(f"{unknown[0]}: unknown field (allowed: {', '.join(sorted(allowed))})")


def as_string(
    value: Any, field: str, *, max_length: int, non_empty: bool = False, multiline: bool = False
) -> str:
    """A string of at most `max_length` characters, trimmed; inner runs of blanks become one
    space unless `multiline`. Matches `TEXT_PATTERN` or, if `non_empty`, `VISIBLE_PATTERN`.
    """
    if not isinstance(value, str):
        raise Invalid(f"{field}: must be a string")
    if len(value) > max_length:
        raise Invalid(f"{field}: must be at most {max_length} characters")
    # NUL cannot be stored by PostgreSQL and lone surrogates cannot be encoded as UTF-8.
    if "\x00" in value:
        raise Invalid(f"{field}: must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{field}: must be valid Unicode text") from None
    if non_empty and not _VISIBLE.fullmatch(value):
        raise Invalid(f"{field}: must not be empty")
    return value.strip(BLANKS) if multiline else _BLANK_RUN.sub(" ", value).strip(" ")


def as_int(value: Any, field: str, *, minimum: int, maximum: int) -> int:
    """An integer within bounds; 4.0 is one too, as JSON Schema says (a boolean is not)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{field}: must be an integer")
    if not minimum <= value <= maximum:
        raise Invalid(f"{field}: must be between {minimum} and {maximum}")
    return value


def as_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{field}: must be true or false")
    return value


def as_strings(value: Any, field: str, *, max_items: int, max_length: int) -> list[str]:
    """A list of non-empty single-line strings."""
    if not isinstance(value, list):
        raise Invalid(f"{field}: must be a list of strings")
    if len(value) > max_items:
        raise Invalid(f"{field}: must have at most {max_items} entries")
    return [
        as_string(item, f"{field}[{index}]", max_length=max_length, non_empty=True)
        for index, item in enumerate(value)
    ]


def as_url(value: Any, field: str) -> str | None:
    """An absolute http(s) URL matching `URL_PATTERN`, or None for null or an empty string."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field}: must be a string")
    if len(value) > URL_MAX:
        raise Invalid(f"{field}: must be at most {URL_MAX} characters")
    if not _URL.fullmatch(value):
        raise Invalid(f"{field}: must be an http or https URL")
    return value or None


def required(body: Mapping[str, Any], field: str) -> Any:
    if field not in body:
        raise Invalid(f"{field}: is required")
    return body[field]


def plain_path() -> None:
    """404 for ids holding NUL ("%00"): nothing has one, and PostgreSQL cannot even look."""
    if any("\x00" in str(value) for value in (request.view_args or {}).values()):
        raise NotFound("no such object")


# --- query strings ---------------------------------------------------------------------


def query_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise Invalid(f"{name}: must be an integer")
    return as_int(int(raw), name, minimum=minimum, maximum=maximum)


def query_optional_int(name: str, *, minimum: int, maximum: int) -> int | None:
    if name not in request.args:
        return None
    return query_int(name, minimum, minimum=minimum, maximum=maximum)


def query_string(name: str, *, max_length: int) -> str:
    return as_string(request.args.get(name, ""), name, max_length=max_length)


def query_choice(name: str, choices: Collection[T]) -> T | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    for choice in choices:
        if raw == choice:
            return choice
    raise Invalid(f"{name}: must be one of {', '.join(choices)}")
