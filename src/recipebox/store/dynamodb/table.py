"""The table's requests with plain Python values; DynamoDB errors become domain errors here.

Expressions name attributes as `#name` (every one, so reserved words such as `data` never
bite) and values as `:value`; the attribute names are filled in from the expressions.
Batch requests retry unprocessed items with capped exponential backoff and full jitter
(https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/);
transactions retry when DynamoDB cancels them for a conflicting concurrent transaction.

Requests go through `aws_http.AwsClient` (not boto3: see that module for why), which retries
throttling and transient failures itself. Each request here says whether it is idempotent,
so that the client never sends again a write that may have been carried out already:
reads, batch writes (unconditional puts and deletes), unconditional puts and deletes, SET-only
updates and transactions (each carries a ClientRequestToken, so DynamoDB runs a resent one
only once) are; conditional writes and updates that add to a value are not.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from recipebox.domain.errors import Conflict, Invalid, StorageUnavailable
from recipebox.store.aws_http import AwsClient, AwsHttpError, NoCredentials, NoRegion, ServiceError
from recipebox.store.dynamodb.codec import Item, decode, encode, to_wire
from recipebox.store.dynamodb.keys import PK, SK, Key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef, WriteRequestTypeDef

T = TypeVar("T")
WRITE_BATCH = 25  # BatchWriteItem limit
GET_BATCH = 100  # BatchGetItem limit
TRANSACTION_LIMIT = 100  # TransactWriteItems limit
MAX_ATTEMPTS = 8
BACKOFF_BASE = 0.05  # seconds; the n-th retry waits up to BACKOFF_BASE * 2**n
BACKOFF_CAP = 5.0
_NAME = re.compile(r"#(\w+)")
# An update that adds to what is there (ADD, SET #n = #n + :d, list_append) is not idempotent.
_ACCUMULATES = re.compile(r"\bADD\b|[+-]|list_append")
_RETRYABLE_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


class ConditionFailed(Exception):
    """A write's condition expression was false (the caller knows what that means)."""


