"""The data protocol's vocabulary, shared by client and server: version, limits, errors, operations.

OPS is the allow-list: the only names a request may carry, each with its parameters and the
codec of its result. Operation names equal `Store` method names, except `dump_page` (the
server pages `dump`, which is a stream); `close` is not an operation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from recipebox.domain.errors import Conflict, Invalid, NotFound, RecipeboxError, StorageUnavailable
from recipebox.store.remote import codec as c
from recipebox.store.remote.codec import Codec

VERSION = 1
# Lambda accepts 6 MB (6,291,456 bytes) each way for a synchronous invoke
# (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); keep a margin
# for the envelope and for the runtime's own JSON encoding.
REQUEST_LIMIT = 5_500_000
RESPONSE_LIMIT = 5_500_000
DUMP_PAGE_RECORDS = 1000  # most records one dump page holds (fewer when they are large)


class TooLarge(Invalid):
    """A request or a result is larger than one remote call carries."""


# Wire name -> exception class. A client raises the same class the backend raised.
ERRORS: dict[str, type[RecipeboxError]] = {
    "NotFound": NotFound,
    "Conflict": Conflict,
    "TooLarge": TooLarge,
    "Invalid": Invalid,
    "StorageUnavailable": StorageUnavailable,
    "Error": RecipeboxError,
}
_WIRE_NAMES = {cls: name for name, cls in ERRORS.items()}


def error_record(exc: RecipeboxError) -> dict[str, str]:
    """{"type": ..., "message": ...} for the nearest class of `exc` the protocol knows."""
    name = next(_WIRE_NAMES[cls] for cls in type(exc).__mro__ if cls in _WIRE_NAMES)
    return {"type": name, "message": str(exc)}


def error_from_record(record: Any) -> RecipeboxError:
    """The exception an error record stands for (StorageUnavailable when it is malformed)."""
    if not isinstance(record, dict) or not isinstance(record.get("message"), str):
        return StorageUnavailable(f"the data service sent a malformed error: {record!r:.200}")
    cls = ERRORS.get(record.get("type", ""), StorageUnavailable)
    return cls(record["message"])


def encoded_size(value: Any) -> int:
    """Bytes of `value` as JSON with Python's defaults (ASCII escapes): an upper bound."""
    return len(json.dumps(value))


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    codec: Codec[Any]
    required: bool = True


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: parameters in `Store` method order, and how its result travels."""

    params: tuple[Param, ...]
    result: Codec[Any]

    def encode_args(self, args: Mapping[str, Any]) -> dict[str, Any]:
        return {p.name: p.codec.encode(args[p.name]) for p in self.params if p.name in args}

    def decode_args(self, args: Any) -> dict[str, Any]:
        """Checked keyword arguments; Invalid names the first bad one."""
        if not isinstance(args, dict):
            raise Invalid("args must be an object")
        known = {p.name for p in self.params}
        unknown = sorted(set(args) - known)
        if unknown:
            raise Invalid(f"unknown argument(s): {', '.join(unknown)}")
        decoded = {}
        for p in self.params:
            if p.name not in args:
                if p.required:
                    raise Invalid(f"missing argument {p.name!r}")
                continue
            try:
                decoded[p.name] = p.codec.decode(args[p.name])
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                raise Invalid(f"argument {p.name!r} ({p.codec.name}): {exc}") from None
        return decoded


def _op(result: Codec[Any], *params: Param) -> Op:
    return Op(params, result)


def _p(name: str, codec: Codec[Any]) -> Param:
    return Param(name, codec)


def _opt(name: str, codec: Codec[Any]) -> Param:
    return Param(name, codec, required=False)


USER_ID = _p("user_id", c.STR)
RECIPE_ID = _p("recipe_id", c.STR)

OPS: dict[str, Op] = {
    # lifecycle
    "upgrade": _op(c.NONE),
    "check": _op(c.STR),
    # recipes
    "add_recipe": _op(c.RECIPE, _p("recipe", c.RECIPE)),
    "add_recipes": _op(c.INT, _p("recipes", c.RECIPES)),
    "get_recipe": _op(c.RECIPE, RECIPE_ID),
    "get_recipes": _op(c.RECIPE_MAP, _p("recipe_ids", c.STR_LIST)),
    "find_recipe_by_title": _op(c.RECIPE, _p("title", c.STR)),
    "update_recipe": _op(c.RECIPE, _p("recipe", c.RECIPE)),
    "delete_recipe": _op(c.NONE, RECIPE_ID),
    "search_recipes": _op(
        c.PAGE,
        _opt("query", c.STR),
        _opt("tag", c.OPT_STR),
        _opt("owner_id", c.OPT_STR),
        _opt("page", c.INT),
        _opt("per_page", c.INT),
    ),
    "count_recipes": _op(c.INT),
    "tags": _op(c.TAG_COUNTS, _opt("limit", c.INT)),
    # users and identities
    "get_user": _op(c.USER, USER_ID),
    "user_for_identity": _op(c.OPT_USER, _p("provider", c.STR), _p("subject", c.STR)),
    "add_user": _op(c.USER, _p("user", c.USER), _opt("identity", c.OPT_IDENTITY)),
    "update_user": _op(c.USER, _p("user", c.USER)),
    "link_identity": _op(c.NONE, _p("identity", c.IDENTITY)),
    "unlink_identity": _op(c.NONE, USER_ID, _p("provider", c.STR)),
    "identities": _op(c.IDENTITIES, USER_ID),
    # selections and the list
    "select_recipe": _op(c.SELECTION, USER_ID, RECIPE_ID, _p("servings", c.INT)),
    "unselect_recipe": _op(c.NONE, USER_ID, RECIPE_ID),
    "selections": _op(c.SELECTIONS, USER_ID),
    "add_list_item": _op(c.LIST_ITEM, _p("item", c.LIST_ITEM)),
    "set_item_checked": _op(c.NONE, USER_ID, _p("item_id", c.STR), _p("checked", c.BOOL)),
    "delete_list_item": _op(c.NONE, USER_ID, _p("item_id", c.STR)),
    "set_line_checked": _op(c.NONE, USER_ID, _p("line_key", c.STR), _p("checked", c.BOOL)),
    "clear_checked": _op(c.NONE, USER_ID),
    "set_staples": _op(c.NONE, USER_ID, _p("staples", c.STR_LIST)),
    "shopping_data": _op(c.SHOPPING, USER_ID),
    # access tokens
    "add_token": _op(c.TOKEN, _p("token", c.TOKEN)),
    "tokens": _op(c.TOKENS, USER_ID),
    "user_for_token": _op(c.OPT_USER, _p("token_hash", c.STR)),
    "revoke_token": _op(c.NONE, USER_ID, _p("token_id", c.STR)),
    # bulk: dump is a stream, served a page at a time (see server.dump_page)
    "dump_page": _op(
        c.DUMP_PAGE, _p("kind", c.STR), _opt("after", c.OPT_STR_LIST), _opt("limit", c.INT)
    ),
    "load": _op(c.NONE, _p("records", c.RECORDS)),
}
