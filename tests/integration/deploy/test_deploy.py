"""`recipebox deploy`: the change-set rollout against moto in server mode, and the dry run.

What moto can and cannot show (moto 5.2): it has no SAM transform, so the rollout is given
the template the transform makes (aws-sam-translator, offline) for the dynamodb topology
behind a Function URL; moto creates the table, the log group, the role and the function (its
code read from the uploaded package) and skips AWS::Lambda::Url, so the SiteUrl output,
which reads it, is left out. Not covered here: CloudFormation running the transform itself,
API Gateway stacks (moto cannot build a REST API from an OpenAPI body), VPC resources,
rollbacks and their failure events, and IAM enforcement of the generated policies.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from recipebox.deploy import changeset, render, template
from recipebox.deploy.commands import main
from recipebox.deploy.stack import Stack
from unit.deploy.cfn_linting import translate

BUCKET = "recipebox-artifacts"


@pytest.fixture
def clients(moto_server: str) -> Iterator[dict[str, Any]]:
    def client(service: str) -> Any:
        return boto3.client(service, region_name="us-east-1", endpoint_url=moto_server)

    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    yield {name: client(name) for name in ("s3", "cloudformation", "lambda", "dynamodb")}
    cloudformation = client("cloudformation")
    for stack in cloudformation.describe_stacks()["Stacks"]:
        cloudformation.delete_stack(StackName=stack["StackName"])
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("recipebox/__init__.py", "")
    path = tmp_path / "web.zip"
    path.write_bytes(buffer.getvalue())
    return path


def plan_for(
    stack: Stack, package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> changeset.Plan:
    translated = translate(template.build(stack), monkeypatch)
    del translated["Outputs"]["SiteUrl"]  # reads AWS::Lambda::Url, which moto skips
    key = changeset.package_key(stack.name, "web", "0123456789abcdef0123456789")
    body = render.to_json(translated)
    return changeset.Plan(
        stack_name=stack.name,
        bucket=BUCKET,
        template_path=render.write(tmp_path / "template.json", body),
        template_body=body,
        parameters=template.parameters(stack, {"CodeBucket": BUCKET, "WebCodeKey": key}),
        uploads=(changeset.Upload(package, key),),
        change_set_name="recipebox-20250101-000000",
    )


def test_rolls_out_a_new_stack_then_finds_nothing_to_change(
    clients: dict[str, Any], package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = Stack(name="food")
    plan = plan_for(stack, package, tmp_path, monkeypatch)
    said: list[str] = []
    first = changeset.roll_out(
        plan, clients["s3"], clients["cloudformation"], say=said.append, poll=0.05
    )
    key = plan.uploads[0].key
    assert (first.uploaded, first.change_set_type, first.status) == (
        [key],
        "CREATE",
        "CREATE_COMPLETE",
    )
    assert "Add WebFunction (AWS::Lambda::Function)" in first.changes
    assert clients["s3"].get_object(Bucket=BUCKET, Key=key)["Body"].read() == (package.read_bytes())
    function = clients["lambda"].get_function(FunctionName="food-web")["Configuration"]
    assert function["Handler"] == "recipebox.aws.handlers.web"
    assert function["Environment"]["Variables"]["RECIPEBOX_FRONT_DOOR"] == "function-url"
    # moto gives no outputs for a stack made by a change set: read the table's name instead.
    table = clients["cloudformation"].describe_stack_resource(
        StackName="food", LogicalResourceId="Table"
    )["StackResourceDetail"]["PhysicalResourceId"]
    assert clients["dynamodb"].describe_table(TableName=table)["Table"]["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]

    again = dataclasses.replace(plan, change_set_name="recipebox-20250101-000100")
    second = changeset.roll_out(again, clients["s3"], clients["cloudformation"], poll=0.05)
    assert (second.uploaded, second.skipped) == ([], [key])  # same content, same key
    assert (second.change_set_type, second.status) == ("UPDATE", "NO_CHANGES")


def test_stops_for_review_without_executing(
    clients: dict[str, Any], package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = dataclasses.replace(
        plan_for(Stack(name="review"), package, tmp_path, monkeypatch), execute=False
    )
    outcome = changeset.roll_out(plan, clients["s3"], clients["cloudformation"], poll=0.05)
    assert outcome.status == "REVIEW"
    described = clients["cloudformation"].describe_change_set(
        StackName="review", ChangeSetName=plan.change_set_name
    )
    assert described["Status"] == "CREATE_COMPLETE"
    assert described["ExecutionStatus"] == "AVAILABLE"
    with pytest.raises(clients["lambda"].exceptions.ResourceNotFoundException):
        clients["lambda"].get_function(FunctionName="review-web")


def test_dry_run_prints_the_plan_and_calls_no_aws_api(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            *("deploy", "--dry-run", "--stack-name", "food", "--bucket", BUCKET),
            *("--zip", f"web={package}", "--out", str(out), "--region", "eu-west-1"),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    key = next(line for line in printed.splitlines() if line.startswith("upload"))
    assert key.startswith(f"upload         {package} -> s3://{BUCKET}/food/web-")
    assert f"template       {out / 'food.template.yaml'}" in printed
    assert "stack          food (region: eu-west-1)" in printed
    assert "parameter      SecretKeySecret=food/secret-key" in printed
    assert "change set     recipebox-" in printed
    assert (
        (out / "food.template.yaml")
        .read_text(encoding="utf-8")
        .startswith("AWSTemplateFormatVersion")
    )


def test_refuses_to_deploy_without_the_vpc_parameters(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            *("deploy", "--topology", "split", "--bucket", BUCKET, "--out", str(tmp_path)),
            *("--zip", f"web={package}", "--zip", f"data={package}"),
        ]
    )
    assert code == 1
    assert capsys.readouterr().err == (
        "recipebox deploy: error: give --parameter VpcId=... SubnetIds=... "
        "DatabaseSecurityGroupId=...\n"
    )
