"""`RemoteStore`: the Store protocol over the data protocol; one request per call or per batch."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from recipebox.domain import records
from recipebox.domain.errors import Invalid, RecipeboxError, StorageUnavailable
from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.domain.recipes import Page, Recipe
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.store.protocol import ENTITY_KINDS
from recipebox.store.remote.batch import Batch, Call, Outcome
from recipebox.store.remote.transports import HttpTransport, LambdaTransport, Transport
from recipebox.store.remote.wire import (
    DUMP_PAGE_RECORDS,
    OPS,
    REQUEST_LIMIT,
    VERSION,
    TooLarge,
    error_from_record,
)

ADD_RECIPES_CHUNK = 1000  # recipes per add_recipes request (fewer when they are large)
ADD_RECIPES_BYTES = 4_000_000


class RemoteStore:
    """Recipebox storage behind the data service, reached through `transport`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    @property
    def calls(self) -> int:
        """Requests sent so far (each is one Lambda invoke on `lambda://`)."""
        return self.transport.calls

    # --- the protocol ---------------------------------------------------------------------------
    def run_batch(self, calls: Sequence[Call]) -> list[Outcome]:
        """Send `calls` in one request; return each call's value or domain error, in order."""
        ops = [{"op": call.op, "args": OPS[call.op].encode_args(call.args)} for call in calls]
        payload = json.dumps({"v": VERSION, "ops": ops}, ensure_ascii=False, separators=(",", ":"))
        body = payload.encode()
        if len(body) > REQUEST_LIMIT:
            raise TooLarge(
                f"a request of {len(body):,} bytes is more than one remote call carries"
                f" ({REQUEST_LIMIT / 1e6:.1f} MB)"
            )
        try:
            response = json.loads(self.transport.send(body))
            if response.get("v") != VERSION:
                raise StorageUnavailable(
                    f"the data service speaks protocol {response.get('v')!r}, this client {VERSION}"
                )
            if "error" in response:
                raise error_from_record(response["error"])
            results = response["results"]
            if len(results) != len(calls):
                raise ValueError(f"{len(results)} results for {len(calls)} operations")
            return [
                self._outcome(call, result) for call, result in zip(calls, results, strict=True)
            ]
        except RecipeboxError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise StorageUnavailable(f"the data service sent a malformed response: {exc}") from None

    @staticmethod
    def _outcome(call: Call, result: dict[str, Any]) -> Outcome:
        if "ok" in result:
            return OPS[call.op].result.decode(result["ok"]), None
        return None, error_from_record(result["error"])

    def _call(self, op: str, **args: Any) -> Any:
        [(value, error)] = self.run_batch([Call(op, args)])
        if error is not None:
            raise error
        return value

    def batch(self) -> Batch:
        """Collect reads to send as one request (see `recipebox.store.remote.batch`)."""
        return Batch(self.run_batch)

    # --- lifecycle ----------------------------------------------------------------------------
    def upgrade(self) -> None:
        self._call("upgrade")

    def check(self) -> str:
        detail: str = self._call("check")
        return f"{self.transport.describe()}: {detail}"

    def close(self) -> None:
        self.transport.close()

    # --- recipes ------------------------------------------------------------------------------
    def add_recipe(self, recipe: Recipe) -> Recipe:
        added: Recipe = self._call("add_recipe", recipe=recipe)
        return added

    def add_recipes(self, recipes: Iterable[Recipe]) -> int:
        """Send the recipes in requests of at most ~4 MB; each request is its own batch."""
        written = 0
        chunk: list[Recipe] = []
        size = 0
        for recipe in recipes:
            recipe_size = len(json.dumps(records.recipe_to_record(recipe), ensure_ascii=False))
            if chunk and (
                len(chunk) >= ADD_RECIPES_CHUNK or size + recipe_size > ADD_RECIPES_BYTES
            ):
                written += self._call("add_recipes", recipes=chunk)
                chunk, size = [], 0
            chunk.append(recipe)
            size += recipe_size
        if chunk:
            written += self._call("add_recipes", recipes=chunk)
        return written

    def get_recipe(self, recipe_id: str) -> Recipe:
        return self.batch().get_recipe(recipe_id).value

    def get_recipes(self, recipe_ids: Iterable[str]) -> dict[str, Recipe]:
        return self.batch().get_recipes(recipe_ids).value

    def find_recipe_by_title(self, title: str) -> Recipe:
        return self.batch().find_recipe_by_title(title).value

    def update_recipe(self, recipe: Recipe) -> Recipe:
        updated: Recipe = self._call("update_recipe", recipe=recipe)
        return updated

    def delete_recipe(self, recipe_id: str) -> None:
        self._call("delete_recipe", recipe_id=recipe_id)

    def search_recipes(
        self,
        query: str = "",
        *,
        tag: str | None = None,
        owner_id: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page:
        pending = self.batch().search_recipes(
            query, tag=tag, owner_id=owner_id, page=page, per_page=per_page
        )
        return pending.value

    def count_recipes(self) -> int:
        return self.batch().count_recipes().value

    def tags(self, limit: int = 50) -> list[tuple[str, int]]:
        return self.batch().tags(limit).value

    # --- users and sign-in identities -----------------------------------------------------------
    def get_user(self, user_id: str) -> User:
        return self.batch().get_user(user_id).value

    def user_for_identity(self, provider: str, subject: str) -> User | None:
        return self.batch().user_for_identity(provider, subject).value

    def add_user(self, user: User, identity: Identity | None = None) -> User:
        added: User = self._call("add_user", user=user, identity=identity)
        return added

    def update_user(self, user: User) -> User:
        updated: User = self._call("update_user", user=user)
        return updated

    def link_identity(self, identity: Identity) -> None:
        self._call("link_identity", identity=identity)

    def unlink_identity(self, user_id: str, provider: str) -> None:
        self._call("unlink_identity", user_id=user_id, provider=provider)

    def identities(self, user_id: str) -> list[Identity]:
        return self.batch().identities(user_id).value

    # --- selections and the list ----------------------------------------------------------------
    def select_recipe(self, user_id: str, recipe_id: str, servings: int) -> Selection:
        selection: Selection = self._call(
            "select_recipe", user_id=user_id, recipe_id=recipe_id, servings=servings
        )
        return selection

    def unselect_recipe(self, user_id: str, recipe_id: str) -> None:
        self._call("unselect_recipe", user_id=user_id, recipe_id=recipe_id)

    def selections(self, user_id: str) -> list[Selection]:
        return self.batch().selections(user_id).value

    def add_list_item(self, item: ListItem) -> ListItem:
        added: ListItem = self._call("add_list_item", item=item)
        return added

    def set_item_checked(self, user_id: str, item_id: str, checked: bool) -> None:
        self._call("set_item_checked", user_id=user_id, item_id=item_id, checked=checked)

    def delete_list_item(self, user_id: str, item_id: str) -> None:
        self._call("delete_list_item", user_id=user_id, item_id=item_id)

    def set_line_checked(self, user_id: str, line_key: str, checked: bool) -> None:
        self._call("set_line_checked", user_id=user_id, line_key=line_key, checked=checked)

    def clear_checked(self, user_id: str) -> None:
        self._call("clear_checked", user_id=user_id)

    def set_staples(self, user_id: str, staples: Iterable[str]) -> None:
        self._call("set_staples", user_id=user_id, staples=list(staples))

    def shopping_data(self, user_id: str) -> ShoppingData:
        return self.batch().shopping_data(user_id).value

    # --- access tokens --------------------------------------------------------------------------
    def add_token(self, token: AccessToken) -> AccessToken:
        added: AccessToken = self._call("add_token", token=token)
        return added

    def tokens(self, user_id: str) -> list[AccessToken]:
        return self.batch().tokens(user_id).value

    def user_for_token(self, token_hash: str) -> User | None:
        return self.batch().user_for_token(token_hash).value

    def revoke_token(self, user_id: str, token_id: str) -> None:
        self._call("revoke_token", user_id=user_id, token_id=token_id)

    # --- bulk -----------------------------------------------------------------------------------
    def dump(self, kind: str) -> Iterator[dict[str, Any]]:
        """Every record of `kind`, in key order, a page (one request) at a time."""
        if kind not in ENTITY_KINDS:  # at once, as the backends do
            raise Invalid(f"unknown entity kind {kind!r}; use one of: {', '.join(ENTITY_KINDS)}")
        return self._pages(kind)

    def _pages(self, kind: str) -> Iterator[dict[str, Any]]:
        after: list[str] | None = None
        while True:
            page = self._call("dump_page", kind=kind, after=after, limit=DUMP_PAGE_RECORDS)
            yield from page["records"]
            after = page["after"]
            if after is None:
                return

    def load(self, records: dict[str, list[dict[str, Any]]]) -> None:
        """Load in one request, so all or nothing as locally; larger loads are refused."""
        try:
            self._call("load", records=records)
        except TooLarge as exc:
            raise TooLarge(
                f"{exc}: load these records in parts, each part its own transaction"
                " (recipebox copy-data does)"
            ) from None


# --- URLs -------------------------------------------------------------------------------------
_LAMBDA_OPTIONS = {"region", "endpoint_url", "timeout"}


def open_remote(url: str, **options: Any) -> RemoteStore:
    """A RemoteStore for `lambda://FUNCTION?region=R[&endpoint_url=U][&timeout=S]` or
    `remote+http://127.0.0.1:PORT[/PATH]` (the local data server, development only).

    Options meant for other backends (such as `pool`) are ignored; `session` is a boto3
    session whose credentials to use (default: the environment's, as on Lambda).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "remote+http":
        return RemoteStore(HttpTransport(f"http://{parts.netloc}{parts.path or '/'}"))
    if scheme != "lambda":
        raise Invalid("a remote store URL is lambda://FUNCTION or remote+http://127.0.0.1:PORT")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - _LAMBDA_OPTIONS
    if unknown:
        raise Invalid(f"unknown lambda URL option(s): {', '.join(sorted(unknown))}")
    if not parts.netloc:
        raise Invalid("a lambda URL names the data function: lambda://FUNCTION?region=REGION")
    try:
        timeout = float(query.get("timeout", "20"))
    except ValueError:
        raise Invalid("timeout must be a number of seconds") from None
    transport = LambdaTransport(
        parts.netloc,
        query.get("region"),
        query.get("endpoint_url"),
        timeout=timeout,
        session=options.get("session"),
    )
    return RemoteStore(transport)