class TransactionCanceled(Exception):
    """A transaction was cancelled; `codes[i]` is the reason of action i ("None" if it was fine)."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes

    def failed(self, index: int) -> bool:
        return index < len(self.codes) and self.codes[index] == "ConditionalCheckFailed"


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def backoff(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (0-based): full jitter, capped."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))  # noqa: S311


def _names(*expressions: str | None) -> dict[str, str]:
    return {f"#{n}": n for e in expressions if e for n in _NAME.findall(e)}


class Table:
    """One DynamoDB table; the client is created on first use (`connect`), then shared."""

    def __init__(
        self,
        name: str,
        connect: Callable[[], AwsClient],
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self._connect = connect
        self._client: AwsClient | None = None
        self._lock = threading.Lock()
        self.sleep = sleep

    @property
    def client(self) -> AwsClient:
        if self._client is None:
            with self._lock, self.errors():
                if self._client is None:
                    self._client = self._connect()
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- errors ---------------------------------------------------------------------------------
    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn request errors into domain errors (or ConditionFailed / TransactionCanceled)."""
        try:
            yield
        except ServiceError as exc:
            raise self._service_error(exc) from exc
        except NoCredentials as exc:
            raise StorageUnavailable(f"dynamodb table {self.name}: no AWS credentials") from exc
        except NoRegion as exc:
            raise StorageUnavailable(
                f"dynamodb table {self.name}: no AWS region (add ?region=... to the URL)"
            ) from exc
        except AwsHttpError as exc:  # connection refused, timeouts, DNS, ...
            raise StorageUnavailable(f"dynamodb table {self.name}: {exc}") from exc

    def _service_error(self, exc: ServiceError) -> Exception:
        code, message = exc.code, exc.message
        if code == "ConditionalCheckFailedException":
            return ConditionFailed(message)
        if code == "TransactionCanceledException":
            reasons = exc.document.get("CancellationReasons")
            if reasons:
                return TransactionCanceled([r.get("Code", "None") for r in reasons])
            # Some emulators put the reasons in the message only: "... [None, ConditionalCheck...]"
            listed = message.rpartition("[")[2].rstrip("]")
            return TransactionCanceled([c.strip() for c in listed.split(",")])
        if code == "ResourceNotFoundException":
            return StorageUnavailable(
                f"table {self.name} does not exist: run `recipebox db upgrade`"
            )
        if code == "ValidationException":
            return Invalid(f"dynamodb rejected the request: {message}")
        return StorageUnavailable(f"dynamodb table {self.name}: {code}: {message}")

    def call(self, operation: str, *, idempotent: bool = True, **params: Any) -> Any:
        """One DynamoDB request (errors as `errors` turns them); the response as a dict."""
        with self.errors():
            return self.client.call(operation, params, idempotent=idempotent)

    # --- single items ---------------------------------------------------------------------------
    def get(self, key: Key, *, attributes: Sequence[str] = ()) -> Item | None:
        """The item at `key` (strongly consistent), or None; only `attributes` if given."""
        projection = ", ".join(f"#{a}" for a in attributes) or None
        if projection:
            response = self.call(
                "GetItem",
                TableName=self.name,
                Key=encode(key),
                ConsistentRead=True,
                ProjectionExpression=projection,
                ExpressionAttributeNames=_names(projection),
            )
        else:
            response = self.call(
                "GetItem", TableName=self.name, Key=encode(key), ConsistentRead=True
            )
        found = response.get("Item")
        return None if found is None else decode(found)

    def put(self, item: Item, condition: str | None = None, **values: object) -> None:
        args = _cond(condition, values)
        self.call(
            "PutItem", idempotent=not condition, TableName=self.name, Item=encode(item), **args
        )

    def update(self, key: Key, update: str, condition: str | None = None, **values: object) -> Item:
        """Apply `update` and return the whole item as it is afterwards."""
        args = _cond(condition, values, update)
        response = self.call(
            "UpdateItem",
            idempotent=not condition and not _ACCUMULATES.search(update),
            TableName=self.name,
            Key=encode(key),
            UpdateExpression=update,
            ReturnValues="ALL_NEW",
            **args,
        )
        return decode(response.get("Attributes", {}))

    def delete(self, key: Key, condition: str | None = None, **values: object) -> None:
        args = _cond(condition, values)
        self.call(
            "DeleteItem", idempotent=not condition, TableName=self.name, Key=encode(key), **args
        )

    # --- queries ----------------------------------------------------------------------------------
    def query(
        self,
        partition: str,
        *,
        prefix: str | None = None,
        index: tuple[str, str] | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        attributes: Sequence[str] = (),
    ) -> list[Item]:
        """Items of one partition (all, or the first `limit`), optionally by sort key prefix.

        `index` is (index name, its partition key attribute); index reads are eventually
        consistent, table reads strongly consistent.
        """
        found: list[Item] = []
        for page in self.pages(
            partition,
            prefix=prefix,
            index=index,
            newest_first=newest_first,
            limit=limit,
            attributes=attributes,
        ):
            found.extend(page)
        return found

    def pages(
        self,
        partition: str,
        *,
        prefix: str | None = None,
        index: tuple[str, str] | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        attributes: Sequence[str] = (),
    ) -> Iterator[list[Item]]:
        """`query`, one response at a time."""
        args = self._query_args(partition, prefix=prefix, index=index, attributes=attributes)
        args["ScanIndexForward"] = not newest_first
        remaining = limit
        while remaining is None or remaining > 0:
            if remaining is not None:
                args["Limit"] = remaining
            response = self.call("Query", **args)
            page = [decode(item) for item in response["Items"]]
            yield page
            if remaining is not None:
                remaining -= len(page)
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            args["ExclusiveStartKey"] = last

    def count(self, partition: str, *, below: str) -> int:
        """How many items of the partition have a sort key < `below` (Select=COUNT)."""
        args = self._query_args(partition, below=below)
        args["Select"] = "COUNT"
        total = 0
        while True:
            response = self.call("Query", **args)
            total += int(response["Count"])
            last = response.get("LastEvaluatedKey")
            if not last:
                return total
            args["ExclusiveStartKey"] = last

    def _query_args(
        self,
        partition: str,
        *,
        prefix: str | None = None,
        below: str | None = None,
        index: tuple[str, str] | None = None,
        attributes: Sequence[str] = (),
    ) -> dict[str, Any]:
        key_attr = PK if index is None else index[1]
        condition = f"#{key_attr} = :p"
        values: dict[str, object] = {":p": partition}
        if prefix is not None:
            condition += f" AND begins_with(#{SK}, :s)"
            values[":s"] = prefix
        if below is not None:
            condition += f" AND #{SK} < :b"
            values[":b"] = below
        projection = ", ".join(f"#{a}" for a in attributes) or None
        args: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": _names(condition, projection),
            "ExpressionAttributeValues": encode(values),
        }
        if index is None:
            args["ConsistentRead"] = True
        else:
            args["IndexName"] = index[0]
        if projection:
            args["ProjectionExpression"] = projection
        return args

    # --- transactions -----------------------------------------------------------------------------
    def put_op(self, item: Item, condition: str | None = None, **values: object) -> Any:
        return {"Put": {"TableName": self.name, "Item": encode(item), **_cond(condition, values)}}

    def update_op(
        self, key: Key, update: str, condition: str | None = None, **values: object
    ) -> Any:
        return {
            "Update": {
                "TableName": self.name,
                "Key": encode(key),
                "UpdateExpression": update,
                **_cond(condition, values, update),
            }
        }

    def delete_op(self, key: Key, condition: str | None = None, **values: object) -> Any:
        return {"Delete": {"TableName": self.name, "Key": encode(key), **_cond(condition, values)}}

    def check_op(self, key: Key, condition: str, **values: object) -> Any:
        return {
            "ConditionCheck": {
                "TableName": self.name,
                "Key": encode(key),
                **_cond(condition, values),
            }
        }

    def transact(self, ops: Sequence[TransactWriteItemTypeDef]) -> None:
        """Write all of `ops` or none (at most 100); TransactionCanceled if a condition is false."""
        if len(ops) > TRANSACTION_LIMIT:
            raise ValueError(f"{len(ops)} actions exceed the transaction limit")
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                self.sleep(backoff(attempt - 1))
            try:
                # A new token per attempt: one token runs once, even when the client resends it.
                self.call(
                    "TransactWriteItems",
                    TransactItems=list(ops),
                    ClientRequestToken=str(uuid.uuid4()),
                )
                return
            except TransactionCanceled as exc:
                conflict = _RETRYABLE_REASONS.intersection(exc.codes)
                if not conflict or "ConditionalCheckFailed" in exc.codes:
                    raise
        raise Conflict("too many concurrent changes to the same data; try again")

    # --- batches ----------------------------------------------------------------------------------
    def batch_get(self, keys: Iterable[Key], *, attributes: Sequence[str] = ()) -> list[Item]:
        """The items that exist among `keys` (strongly consistent), in no particular order."""
        unique = list({(k[PK], k[SK]): k for k in keys}.values())
        projection = ", ".join(f"#{a}" for a in (PK, SK, *attributes)) if attributes else None
        found: list[Item] = []
        for batch in chunks(unique, GET_BATCH):
            request: dict[str, Any] = {"Keys": [encode(k) for k in batch], "ConsistentRead": True}
            if projection:
                request["ProjectionExpression"] = projection
                request["ExpressionAttributeNames"] = _names(projection)
            pending: dict[str, Any] = {self.name: request}
            for attempt in range(MAX_ATTEMPTS):
                if attempt:
                    self.sleep(backoff(attempt - 1))
                response = self.call("BatchGetItem", RequestItems=pending)
                found.extend(decode(i) for i in response["Responses"].get(self.name, []))
                pending = dict(response.get("UnprocessedKeys") or {})
                if not pending:
                    break
            else:
                raise StorageUnavailable(f"dynamodb table {self.name}: reads keep being throttled")
        return found

    def batch_write(self, puts: Iterable[Item] = (), deletes: Iterable[Key] = ()) -> int:
        """Put and delete items in batches of 25, retrying unprocessed ones; return the count.

        Not atomic: a failure part-way leaves the earlier batches written.
        """
        requests: dict[tuple[str, str], WriteRequestTypeDef] = {}
        for key in deletes:
            requests[key[PK], key[SK]] = {"DeleteRequest": {"Key": encode(key)}}
        for item in puts:  # a later request for the same key wins, as if done in order
            requests[item[PK], item[SK]] = {"PutRequest": {"Item": encode(item)}}
        for batch in chunks(requests.values(), WRITE_BATCH):
            self._write_batch(batch)
        return len(requests)

    def _write_batch(self, batch: list[WriteRequestTypeDef]) -> None:
        pending: Mapping[str, Sequence[Any]] = {self.name: batch}
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                self.sleep(backoff(attempt - 1))
            response = self.call("BatchWriteItem", RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                return
        raise StorageUnavailable(f"dynamodb table {self.name}: writes keep being throttled")


def _cond(
    condition: str | None, values: Mapping[str, object], update: str | None = None
) -> dict[str, Any]:
    """ConditionExpression, ExpressionAttributeNames and -Values for one request."""
    args: dict[str, Any] = {}
    if condition:
        args["ConditionExpression"] = condition
    names = _names(condition, update)
    if names:
        args["ExpressionAttributeNames"] = names
    if values:
        args["ExpressionAttributeValues"] = {f":{k}": to_wire(v) for k, v in values.items()}
    return args
