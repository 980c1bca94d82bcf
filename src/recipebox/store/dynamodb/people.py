"""Users, sign-in identities and access tokens: uniqueness by conditional puts in transactions.

An identity is two items: `IDENTITY#provider#subject` (global, unique: it is put only if absent
or already the same user's) and `USER#id / IDENT#provider#subject` (the user's list). A token
is `USER#id / TOKEN#id` plus `TOKENHASH#hash` for sign-in by hash. Both pairs are written and
deleted together in one transaction, guarded by a ConditionCheck that the user exists.
"""

from __future__ import annotations

from recipebox.domain import records
from recipebox.domain.errors import Conflict, NotFound
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.store.dynamodb import codec
from recipebox.store.dynamodb.keys import (
    IDENT_PREFIX,
    TOKEN_PREFIX,
    identity_key,
    identity_link_key,
    token_hash_key,
    token_key,
    user_key,
    user_pk,
)
from recipebox.store.dynamodb.table import MAX_ATTEMPTS, ConditionFailed, Table, TransactionCanceled

USERS, IDENTITIES, TOKENS = "users", "identities", "tokens"
_ABSENT = "attribute_not_exists(#pk)"
_PRESENT = "attribute_exists(#pk)"


def user_item(user: User) -> codec.Item:
    return codec.entity_item(user_key(user.id), USERS, records.user_to_record(user))


def identity_items(identity: Identity) -> tuple[codec.Item, codec.Item]:
    """The global identity item (an entity, exported) and the user's link to it."""
    record = records.identity_to_record(identity)
    key = identity_key(identity.provider, identity.subject)
    link = identity_link_key(identity.user_id, identity.provider, identity.subject)
    return codec.entity_item(key, IDENTITIES, record), {**record, **link}


def token_items(token: AccessToken) -> tuple[codec.Item, codec.Item]:
    """The token (an entity, exported) and its by-hash lookup item."""
    record = records.token_to_record(token)
    lookup = {**token_hash_key(token.token_hash), "user_id": token.user_id, "id": token.id}
    return codec.entity_item(token_key(token.user_id, token.id), TOKENS, record), lookup


def get_user(table: Table, user_id: str) -> User:
    item = table.get(user_key(user_id))
    if item is None:
        raise NotFound(f"no user with id {user_id!r}")
    return records.user_from_record(codec.entity_record(item))


def _user_or_none(table: Table, user_id: str) -> User | None:
    try:
        return get_user(table, user_id)
    except NotFound:
        return None


def add_user(table: Table, user: User, identity: Identity | None) -> User:
    ops = [table.put_op(user_item(user), _ABSENT)]
    if identity is not None:
        glob, link = identity_items(Identity(identity.provider, identity.subject, user.id))
        ops += [table.put_op(glob, _ABSENT), table.put_op(link)]
    try:
        table.transact(ops)
    except TransactionCanceled as exc:
        if exc.failed(0):
            raise Conflict(f"a user with id {user.id} already exists") from None
        if exc.failed(1) and identity is not None:
            raise Conflict(f"{identity.provider} account {identity.subject!r} is taken") from None
        raise
    return user


def update_user(table: Table, user: User) -> User:
    try:
        table.put(user_item(user), _PRESENT)
    except ConditionFailed:
        raise NotFound(f"no user with id {user.id!r}") from None
    return user


def user_for_identity(table: Table, provider: str, subject: str) -> User | None:
    item = table.get(identity_key(provider, subject), attributes=("user_id",))
    return None if item is None else _user_or_none(table, item["user_id"])


def link_identity(table: Table, identity: Identity) -> None:
    glob, link = identity_items(identity)
    ops = [
        table.check_op(user_key(identity.user_id), _PRESENT),
        table.put_op(glob, f"{_ABSENT} OR #user_id = :u", u=identity.user_id),
        table.put_op(link),
    ]
    try:
        table.transact(ops)
    except TransactionCanceled as exc:
        if exc.failed(0):
            raise NotFound(f"no user with id {identity.user_id!r}") from None
        if exc.failed(1):
            raise Conflict(
                f"{identity.provider} account {identity.subject!r} belongs to another user"
            ) from None
        raise


def identities(table: Table, user_id: str) -> list[Identity]:
    links = table.query(user_pk(user_id), prefix=IDENT_PREFIX)
    found = [records.identity_from_record(codec.entity_record(i)) for i in links]
    return sorted(found, key=lambda i: (i.provider, i.subject))


def unlink_identity(table: Table, user_id: str, provider: str) -> None:
    """Delete the identities at `provider`, checking in the same transaction that another stays.

    Two concurrent unlinks each check the other's identity, so one of them fails: a user never
    ends up without a way to sign in.
    """
    for _ in range(MAX_ATTEMPTS):
        linked = identities(table, user_id)
        gone = [i for i in linked if i.provider == provider]
        kept = [i for i in linked if i.provider != provider]
        if not gone:
            raise NotFound(f"no {provider} sign-in linked to this account")
        if not kept:
            raise Conflict("cannot remove the last way to sign in")
        ops = [
            table.check_op(identity_link_key(user_id, kept[0].provider, kept[0].subject), _PRESENT)
        ]
        for i in gone:
            glob = identity_key(i.provider, i.subject)
            ops.append(table.delete_op(glob, "#user_id = :u", u=user_id))
            ops.append(table.delete_op(identity_link_key(user_id, i.provider, i.subject)))
        try:
            table.transact(ops)
        except TransactionCanceled as exc:
            if "ConditionalCheckFailed" in exc.codes:
                continue  # the identities changed meanwhile: look again
            raise
        return
    raise Conflict("sign-in methods keep changing; try again")


# --- access tokens ------------------------------------------------------------------------------
def add_token(table: Table, token: AccessToken) -> AccessToken:
    entity, lookup = token_items(token)
    ops = [
        table.check_op(user_key(token.user_id), _PRESENT),
        table.put_op(entity, _ABSENT),
        table.put_op(lookup, _ABSENT),
    ]
    try:
        table.transact(ops)
    except TransactionCanceled as exc:
        if exc.failed(0):
            raise NotFound(f"no user with id {token.user_id!r}") from None
        if exc.failed(1) or exc.failed(2):
            raise Conflict("this token already exists") from None
        raise
    return token


def tokens(table: Table, user_id: str) -> list[AccessToken]:
    items = table.query(user_pk(user_id), prefix=TOKEN_PREFIX)
    found = [records.token_from_record(codec.entity_record(i)) for i in items]
    return sorted(found, key=lambda t: (t.created_at, t.id))


def user_for_token(table: Table, token_hash: str) -> User | None:
    item = table.get(token_hash_key(token_hash), attributes=("user_id",))
    return None if item is None else _user_or_none(table, item["user_id"])


def revoke_token(table: Table, user_id: str, token_id: str) -> None:
    item = table.get(token_key(user_id, token_id))
    if item is None:
        raise NotFound(f"no token with id {token_id!r}")
    ops = [
        table.delete_op(token_key(user_id, token_id), _PRESENT),
        table.delete_op(token_hash_key(item["token_hash"]), f"{_ABSENT} OR #id = :t", t=token_id),
    ]
    try:
        table.transact(ops)
    except TransactionCanceled as exc:
        if "ConditionalCheckFailed" in exc.codes:
            raise NotFound(f"no token with id {token_id!r}") from None
        raise
