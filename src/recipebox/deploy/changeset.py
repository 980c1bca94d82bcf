"""Roll a stack out with a CloudFormation change set: upload, create, review, execute, wait.

The SAM template is sent as it is: CloudFormation runs the AWS::Serverless-2016-10-31
transform itself (hence CAPABILITY_AUTO_EXPAND; CAPABILITY_IAM for the execution roles, which
have generated names). Packages go to s3://BUCKET/STACK/FUNCTION-SHA.zip, named by content:
an unchanged package is not uploaded again and does not change the stack.

`Plan` is the data (what would happen: `describe` prints it for --dry-run, with credentials
in parameter values masked); `roll_out` does it with boto3 clients it is given, so tests
point them at moto.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recipebox.domain.errors import RecipeboxError

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
TEMPLATE_BODY_LIMIT = 51_200  # bytes; larger templates must come from S3 (TemplateURL)
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)([^@\s]+)(@)")
_SECRET_NAME = re.compile(r"password|passwd|token|credential", re.IGNORECASE)


class DeployError(RecipeboxError):
    """The rollout stopped; the message says where and why (CloudFormation's reasons)."""


@dataclass(frozen=True, slots=True)
class Upload:
    """A package to upload: local file and S3 key."""

    path: Path
    key: str


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a rollout does, decided before any AWS call."""

    stack_name: str
    bucket: str
    template_path: Path
    template_body: str
    parameters: Mapping[str, str]
    uploads: tuple[Upload, ...]
    change_set_name: str
    region: str | None = None
    role_arn: str | None = None
    execute: bool = True


@dataclass(slots=True)
class Outcome:
    """What the rollout did."""

    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    change_set_type: str = ""
    changes: list[str] = field(default_factory=list)
    status: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


def package_key(stack_name: str, function: str, sha256: str) -> str:
    return f"{stack_name}/{function}-{sha256[:20]}.zip"


def change_set_name(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return "recipebox-" + moment.strftime("%Y%m%d-%H%M%S")


def mask(name: str, value: str) -> str:
    """The value to show for a parameter: credentials replaced by ****."""
    if _SECRET_NAME.search(name):
        return "****"
    return _URL_PASSWORD.sub(r"\1****\3", value)


def describe(plan: Plan) -> list[str]:
    """What `roll_out(plan)` would do, line by line (for --dry-run)."""
    lines = [
        f"stack          {plan.stack_name} (region: {plan.region or 'from the AWS config'})",
        f"template       {plan.template_path} ({len(plan.template_body.encode())} bytes)",
    ]
    lines += [f"upload         {u.path} -> s3://{plan.bucket}/{u.key}" for u in plan.uploads]
    lines.append(f"change set     {plan.change_set_name} (capabilities: {', '.join(CAPABILITIES)})")
    lines.append(f"service role   {plan.role_arn or 'none: CloudFormation uses your credentials'}")
    lines += [f"parameter      {k}={mask(k, v)}" for k, v in plan.parameters.items()]
    lines.append("then           " + ("execute it and wait" if plan.execute else "stop for review"))
    return lines


def roll_out(
    plan: Plan,
    s3: Any,
    cloudformation: Any,
    *,
    say: Callable[[str], None] = lambda _: None,
    poll: float = 5.0,
    timeout: float = 1800.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Upload the packages, create the change set, and (if `plan.execute`) execute it."""
    from botocore.exceptions import ClientError

    outcome = Outcome()
    try:
        upload(plan, s3, outcome, say)
        outcome.change_set_type = change_set_type(cloudformation, plan.stack_name)
        arguments: dict[str, Any] = {
            "StackName": plan.stack_name,
            "ChangeSetName": plan.change_set_name,
            "ChangeSetType": outcome.change_set_type,
            "Capabilities": CAPABILITIES,
            "Parameters": [
                {"ParameterKey": k, "ParameterValue": v} for k, v in plan.parameters.items()
            ],
            "Description": "recipebox deploy",
        }
        arguments |= template_argument(plan, s3)
        if plan.role_arn:
            arguments["RoleARN"] = plan.role_arn
        say(f"creating change set {plan.change_set_name} ({outcome.change_set_type})")
        cloudformation.create_change_set(**arguments)
        described = wait_for_change_set(cloudformation, plan, poll, timeout, sleep)
        if described is None:
            outcome.status = "NO_CHANGES"
            return outcome
        outcome.changes = [
            "{Action} {LogicalResourceId} ({ResourceType})".format(**c["ResourceChange"])
            for c in described.get("Changes", [])
        ]
        for change in outcome.changes:
            say("  " + change)
        if not plan.execute:
            outcome.status = "REVIEW"
            return outcome
        cloudformation.execute_change_set(
            StackName=plan.stack_name, ChangeSetName=plan.change_set_name
        )
        outcome.status = wait_for_stack(cloudformation, plan.stack_name, poll, timeout, sleep)
        stack = cloudformation.describe_stacks(StackName=plan.stack_name)["Stacks"][0]
        outcome.outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DeployError(
            f"{exc.operation_name}: {error.get('Code', '?')}: {error.get('Message', '')}"
        ) from None
    if not outcome.status.endswith("_COMPLETE") or "ROLLBACK" in outcome.status:
        reasons = failure_reasons(cloudformation, plan.stack_name)
        raise DeployError(f"stack {plan.stack_name} is {outcome.status}: {reasons}")
    return outcome


def upload(plan: Plan, s3: Any, outcome: Outcome, say: Callable[[str], None]) -> None:
    from botocore.exceptions import ClientError

    for item in plan.uploads:
        try:
            s3.head_object(Bucket=plan.bucket, Key=item.key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
                raise
        else:
            outcome.skipped.append(item.key)
            say(f"s3://{plan.bucket}/{item.key} is there already")
            continue
        say(f"uploading {item.path.name} to s3://{plan.bucket}/{item.key}")
        with item.path.open("rb") as body:
            s3.put_object(
                Bucket=plan.bucket, Key=item.key, Body=body, ContentType="application/zip"
            )
        outcome.uploaded.append(item.key)


def template_argument(plan: Plan, s3: Any) -> dict[str, str]:
    body = plan.template_body
    if len(body.encode()) <= TEMPLATE_BODY_LIMIT:
        return {"TemplateBody": body}
    key = f"{plan.stack_name}/{plan.change_set_name}.template.yaml"
    s3.put_object(Bucket=plan.bucket, Key=key, Body=body.encode())
    return {"TemplateURL": f"https://{plan.bucket}.s3.amazonaws.com/{key}"}


def change_set_type(cloudformation: Any, stack_name: str) -> str:
    """CREATE for a new stack, UPDATE for an existing one (explains stacks that need help)."""
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        if "does not exist" in exc.response.get("Error", {}).get("Message", ""):
            return "CREATE"
        raise
    status = stacks[0]["StackStatus"] if stacks else "REVIEW_IN_PROGRESS"
    if status == "REVIEW_IN_PROGRESS":  # a first change set that was never executed
        return "CREATE"
    if status == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"stack {stack_name} failed to create and was rolled back; delete it "
            f"(aws cloudformation delete-stack --stack-name {stack_name}) and deploy again"
        )
    if status.endswith("_IN_PROGRESS"):
        raise DeployError(f"stack {stack_name} is busy ({status}); wait and deploy again")
    return "UPDATE"


def wait_for_change_set(
    cloudformation: Any,
    plan: Plan,
    poll: float,
    timeout: float,
    sleep: Callable[[float], None],
) -> dict[str, Any] | None:
    """The created change set, or None if it holds no changes (then it is deleted)."""
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = cloudformation.describe_change_set(
            StackName=plan.stack_name, ChangeSetName=plan.change_set_name
        )
        status = described.get("Status", "")
        if status == "CREATE_COMPLETE":
            return described
        if status == "FAILED":
            reason = described.get("StatusReason", "")
            if any(text in reason for text in NO_CHANGES):
                cloudformation.delete_change_set(
                    StackName=plan.stack_name, ChangeSetName=plan.change_set_name
                )
                return None
            raise DeployError(f"change set {plan.change_set_name} failed: {reason}")
        if time.monotonic() > deadline:
            raise DeployError(f"change set {plan.change_set_name} still {status} after {timeout} s")
        sleep(poll)


def wait_for_stack(
    cloudformation: Any,
    stack_name: str,
    poll: float,
    timeout: float,
    sleep: Callable[[float], None],
) -> str:
    deadline = time.monotonic() + timeout
    while True:
        status: str = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0][
            "StackStatus"
        ]
        if not status.endswith("_IN_PROGRESS"):
            return status
        if time.monotonic() > deadline:
            raise DeployError(f"stack {stack_name} still {status} after {timeout} s")
        sleep(poll)


def failure_reasons(cloudformation: Any, stack_name: str, limit: int = 5) -> str:
    """The latest resource failures, e.g. a missing IAM permission, in CloudFormation's words."""
    events = cloudformation.describe_stack_events(StackName=stack_name).get("StackEvents", [])
    failed = [
        f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', e['ResourceStatus'])}"
        for e in events
        if e.get("ResourceStatus", "").endswith("_FAILED")
    ]
    return "; ".join(failed[:limit]) or "no failure events (see the CloudFormation console)"
