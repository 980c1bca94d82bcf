"""The deploy commands: `recipebox package | template | policy | deploy | check`.

Argument parsing and printing only; the work is in the modules of this package (and, for
`check`, in `recipebox.services.checks`). `add_commands(subparsers)` adds them to the
`recipebox` parser; `python -m recipebox.deploy` runs them on their own.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from recipebox.deploy import lock
from recipebox.deploy.stack import FRONTS, TOPOLOGIES, Stack
from recipebox.deploy.target import ARCHITECTURES, PYTHONS, Target
from recipebox.domain.errors import RecipeboxError


def tolerant_stdout() -> None:
    """Never crash on printing a non-ASCII name under an ASCII locale (LC_ALL=C)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def default_project() -> Path:
    """The checkout this code runs from (src/recipebox/deploy -> the project), else the cwd."""
    here = Path(__file__).resolve().parents[3]
    return here if (here / "uv.lock").is_file() else Path.cwd()


def key_values(items: Sequence[str], option: str) -> dict[str, str]:
    found = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise RecipeboxError(f"{option} {item!r}: expected NAME=VALUE")
        found[key] = value
    return found


# --- package -------------------------------------------------------------------------------


def cmd_package(args: argparse.Namespace) -> int:
    from recipebox.deploy.package import PackageOptions, build_package, size_report

    tolerant_stdout()
    try:
        target = Target(args.arch, args.python)
    except ValueError as exc:
        raise RecipeboxError(str(exc)) from None
    options = PackageOptions(
        project=Path(args.project),
        target=target,
        out=Path(args.out),
        extras=tuple(args.extras),
        without=tuple(args.without),
        bytecode=args.bytecode,
        compile_with=args.compile_with,
        strip=not args.no_strip,
        cache_dir=Path(args.cache_dir) if args.cache_dir else None,
    )
    result = build_package(options, say=lambda line: print(line, file=sys.stderr))
    print(size_report(result))
    return 0


# --- template and policy -------------------------------------------------------------------


def stack_from(args: argparse.Namespace) -> Stack:
    return Stack(
        topology=args.topology,
        front=args.front,
        name=args.stack_name,
        domain=args.domain or "",
        base_path=args.base_path or "",
        stage=args.stage,
        arch=args.arch,
        python=args.python,
        memory=args.memory,
        timeout=args.timeout,
        url_import=not args.without_import,
    )


def cmd_template(args: argparse.Namespace) -> int:
    from recipebox.deploy import render, template

    stack = stack_from(args)
    out = Path(args.out)
    written = [
        render.write(out / "template.yaml", render.to_yaml(template.build(stack))),
        render.write(
            out / "parameters.json",
            render.cloudformation_parameters(template.parameters(stack)),
        ),
    ]
    for path in written:
        print(path)
    required = [k for k, v in template.parameters(stack).items() if v == ""]
    print("parameters to fill in: " + ", ".join(required), file=sys.stderr)
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    from recipebox.deploy import render, roles, template

    stack = stack_from(args)
    account = roles.Account(
        account=args.account,
        region=args.region,
        bucket=args.bucket,
        service_role=args.service_role,
        database_security_group=args.database_security_group or "",
    )
    if args.kind == "deployer":
        document = roles.deployer_policy(stack, account)
    elif args.kind == "service-role":
        document = {
            "TrustPolicy": roles.service_role_trust(account),
            "PermissionsPolicy": roles.service_role_policy(stack, account),
        }
    else:
        built = template.build(stack)["Resources"]
        document = {
            name: resource["Properties"]["Policies"][0]["PolicyDocument"]
            for name, resource in built.items()
            if resource["Type"] == "AWS::IAM::Role"
        }
    print(render.to_json(document), end="")
    if args.account == roles.Account().account:
        print("replace 111122223333 with your account id (--account)", file=sys.stderr)
    return 0


# --- deploy ------------------------------------------------------------------------------


def cmd_deploy(args: argparse.Namespace) -> int:
    from recipebox.deploy import changeset, render, template
    from recipebox.deploy.bundle import sha256_of
    from recipebox.deploy.package import PackageOptions, build_package, size_report

    tolerant_stdout()
    stack, out = stack_from(args), Path(args.out)
    given = key_values(args.zip, "--zip")
    uploads, values = [], key_values(args.parameter, "--parameter")
    built: dict[tuple[str, ...], Path] = {}
    for function in stack.functions():
        path = Path(given[function.key]) if function.key in given else built.get(function.without)
        if path is None:
            options = PackageOptions(
                project=Path(args.project),
                target=stack.target,
                out=out,
                without=function.without,
            )
            result = build_package(options, say=lambda line: print(line, file=sys.stderr))
            print(size_report(result, top=5), file=sys.stderr)
            path = built[function.without] = result.path
        key = changeset.package_key(stack.name, function.key, sha256_of(path))
        uploads.append(changeset.Upload(path, key))
        values[function.code_key_parameter] = key
    values["CodeBucket"] = args.bucket
    body = render.to_yaml(template.build(stack))
    plan = changeset.Plan(
        stack_name=stack.name,
        bucket=args.bucket,
        template_path=render.write(out / f"{stack.name}.template.yaml", body),
        template_body=body,
        parameters=template.parameters(stack, values),
        uploads=tuple(uploads),
        change_set_name=changeset.change_set_name(),
        region=args.region,
        role_arn=args.role_arn,
        execute=not args.no_execute,
    )
    missing = [k for k, v in plan.parameters.items() if v == ""]
    if missing and not args.dry_run:
        raise RecipeboxError("give --parameter " + " ".join(f"{k}=..." for k in missing))
    if args.dry_run:
        print("\n".join(["dry run: nothing is sent to AWS", *changeset.describe(plan)]))
        return 0
    import boto3

    session = boto3.session.Session(region_name=args.region)
    outcome = changeset.roll_out(
        plan,
        session.client("s3"),
        session.client("cloudformation"),
        say=lambda line: print(line, file=sys.stderr),
    )
    print(f"{stack.name}: {outcome.status}")
    for name, value in outcome.outputs.items():
        print(f"{name}: {value}")
    return 0


