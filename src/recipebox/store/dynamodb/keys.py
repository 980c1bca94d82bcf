"""The single table's key layout: every partition and sort key recipebox writes, and the table spec.

User-supplied parts of keys (tags, words, providers, subjects, line keys, ids from imports) go
through `part`, which escapes "%" and "#", so "#" always separates key segments unambiguously.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import CreateGlobalSecondaryIndexActionTypeDef

PK = "pk"
SK = "sk"
KIND = "kind"  # entity kind (an ENTITY_KINDS name) on entity items only: the sparse GSI below
KIND_INDEX = "by_kind"

Key = dict[str, str]

# Head item of every listing and posting partition sorted by time: '~' sorts after the digits
# every time key starts with, so a descending Query returns the count first, then the newest.
COUNT_SK = "~COUNT"
RECENT = "RECENT"
TAGS = "TAGS"
LIST_PREFIX = "L#"
IDENT_PREFIX = "IDENT#"
TOKEN_PREFIX = "TOKEN#"  # noqa: S105 - a key prefix, not a secret
SELECTED_BY_PREFIX = "SELBY#"
SELECTION_PREFIX = LIST_PREFIX + "SEL#"
ITEM_PREFIX = LIST_PREFIX + "ITEM#"
CHECKED_PREFIX = LIST_PREFIX + "CHECKED#"


def part(value: str) -> str:
    """Escape a user-supplied key segment so it never contains the separator."""
    return value.replace("%", "%25").replace("#", "%23")


def unpart(value: str) -> str:
    """Inverse of `part`."""
    return value.replace("%23", "#").replace("%25", "%")


def time_key(moment: datetime) -> str:
    """A fixed-width UTC timestamp that sorts like the time (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def ordered_sk(created_at: datetime, recipe_id: str) -> str:
    """Sort key of a recipe in a listing or posting partition: by creation time, then id."""
    return f"{time_key(created_at)}#{part(recipe_id)}"


def recipe_id_of(ordered: str) -> str:
    """The recipe id inside an `ordered_sk` value."""
    return unpart(ordered.partition("#")[2])


# --- recipes and their index items ----------------------------------------------------------
def recipe_key(recipe_id: str) -> Key:
    return {PK: f"RECIPE#{part(recipe_id)}", SK: "RECIPE"}


def selected_by_key(recipe_id: str, user_id: str) -> Key:
    return {PK: f"RECIPE#{part(recipe_id)}", SK: SELECTED_BY_PREFIX + part(user_id)}


def word_pk(word: str) -> str:
    return f"W#{part(word)}"


def tag_pk(tag: str) -> str:
    return f"T#{part(tag)}"


def owner_pk(owner_id: str) -> str:
    return f"O#{part(owner_id)}"


def title_pk(title: str) -> str:
    # Hashed: a title may be longer than the 2048-byte partition key limit.
    return "TITLE#" + hashlib.sha256(title.encode()).hexdigest()[:40]


def count_key(pk: str) -> Key:
    return {PK: pk, SK: COUNT_SK}


def tag_count_key(tag: str) -> Key:
    return {PK: TAGS, SK: part(tag)}


# --- users, identities, tokens, lists ---------------------------------------------------------
def user_pk(user_id: str) -> str:
    return f"USER#{part(user_id)}"


def user_key(user_id: str) -> Key:
    return {PK: user_pk(user_id), SK: "PROFILE"}


def identity_key(provider: str, subject: str) -> Key:
    return {PK: f"IDENTITY#{part(provider)}#{part(subject)}", SK: "IDENTITY"}


def identity_link_key(user_id: str, provider: str, subject: str) -> Key:
    return {PK: user_pk(user_id), SK: f"{IDENT_PREFIX}{part(provider)}#{part(subject)}"}


def token_key(user_id: str, token_id: str) -> Key:
    return {PK: user_pk(user_id), SK: TOKEN_PREFIX + part(token_id)}


def token_hash_key(token_hash: str) -> Key:
    return {PK: f"TOKENHASH#{part(token_hash)}", SK: "TOKENHASH"}


def selection_key(user_id: str, recipe_id: str) -> Key:
    return {PK: user_pk(user_id), SK: SELECTION_PREFIX + part(recipe_id)}


def item_key(user_id: str, item_id: str) -> Key:
    return {PK: user_pk(user_id), SK: ITEM_PREFIX + part(item_id)}


def checked_key(user_id: str, line_key: str) -> Key:
    return {PK: user_pk(user_id), SK: CHECKED_PREFIX + part(line_key)}


def staples_key(user_id: str) -> Key:
    return {PK: user_pk(user_id), SK: LIST_PREFIX + "STAPLES"}


# --- the table ----------------------------------------------------------------------------------
def table_spec(name: str) -> dict[str, Any]:
    """CreateTable arguments: on-demand billing, string keys, the sparse entity-kind GSI."""
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": PK, "AttributeType": "S"},
            {"AttributeName": SK, "AttributeType": "S"},
            {"AttributeName": KIND, "AttributeType": "S"},
        ],
        "KeySchema": [
            {"AttributeName": PK, "KeyType": "HASH"},
            {"AttributeName": SK, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [kind_index_spec()],
    }


def kind_index_spec() -> CreateGlobalSecondaryIndexActionTypeDef:
    """The GSI `dump` reads: entity items by kind, ordered by partition key."""
    return {
        "IndexName": KIND_INDEX,
        "KeySchema": [
            {"AttributeName": KIND, "KeyType": "HASH"},
            {"AttributeName": PK, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }
