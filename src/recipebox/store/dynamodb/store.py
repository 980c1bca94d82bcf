"""DynamoStore: the `Store` protocol on one DynamoDB table (design: see the package docstring)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from recipebox.domain.errors import Invalid, StorageUnavailable
from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.domain.recipes import Page, Recipe
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.store.aws_http import AwsClient, CredentialChain, ServiceError, chain_credentials
from recipebox.store.dynamodb import bulk, lists, people, recipes
from recipebox.store.dynamodb.keys import KIND_INDEX, kind_index_spec, table_spec
from recipebox.store.dynamodb.table import Table

# Fail fast (a Lambda request has seconds, not minutes); throttling and transient errors are
# retried with backoff as botocore's "standard" mode does (aws_http says exactly which).
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
REQUEST_ATTEMPTS = 4
TRANSIENT_BACKOFF = 0.025  # seconds; botocore's base for DynamoDB's non-throttling errors
TARGET_PREFIX = "DynamoDB_20120810"  # the JSON protocol's X-Amz-Target: PREFIX.Operation
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_URL_OPTIONS = {"region", "endpoint_url"}
UPGRADE_TIMEOUT = 600.0  # seconds to wait for a new table or index to become ACTIVE


def parse_url(url: str) -> tuple[str, str | None, str | None]:
    """(table, region, endpoint_url) from dynamodb://TABLE?region=...&endpoint_url=..."""
    parts = urlsplit(url)
    name = parts.netloc or parts.path.lstrip("/")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(options) - _URL_OPTIONS
    if unknown:
        raise Invalid(f"unknown dynamodb URL option(s): {', '.join(sorted(unknown))}")
    if not _TABLE_NAME.fullmatch(name):
        raise Invalid("a dynamodb URL names a table: dynamodb://TABLE?region=REGION")
    return name, options.get("region"), options.get("endpoint_url")


class DynamoStore:
    """Recipebox on one DynamoDB table; nothing connects until the first request."""

    def __init__(self, url: str, *, session: CredentialChain | None = None, **options: Any) -> None:
        # `session` (a boto3 or botocore session) signs with its credentials instead of the
        # environment's; other options (such as `pool`, for SQL connection pools) mean
        # nothing here.
        self.table_name, self.region, self.endpoint_url = parse_url(url)
        self.session = session
        self.table = Table(self.table_name, self._connect)

    def _connect(self) -> AwsClient:
        return AwsClient(
            "dynamodb",
            region=self.region,
            endpoint_url=self.endpoint_url,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            max_attempts=REQUEST_ATTEMPTS,
            transient_scale=TRANSIENT_BACKOFF,
            target_prefix=TARGET_PREFIX,
            credentials=chain_credentials(self.session) if self.session else None,
        )

    @property
    def client(self) -> AwsClient:
        """The client every request goes through (created on first use)."""
        return self.table.client

    # --- lifecycle ----------------------------------------------------------------------------
    def _describe(self) -> dict[str, Any] | None:
        with self.table.errors():
            try:
                response = self.client.call(
                    "DescribeTable", {"TableName": self.table_name}, idempotent=True
                )
            except ServiceError as exc:
                if exc.code == "ResourceNotFoundException":
                    return None
                raise
        return dict(response["Table"])

    def upgrade(self) -> None:
        """Create the table and its index when missing and wait until they are ACTIVE."""
        described = self._describe()
        with self.table.errors():
            if described is None:
                try:
                    self.client.call("CreateTable", table_spec(self.table_name), idempotent=False)
                except ServiceError as exc:  # created concurrently by another upgrade
                    if exc.code != "ResourceInUseException":
                        raise
            elif not _has_index(described):
                update = {
                    "TableName": self.table_name,
                    "AttributeDefinitions": table_spec(self.table_name)["AttributeDefinitions"],
                    "GlobalSecondaryIndexUpdates": [{"Create": kind_index_spec()}],
                }
                self.client.call("UpdateTable", update, idempotent=False)
        self._wait_active()

    def _wait_active(self) -> None:
        deadline = time.monotonic() + UPGRADE_TIMEOUT
        delay = 0.2
        while True:
            described = self._describe()
            if described is not None and _all_active(described):
                return
            if time.monotonic() > deadline:
                raise StorageUnavailable(f"table {self.table_name} is not ACTIVE yet; try later")
            time.sleep(delay)
            delay = min(delay * 2, 5.0)

    def check(self) -> str:
        described = self._describe()
        if described is None:
            raise StorageUnavailable(
                f"table {self.table_name} does not exist: run `recipebox db upgrade`"
            )
        if not _has_index(described):
            raise StorageUnavailable(
                f"table {self.table_name} lacks index {KIND_INDEX}: run `recipebox db upgrade`"
            )
        return f"dynamodb table {self.table_name} ({self.client.region})"

    def close(self) -> None:
        self.table.close()

    # --- recipes ------------------------------------------------------------------------------
    def add_recipe(self, recipe: Recipe) -> Recipe:
        return recipes.add(self.table, recipe)

    def add_recipes(self, recipes_: Iterable[Recipe]) -> int:
        """Batch-write new recipes (Conflict, before writing, if an id exists); not atomic."""
        return recipes.add_many(self.table, recipes_)

    def get_recipe(self, recipe_id: str) -> Recipe:
        return recipes.get(self.table, recipe_id)

    def get_recipes(self, recipe_ids: Iterable[str]) -> dict[str, Recipe]:
        return recipes.get_many(self.table, recipe_ids)

    def find_recipe_by_title(self, title: str) -> Recipe:
        return recipes.find_by_title(self.table, title)

    def update_recipe(self, recipe: Recipe) -> Recipe:
        return recipes.update(self.table, recipe)

    def delete_recipe(self, recipe_id: str) -> None:
        recipes.delete(self.table, recipe_id)

    def search_recipes(
        self,
        query: str = "",
        *,
        tag: str | None = None,
        owner_id: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page:
        return recipes.search(self.table, query, tag, owner_id, page, per_page)

    def count_recipes(self) -> int:
        return recipes.count(self.table)

    def tags(self, limit: int = 50) -> list[tuple[str, int]]:
        return recipes.tags(self.table, limit)

    # --- users and sign-in identities ---------------------------------------------------------
    def get_user(self, user_id: str) -> User:
        return people.get_user(self.table, user_id)

    def user_for_identity(self, provider: str, subject: str) -> User | None:
        return people.user_for_identity(self.table, provider, subject)

    def add_user(self, user: User, identity: Identity | None = None) -> User:
        return people.add_user(self.table, user, identity)

    def update_user(self, user: User) -> User:
        return people.update_user(self.table, user)

    def link_identity(self, identity: Identity) -> None:
        people.link_identity(self.table, identity)

    def unlink_identity(self, user_id: str, provider: str) -> None:
        people.unlink_identity(self.table, user_id, provider)

    def identities(self, user_id: str) -> list[Identity]:
        return people.identities(self.table, user_id)

    # --- selections and the list --------------------------------------------------------------
    def select_recipe(self, user_id: str, recipe_id: str, servings: int) -> Selection:
        return lists.select(self.table, user_id, recipe_id, servings)

    def unselect_recipe(self, user_id: str, recipe_id: str) -> None:
        lists.unselect(self.table, user_id, recipe_id)

    def selections(self, user_id: str) -> list[Selection]:
        return lists.selections(self.table, user_id)

    def add_list_item(self, item: ListItem) -> ListItem:
        return lists.add_item(self.table, item)

    def set_item_checked(self, user_id: str, item_id: str, checked: bool) -> None:
        lists.set_item_checked(self.table, user_id, item_id, checked)

    def delete_list_item(self, user_id: str, item_id: str) -> None:
        lists.delete_item(self.table, user_id, item_id)

    def set_line_checked(self, user_id: str, line_key: str, checked: bool) -> None:
        lists.set_line_checked(self.table, user_id, line_key, checked)

    def clear_checked(self, user_id: str) -> None:
        lists.clear_checked(self.table, user_id)

    def set_staples(self, user_id: str, staples: Iterable[str]) -> None:
        lists.set_staples(self.table, user_id, staples)

    def shopping_data(self, user_id: str) -> ShoppingData:
        return lists.shopping_data(self.table, user_id)

    # --- access tokens ------------------------------------------------------------------------
    def add_token(self, token: AccessToken) -> AccessToken:
        return people.add_token(self.table, token)

    def tokens(self, user_id: str) -> list[AccessToken]:
        return people.tokens(self.table, user_id)

    def user_for_token(self, token_hash: str) -> User | None:
        return people.user_for_token(self.table, token_hash)

    def revoke_token(self, user_id: str, token_id: str) -> None:
        people.revoke_token(self.table, user_id, token_id)

    # --- bulk ---------------------------------------------------------------------------------
    def dump(self, kind: str) -> Iterator[dict[str, Any]]:
        return bulk.dump(self.table, kind)

    def load(self, records: dict[str, list[dict[str, Any]]]) -> None:
        """Check every record, then write them in batches: bad input writes nothing (bulk.py)."""
        bulk.load(self.table, records)


def _has_index(described: dict[str, Any]) -> bool:
    return any(i["IndexName"] == KIND_INDEX for i in described.get("GlobalSecondaryIndexes", []))


def _all_active(described: dict[str, Any]) -> bool:
    indexes = described.get("GlobalSecondaryIndexes", [])
    return described.get("TableStatus") == "ACTIVE" and all(
        i.get("IndexStatus") == "ACTIVE" for i in indexes
    )
