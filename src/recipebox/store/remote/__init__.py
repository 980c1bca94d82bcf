"""Remote storage: the Store protocol served by a data function, and its client.

Why: on AWS the web function can run outside any VPC (fast cold starts, no NAT) while a small
data function inside the VPC holds the database connection; the web function's store is then
a `RemoteStore` that invokes the data function. The same client also reaches a local data
server (development) or a store in the same process (tests).

URLs (`open_store` picks this backend by scheme):

    lambda://FUNCTION?region=REGION[&endpoint_url=URL][&timeout=SECONDS]
        invoke FUNCTION (a name, name:alias or ARN) synchronously, through
        recipebox.store.aws_http (no boto3). `timeout` (default 20) is the read timeout and
        must exceed the data function's own timeout. The caller needs
        `lambda:InvokeFunction` on the function.
    remote+http://127.0.0.1:PORT[/PATH]
        POST to the local data server (`local.serve_data`), development only; loopback only.
        ("http" alone would read as a web address, not a database.)

Protocol, version 1. A request is one JSON object; so is its response:

    request   {"v": 1, "ops": [{"op": "get_recipe", "args": {"recipe_id": "01H..."}}, ...]}
    response  {"v": 1, "results": [{"ok": VALUE} | {"error": {"type": T, "message": M}}, ...]}
              {"v": 1, "error": {"type": T, "message": M}}       (the request was refused)

- `ops` holds one or more operations, run in order, each as if called alone (its own
  transaction): several reads cost one invoke (see `batch`), and an error in one operation is
  that operation's result only. `results[i]` answers `ops[i]`.
- Operation names are the `Store` methods (the allow-list is `wire.OPS`), except that `close`
  is not offered and `dump` is served as `dump_page` (below). Arguments are passed by name,
  as the method's parameters; optional ones may be left out.
- Values are JSON: entities as `recipebox.domain.records` records (the export-file format);
  a Selection is {"recipe_id", "servings", "added_at"}; a Page is {"items": [summary],
  "total", "page", "per_page"}; ShoppingData is {"selections", "recipes": {id: recipe},
  "items", "checked": [line key], "staples": [food] | null}; tag counts are [[tag, count]];
  a method returning nothing answers null. See `codec`.
- Error types: NotFound, Conflict, Invalid, StorageUnavailable (the domain errors), TooLarge
  (a kind of Invalid, below) and Error (any other RecipeboxError). The client raises the same
  exception class with the same message. A request is refused whole, running nothing, when its
  version is not 1, an operation is unknown or an argument is missing or of the wrong type
  (all Invalid). A service that cannot be reached, or that fails with a function error, is
  StorageUnavailable.
- Size: Lambda carries 6 MB each way. The client refuses requests over 5.5 MB (TooLarge)
  before sending them; the service replaces a result that would take the response past
  5.5 MB with a TooLarge error and does not run the operations after it.
- `dump_page` {"kind", "after": KEY | null, "limit": N} answers {"records": [...],
  "after": KEY | null}: up to N records (fewer if they would not fit) in key order after the
  cursor KEY (the last record's primary key fields, e.g. ["01H..."] or [user_id, line_key]);
  `after` null means the end. `RemoteStore.dump` follows the cursor. `Store.dump` has no
  cursor, so the service reads the whole kind for every page (keeping one page in memory):
  fine at this site's sizes, but a dump of N records in pages of P reads about N^2/P.
- `load` is one request, so all or nothing as locally; records over 5.5 MB are refused
  (TooLarge) rather than silently split. `recipebox copy-data` loads in parts of ~2 MB, each
  part its own transaction (it is resumable instead). `add_recipes` is split by the client
  into requests of at most ~4 MB, as backends write it in batches anyway.
- Versioning: a change that old clients or services would misread takes a new `v`; a service
  answers only the versions it speaks, so a mismatch fails loudly (Invalid) instead of
  corrupting data. Web and data functions are deployed together.

Modules: `wire` (version, limits, errors, the operation table), `codec` (JSON <-> domain),
`server` (`handle(store, request)`, pure: the Lambda data handler calls it), `client`
(`RemoteStore`, `open_remote`), `transports` (Lambda, HTTP, in-process), `batch` (several
reads in one request, with any store), `local` (the development data server).
"""

from __future__ import annotations

from recipebox.store.remote.batch import Batch, Pending, batch
from recipebox.store.remote.client import RemoteStore, open_remote
from recipebox.store.remote.server import handle
from recipebox.store.remote.transports import HttpTransport, InProcessTransport, LambdaTransport
from recipebox.store.remote.wire import VERSION, TooLarge

# What the web function needs on the data function's ARN.
IAM_ACTIONS: tuple[str, ...] = ("lambda:InvokeFunction",)

__all__ = [
    "IAM_ACTIONS",
    "VERSION",
    "Batch",
    "HttpTransport",
    "InProcessTransport",
    "LambdaTransport",
    "Pending",
    "RemoteStore",
    "TooLarge",
    "batch",
    "handle",
    "open_remote",
]
