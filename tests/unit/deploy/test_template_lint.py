"""Every generated template and policy passes cfn-lint, the SAM transform and parliament, offline.

parliament lints identity policies; the trust policies (no Resource by design) are asserted
as whole values in test_template.py instead.

The accepted findings are listed, with reasons, in cfn_linting.py (ACCEPTED_CFN_LINT,
ACCEPTED_PARLIAMENT) and below (ACCEPTED_UNKNOWN_ACTIONS, UNUSED_HANDLER_PERMISSIONS).
"""

from __future__ import annotations

from typing import Any

import pytest

from recipebox.deploy import render, roles, template
from recipebox.deploy.stack import FRONTS, TOPOLOGIES, Stack
from unit.deploy.cfn_linting import (
    concrete,
    handler_permissions,
    lint_policy,
    lint_template,
    translate,
)

STACKS = [
    pytest.param(Stack(topology=t, front=f), id=f"{t}-{f}") for t in TOPOLOGIES for f in FRONTS
] + [
    pytest.param(
        Stack(topology="split", front="http-api", domain="food.example.com"), id="split-http-domain"
    ),
    pytest.param(
        Stack(topology="vpc-nat", front="rest-api", domain="food.example.com", base_path="/r"),
        id="vpc-nat-rest-domain-base-path",
    ),
]
# cfn-lint takes ~2 s a template here: the SAM templates are linted for a subset that has every
# topology, front door and domain option once; the transformed ones for every stack.
COVERING = [
    p
    for p in STACKS
    if p.id
    in {
        "dynamodb-function-url",
        "split-rest-api",
        "vpc-nat-http-api",
        "split-http-domain",
        "vpc-nat-rest-domain-base-path",
    }
]
ACCOUNT = roles.Account(account="111122223333", region="us-east-1", bucket="artifacts")

# parliament's action database predates these actions (they exist: the CloudFormation
# resource schemas list them as handler permissions), so it reports them as unknown.
ACCEPTED_UNKNOWN_ACTIONS = {
    "lambda:GetFunctionScalingConfig",
    "apigateway:TagResource",
    "apigateway:UntagResource",
}

# Handler permissions the service role leaves out, because the template does not use the
# feature that needs them (each resource schema lists the permissions of every feature).
UNUSED_HANDLER_PERMISSIONS = {
    "customer managed KMS keys (functions and the table use AWS-owned keys)": {
        "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
        "kms:GenerateDataKey", "kms:ListAliases", "kms:RevokeGrant",
        "logs:AssociateKmsKey", "logs:DisassociateKmsKey",
    },
    "DynamoDB import from S3, replicas, Kinesis streams, resource policies, insights": {
        "dynamodb:AssociateTableReplica", "dynamodb:BatchWriteItem",
        "dynamodb:CreateTableReplica", "dynamodb:DeleteItem", "dynamodb:DeleteResourcePolicy",
        "dynamodb:DescribeImport", "dynamodb:DisableKinesisStreamingDestination",
        "dynamodb:EnableKinesisStreamingDestination", "dynamodb:GetItem",
        "dynamodb:ImportTable", "dynamodb:PutItem", "dynamodb:PutResourcePolicy",
        "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateContributorInsights",
        "dynamodb:UpdateItem", "dynamodb:UpdateKinesisStreamingDestination",
        "iam:CreateServiceLinkedRole", "kinesis:DescribeStream", "kinesis:PutRecords",
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams",
        "logs:PutLogEvents", "logs:PutRetentionPolicy",
        "s3:GetObject", "s3:GetObjectMetadata", "s3:ListBucket",
    },
    "Lambda layers, code signing, EFS/S3 Files mounts, capacity providers": {
        "lambda:AssociateRuntimeAlias", "lambda:DeleteFunctionCodeSigningConfig",
        "lambda:GetCodeSigningConfig", "lambda:GetLayerVersion", "lambda:PassCapacityProvider",
        "lambda:PutFunctionCodeSigningConfig", "lambda:PutFunctionScalingConfig",
        "elasticfilesystem:DescribeMountTargets", "s3files:ListMountTargets",
    },
    "managed policies and permissions boundaries (the roles have inline policies only)": {
        "iam:AttachRolePolicy", "iam:DeleteRolePermissionsBoundary",
        "iam:PutRolePermissionsBoundary",
    },
    "log group data protection, indexes, deliveries, resource policies, deletion protection": {
        "firehose:TagDeliveryStream", "logs:CreateLogDelivery", "logs:DeleteIndexPolicy",
        "logs:DeleteResourcePolicy", "logs:PutBearerTokenAuthentication",
        "logs:PutDataProtectionPolicy", "logs:PutIndexPolicy",
        "logs:PutLogGroupDeletionProtection", "logs:PutResourcePolicy", "s3:REST.PUT.OBJECT",
    },
    "an HTTP API body from S3 (the SAM transform inlines it)": {"s3:getObject"},
}  # fmt: skip
# Only a function with VpcConfig makes CloudFormation check the network as the caller.
VPC_ONLY = {
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
}