# --- check ---------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    import dataclasses

    from recipebox.config import Settings
    from recipebox.services.checks import run_checks

    tolerant_stdout()
    settings = Settings.from_env()
    if getattr(args, "database_url", None):
        settings = dataclasses.replace(settings, database_url=args.database_url)
    results = run_checks(settings, timeout=args.timeout)
    for result in results:
        print(f"{'ok  ' if result.ok else 'FAIL'} {result.name}: {result.detail}")
    return 0 if all(r.ok for r in results) else 1


# --- parsers -------------------------------------------------------------------------------


def add_target_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--arch", choices=ARCHITECTURES, default="arm64", help="default: arm64")
    p.add_argument("--python", choices=PYTHONS, default="3.12", help="default: 3.12")


def add_stack_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--topology", choices=TOPOLOGIES, default="dynamodb")
    p.add_argument("--front", choices=FRONTS, default="function-url")
    p.add_argument("--stack-name", default="recipebox")
    p.add_argument("--domain", help="custom domain (http-api or rest-api)")
    p.add_argument("--base-path", help="custom domain base-path mapping, e.g. /recipes")
    p.add_argument("--stage", default="live", help="REST API stage name (default: live)")
    p.add_argument("--memory", type=int, default=1024, help="MB (default: 1024)")
    p.add_argument("--timeout", type=int, default=28, help="seconds (default: 28)")
    p.add_argument(
        "--without-import", action="store_true", help="leave URL import (recipe-scrapers) out"
    )
    add_target_options(p)


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add package, template, policy, deploy and check to the `recipebox` parser."""

    def command(name: str, handler: object, text: str) -> argparse.ArgumentParser:
        p = subparsers.add_parser(name, help=text, description=text)
        p.set_defaults(handler=handler)
        return p

    p = command("package", cmd_package, "build the AWS Lambda deployment zip")
    add_target_options(p)
    p.add_argument("--out", default="dist", help="folder for the zip (default: dist)")
    p.add_argument(
        "--with",
        dest="extras",
        action="append",
        default=[],
        metavar="EXTRA",
        help="add a project extra (e.g. postgres)",
    )
    p.add_argument(
        "--without",
        action="append",
        default=[],
        choices=sorted(lock.OPTIONAL_GROUPS),
        help="leave a part out: import (URL import), sql, web",
    )
    p.add_argument(
        "--bytecode",
        choices=["sourceless", "alongside", "none"],
        default="sourceless",
        help="sourceless (default): dependencies as .pyc only, recipebox with "
        "source; alongside: .py and .pyc everywhere; none: source only",
    )
    p.add_argument("--compile-with", metavar="PYTHON", help="the target's Python interpreter")
    p.add_argument("--no-strip", action="store_true", help="keep debug info in .so files")
    p.add_argument("--cache-dir", help="pip's cache folder")
    p.add_argument("--project", default=str(default_project()), help="the recipebox checkout")

    p = command("template", cmd_template, "write the AWS SAM template and a parameters file")
    add_stack_options(p)
    p.add_argument("--out", default="deploy", help="folder (default: deploy)")

    p = command("policy", cmd_policy, "print a least-privilege IAM policy")
    p.add_argument("kind", choices=["deployer", "service-role", "execution"])
    add_stack_options(p)
    p.add_argument("--account", default="111122223333", help="AWS account id")
    p.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    p.add_argument("--bucket", default="recipebox-artifacts", help="artifacts bucket")
    p.add_argument(
        "--service-role",
        default="recipebox-cloudformation",
        help="name of CloudFormation's service role",
    )
    p.add_argument(
        "--database-security-group",
        metavar="SG_ID",
        help="limit the ingress rule the stack adds to this group",
    )

    p = command("deploy", cmd_deploy, "package, upload and deploy with a change set")
    add_stack_options(p)
    p.add_argument("--bucket", required=True, help="S3 bucket for the packages")
    p.add_argument("--region", help="AWS region (default: from the AWS config)")
    p.add_argument("--role-arn", help="CloudFormation service role (see `policy service-role`)")
    p.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument(
        "--zip",
        action="append",
        default=[],
        metavar="FUNCTION=PATH",
        help="use a built package (web=dist/....zip) instead of building",
    )
    p.add_argument("--out", default="deploy", help="folder for template and packages")
    p.add_argument("--dry-run", action="store_true", help="print the plan; call no AWS API")
    p.add_argument("--no-execute", action="store_true", help="create the change set only")
    p.add_argument("--project", default=str(default_project()), help="the recipebox checkout")

    p = command("check", cmd_check, "check configuration and reachability, in plain words")
    p.add_argument("--timeout", type=float, default=3.0, help="seconds per probe (default: 3)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one deploy command on its own (`python -m recipebox.deploy`)."""
    parser = argparse.ArgumentParser(prog="recipebox")
    parser.add_argument("--database-url", help="storage URL (for check)")
    add_commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except RecipeboxError as exc:
        print(f"recipebox {args.command}: error: {exc}", file=sys.stderr)
        return 1
