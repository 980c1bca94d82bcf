"""The `recipebox` command: argument parsing only; each command calls into the packages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from recipebox.config import Settings
from recipebox.domain.errors import RecipeboxError
from recipebox.store import open_store
from recipebox.store.protocol import Store

Handler = Callable[[argparse.Namespace], int]


def _store(args: argparse.Namespace, *, local: bool = False) -> Store:
    settings = Settings.from_env(local_server=local)
    url = args.database_url or settings.database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return open_store(url, pool=settings.db_pool)


def _progress(total: int, desc: str) -> Callable[[int], None]:
    from tqdm import tqdm  # lazy: only long commands show progress

    bar = tqdm(total=total, desc=desc, unit=" recipes", file=sys.stderr, leave=True)

    def advance(count: int) -> None:
        bar.update(count)
        if bar.n >= total:
            bar.close()

    return advance


def cmd_serve(args: argparse.Namespace) -> int:
    from recipebox.web.server import serve

    serve(host=args.host, port=args.port)
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    store = _store(args, local=True)
    store.upgrade()
    print(f"database is up to date: {store.check()}")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from recipebox.services import seeding

    store = _store(args, local=True)
    store.upgrade()
    if args.demo:
        print(f"demo recipes added: {seeding.load_demo(store)}")
    if args.synthetic is not None:
        if args.synthetic < 0 or args.users < 0:
            raise RecipeboxError("--synthetic and --users take whole numbers >= 0")
        counts = seeding.seed_synthetic(
            store,
            args.synthetic,
            users=args.users,
            seed=args.seed,
            progress=_progress(args.synthetic, "recipes"),
        )
        print(", ".join(f"{kind}: {count}" for kind, count in counts.items()))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from recipebox.services.transfer import export_file

    counts = export_file(_store(args, local=True), Path(args.file))
    print(f"exported to {args.file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from recipebox.services.transfer import import_file

    store = _store(args, local=True)
    store.upgrade()
    counts = import_file(store, Path(args.file))
    print(f"imported {args.file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_select(args: argparse.Namespace) -> int:
    from recipebox.services.people import local_user
    from recipebox.services.seeding import find_recipe

    store = _store(args, local=True)
    user = local_user(store, args.user)
    assert user is not None
    recipe = find_recipe(store, args.recipe)
    servings = args.servings or recipe.servings
    if servings <= 0:
        raise RecipeboxError("--servings must be a whole number >= 1")
    store.select_recipe(user.id, recipe.id, servings)
    print(f"{user.name}: selected {recipe.title!r} for {servings} servings")
    return 0


def cmd_shopping_list(args: argparse.Namespace) -> int:
    from recipebox.domain.shopping import build_shopping_list
    from recipebox.services.people import local_user
    from recipebox.services.text import render_shopping_list

    store = _store(args, local=True)
    user = local_user(store, args.user, create=False)
    if user is None:
        raise RecipeboxError(f"no local user named {args.user!r}")
    shopping = build_shopping_list(store.shopping_data(user.id), args.units)
    if args.json:
        print(json.dumps(shopping.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_shopping_list(shopping), end="")
    return 0


def cmd_lambda_serve(args: argparse.Namespace) -> int:
    from recipebox.aws.emulator.local import serve

    try:
        serve(
            args.shape,
            stage=args.stage,
            base_path=args.base_path,
            multi_value=args.multi_value,
            host=args.host,
            port=args.port,
            handler=args.function,
            database_url=args.database_url,
        )
    except ValueError as exc:  # options that do not fit the front door
        raise RecipeboxError(str(exc)) from None
    return 0


def cmd_copy_data(args: argparse.Namespace) -> int:
    from recipebox.services.copy import copy_data
    from recipebox.store import open_store

    source, target = open_store(args.source), open_store(args.target)
    if args.upgrade:
        target.upgrade()
    from tqdm import tqdm  # lazy: only long commands show progress

    with tqdm(desc="copying", unit=" records", file=sys.stderr) as bar:

        def progress(kind: str, count: int) -> None:
            bar.set_postfix_str(kind)
            bar.update(count)

        try:
            report = copy_data(source, target, progress)
        finally:
            source.close()
            target.close()
    print(f"{'kind':<12} {'records':>9} {'written':>9}  checksum (sha256, both sides)")
    for row in report.kinds:
        print(f"{row.kind:<12} {row.count:>9} {row.written:>9}  {row.checksum}")
    print(f"verified: {report.count} records, {report.written} written")
    return 0


def cmd_data_serve(args: argparse.Namespace) -> int:
    from recipebox.services.local import prepare_local_store
    from recipebox.store.remote.local import serve_data

    store = prepare_local_store(
        Settings.from_env(local_server=True)
        if not args.database_url
        else Settings(database_url=args.database_url)
    )
    print(f"data server at remote+http://{args.host}:{args.port} (development only)", flush=True)
    serve_data(store, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recipebox", description="Recipes and one merged shopping list."
    )
    parser.add_argument(
        "--database-url",
        help="storage URL (default: $RECIPEBOX_DATABASE_URL, else SQLite in the data folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = command("serve", cmd_serve, "run the site locally (SQLite, demo recipes, dev sign-in)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="create or migrate the schema").set_defaults(
        handler=cmd_db_upgrade
    )

    p = command("seed", cmd_seed, "load demo recipes or generate synthetic data")
    p.add_argument("--demo", action="store_true", help="add the demo recipes")
    p.add_argument("--synthetic", type=int, metavar="N", help="generate N synthetic recipes")
    p.add_argument("--users", type=int, default=100, metavar="U", help="synthetic users")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed")

    p = command("export", cmd_export, "write everything to a JSON file")
    p.add_argument("file")
    p = command("import", cmd_import, "load a JSON export (all or nothing)")
    p.add_argument("file")

    p = command("select", cmd_select, "add a recipe to a user's list")
    p.add_argument("--user", required=True, help="local user name (created if needed)")
    p.add_argument("recipe", help="recipe id or exact title")
    p.add_argument("--servings", type=int, help="servings wanted (default: the recipe's)")

    aws = sub.add_parser("lambda", help="AWS Lambda: the local emulator")
    aws_sub = aws.add_subparsers(dest="lambda_command", required=True, metavar="COMMAND")
    help_text = "serve the Lambda handler locally behind an emulated front door"
    p = aws_sub.add_parser("serve", help=help_text, description=help_text)
    p.set_defaults(handler=cmd_lambda_serve)
    p.add_argument(
        "--shape",
        choices=["rest", "http", "url", "alb"],
        default="rest",
        help="REST API, HTTP API (payload 2.0), Function URL or ALB (default: rest)",
    )
    p.add_argument(
        "--stage", help="API Gateway stage (default: dev; an HTTP API also takes $default)"
    )
    p.add_argument("--base-path", help="custom domain base-path mapping (or ALB path prefix)")
    p.add_argument("--multi-value", action="store_true", help="ALB multi-value headers")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--handler",
        dest="function",
        metavar="MODULE:FUNCTION",
        default="recipebox.aws.handlers:web",
        help="module:function to invoke (default: recipebox.aws.handlers:web)",
    )

    help_text = "serve the storage to a web function over the data protocol (local split topology)"
    p = aws_sub.add_parser("serve-data", help=help_text, description=help_text)
    p.set_defaults(handler=cmd_data_serve)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)

    p = command("copy-data", cmd_copy_data, "copy everything between two storage backends")
    p.add_argument("--from", dest="source", required=True, metavar="URL")
    p.add_argument("--to", dest="target", required=True, metavar="URL")
    p.add_argument(
        "--no-upgrade",
        dest="upgrade",
        action="store_false",
        help="do not create/migrate the target's schema first",
    )

    from recipebox.deploy.commands import add_commands  # package, template, policy, deploy

    add_commands(sub)

    p = command("shopping-list", cmd_shopping_list, "print a user's merged shopping list")
    p.add_argument("--user", required=True)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--units", choices=["metric", "us"], help="convert amounts to one system")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; print a one-line error and exit non-zero on failure."""
    args = build_parser().parse_args(argv)
    if args.command == "seed" and not args.demo and args.synthetic is None:
        print("recipebox seed: error: give --demo or --synthetic N", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except RecipeboxError as exc:
        print(f"recipebox {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"recipebox {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