@pytest.mark.parametrize("stack", COVERING)
def test_sam_template_passes_cfn_lint(stack: Stack) -> None:
    assert lint_template(render.to_yaml(template.build(stack))) == []


@pytest.mark.parametrize("stack", STACKS)
def test_transformed_template_passes_cfn_lint(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lint_template(render.to_json(translate(template.build(stack), monkeypatch))) == []


@pytest.mark.parametrize("stack", STACKS)
def test_execution_roles_pass_parliament(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    translated = translate(template.build(stack), monkeypatch)["Resources"]
    roles_found = {n: r for n, r in translated.items() if r["Type"] == "AWS::IAM::Role"}
    assert set(roles_found) == {f.key.capitalize() + "Role" for f in stack.functions()}
    for role in roles_found.values():
        for policy in role["Properties"]["Policies"]:
            assert lint_policy(concrete(policy["PolicyDocument"], translated)) == []


def without_accepted(findings: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (issue, detail)
        for issue, detail in findings
        if not (issue == "UNKNOWN_ACTION" and any(a in detail for a in ACCEPTED_UNKNOWN_ACTIONS))
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_deploy_time_policies_pass_parliament(stack: Stack) -> None:
    assert lint_policy(roles.deployer_policy(stack, ACCOUNT)) == []
    assert without_accepted(lint_policy(roles.service_role_policy(stack, ACCOUNT))) == []


def actions(policy: dict[str, Any]) -> set[str]:
    return {action for statement in policy["Statement"] for action in statement["Action"]}


@pytest.mark.parametrize("stack", STACKS)
def test_service_role_covers_every_handler_permission_of_the_stack(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    translated = translate(template.build(stack), monkeypatch)["Resources"]
    needed = set().union(*(handler_permissions(r["Type"]) for r in translated.values()))
    unused = set().union(*UNUSED_HANDLER_PERMISSIONS.values())
    if not stack.in_vpc:
        unused |= VPC_ONLY
    granted = actions(roles.service_role_policy(stack, ACCOUNT))
    assert sorted(needed - granted - unused) == []


def test_deployer_can_only_use_the_service_role_and_its_own_artifacts() -> None:
    policy = roles.deployer_policy(Stack(name="food"), ACCOUNT)
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["ChangeSetsThroughServiceRoleOnly"]["Condition"] == {
        "ArnEquals": {
            "cloudformation:RoleArn": "arn:aws:iam::111122223333:role/recipebox-cloudformation"
        }
    }
    assert by_sid["PassServiceRoleToCloudFormationOnly"]["Resource"] == [
        "arn:aws:iam::111122223333:role/recipebox-cloudformation"
    ]
    assert by_sid["Artifacts"]["Resource"] == ["arn:aws:s3:::artifacts/food/*"]
    assert not any(a.startswith(("lambda:Create", "iam:Create")) for a in actions(policy))
