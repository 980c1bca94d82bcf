"""IAM policies as data: the documents' building blocks, and each function's execution role.

The deploy-time principals (the deployer, CloudFormation's service role) are in `roles`.

Execution roles live in the template, with CloudFormation intrinsics: logs on the function's
own log group, the DynamoDB actions the store needs on its table and indexes,
lambda:InvokeFunction on the data function only, and network interfaces for an in-VPC
function. EC2 accepts no resource for ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets
(they get "*"); ec2:CreateNetworkInterface is limited to this account's subnets and network
interfaces and the function's own security group; delete/assign/unassign to network
interfaces (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html). The
permissions are inline in the role, so they exist when Lambda checks them while creating the
function ("The provided execution role does not have permissions to call
CreateNetworkInterface"). If an account's rules (an SCP) reject the scoped form, the AWS
managed policy AWSLambdaVPCAccessExecutionRole is the unscoped fallback.
"""

from __future__ import annotations

from typing import Any

from recipebox.deploy.stack import Function, Stack
from recipebox.store.dynamodb import IAM_ACTIONS

Policy = dict[str, Any]
Statement = dict[str, Any]
VERSION = "2012-10-17"


def document(*statements: Statement) -> Policy:
    return {"Version": VERSION, "Statement": list(statements)}


def allow(sid: str, actions: list[str], resources: Any, **condition: Any) -> Statement:
    statement: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": sorted(set(actions)),
        "Resource": resources,
    }
    if condition:
        statement["Condition"] = condition
    return statement


def sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


# --- execution roles (template intrinsics) --------------------------------------------------


def execution_statements(stack: Stack, function: Function) -> list[Statement]:
    """The inline policy of `function`'s execution role."""
    log_group = function.logical_id.replace("Function", "LogGroup")
    arn = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:%s"
    statements = [
        allow(
            "OwnLogGroupOnly",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [sub(arn % ("logs", f"log-group:${{{log_group}}}:log-stream:*"))],
        )
    ]
    if stack.topology == "dynamodb":
        statements.append(
            allow(
                "TableAndIndexes",
                list(IAM_ACTIONS),
                [{"Fn::GetAtt": ["Table", "Arn"]}, sub("${Table.Arn}/index/*")],
            )
        )
    if stack.topology == "split" and function.key == "web":
        statements.append(
            allow(
                "InvokeDataFunction",
                ["lambda:InvokeFunction"],
                [{"Fn::GetAtt": ["DataFunction", "Arn"]}],
            )
        )
    if function.in_vpc:
        interfaces = sub(arn % ("ec2", "network-interface/*"))
        statements += [
            allow(
                "CreateInterfacesInOwnSecurityGroup",
                ["ec2:CreateNetworkInterface"],
                [
                    interfaces,
                    sub(arn % ("ec2", "subnet/*")),
                    sub(arn % ("ec2", "security-group/${FunctionSecurityGroup.GroupId}")),
                ],
            ),
            allow(
                "ManageInterfaces",
                [
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:DeleteNetworkInterface",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                [interfaces],
            ),
            # EC2 supports no resource-level permissions for these two: "*" is required.
            allow(
                "DescribeNetwork",
                ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
                "*",
            ),
        ]
    return statements


def lambda_trust() -> Policy:
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
