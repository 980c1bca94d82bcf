"""The SAM template of a `Stack`, as a dict (`build`), and its parameter values (`parameters`).

Secrets: the template never holds one. RECIPEBOX_SECRET_KEY and, for the SQL topologies,
RECIPEBOX_DATABASE_URL (it carries the password) are Secrets Manager dynamic references,
`{{resolve:secretsmanager:STACK/secret-key}}`, which CloudFormation resolves while deploying.
SSM SecureString references (`ssm-secure`) are not accepted in Lambda environment variables,
and reading a secret at run time would need a network path from the in-VPC data function to
Secrets Manager (a NAT gateway or a $7/month interface endpoint per AZ) and an extra call per
cold start. The resolved value lives in the function's configuration, encrypted at rest and
readable by whoever may call lambda:GetFunctionConfiguration; changing a secret takes effect
at the next deployment that updates the function.

Resource names: functions are STACK-web and STACK-data (so `aws lambda invoke` and the log
groups /aws/lambda/STACK-web are predictable); log groups are declared here, with a retention,
so the execution roles need no logs:CreateLogGroup and may write to their own group only.
"""

from __future__ import annotations

from typing import Any

from recipebox.deploy import policies
from recipebox.deploy.stack import Function, Stack, StackError
from recipebox.store.dynamodb.keys import table_spec

Template = dict[str, Any]
TRANSFORM = "AWS::Serverless-2016-10-31"


def ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def get_att(name: str, attribute: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [name, attribute]}


def build(stack: Stack) -> Template:
    """The SAM template for `stack`."""
    resources: dict[str, Any] = {}
    for function in stack.functions():
        resources.update(function_resources(stack, function))
    if stack.topology == "dynamodb":
        resources["Table"] = table(stack)
    if stack.in_vpc:
        resources.update(network(stack))
    resources.update(front_door(stack))
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": TRANSFORM,
        "Description": f"recipebox ({stack.topology} topology, {stack.front})",
        "Parameters": parameter_declarations(stack),
        "Resources": resources,
        "Outputs": outputs(stack),
    }


def parameter_declarations(stack: Stack) -> dict[str, Any]:
    declared: dict[str, Any] = {
        "CodeBucket": {"Type": "String", "Description": "S3 bucket holding the packages"},
    }
    for function in stack.functions():
        declared[function.code_key_parameter] = {
            "Type": "String",
            "Description": f"S3 key of the {function.key} function's package",
        }
    declared |= {
        "Architecture": {
            "Type": "String",
            "AllowedValues": ["arm64", "x86_64"],
            "Default": stack.arch,
            "Description": "must match the packages' --arch",
        },
        "MemorySize": {
            "Type": "Number",
            "Default": stack.memory,
            "MinValue": 128,
            "MaxValue": 10240,
        },
        "Timeout": {
            "Type": "Number",
            "Default": stack.timeout,
            "MinValue": 1,
            "MaxValue": 900 if stack.front == "function-url" else 29,
        },
        "SecretKeySecret": {
            "Type": "String",
            "Default": stack.secret_key_secret,
            "Description": "Secrets Manager secret (plain text) for RECIPEBOX_SECRET_KEY",
        },
    }
    if stack.sql:
        declared |= {
            "DatabaseUrlSecret": {
                "Type": "String",
                "Default": stack.database_url_secret,
                "Description": "Secrets Manager secret: mysql+pymysql://user:password@host/db",
            },
            "VpcId": {"Type": "AWS::EC2::VPC::Id"},
            "SubnetIds": {
                "Type": "List<AWS::EC2::Subnet::Id>",
                "Description": "private subnets that reach the database",
            },
            "DatabaseSecurityGroupId": {"Type": "AWS::EC2::SecurityGroup::Id"},
            "DatabasePort": {"Type": "Number", "Default": stack.database_port},
        }
    if stack.topology == "split":
        declared["DataTimeout"] = {
            "Type": "Number",
            "Default": stack.data_timeout,
            "MinValue": 1,
            "MaxValue": 19,
        }
    if stack.domain:
        declared |= {
            "CertificateArn": {
                "Type": "String",
                "Description": f"ACM certificate for {stack.domain}, in the stack's region",
            },
            "HostedZoneId": {"Type": "AWS::Route53::HostedZone::Id"},
        }
    return declared


def secret(parameter: str) -> dict[str, str]:
    return {"Fn::Sub": "{{resolve:secretsmanager:${" + parameter + "}}}"}


def environment(stack: Stack, function: Function) -> dict[str, Any]:
    env: dict[str, Any] = {"RECIPEBOX_FRONT_DOOR": stack.front}
    if function.key == "data" or stack.topology == "vpc-nat":
        env["RECIPEBOX_DATABASE_URL"] = secret("DatabaseUrlSecret")
    elif stack.topology == "split":
        env["RECIPEBOX_DATABASE_URL"] = {
            "Fn::Sub": "lambda://${DataFunction}?region=${AWS::Region}"
        }
    else:
        env["RECIPEBOX_DATABASE_URL"] = {"Fn::Sub": "dynamodb://${Table}?region=${AWS::Region}"}
    if function.key == "web":
        env["RECIPEBOX_SECRET_KEY"] = secret("SecretKeySecret")
        if stack.base_path:
            env["RECIPEBOX_BASE_PATH"] = stack.base_path
        if stack.domain:
            env["RECIPEBOX_PUBLIC_URL"] = f"https://{stack.domain}{stack.base_path}"
    if function.in_vpc:
        # Lambda does not tell a function whether it is in a VPC; `recipebox check` reads this
        # to explain an unreachable sign-in provider.
        env["RECIPEBOX_IN_VPC"] = "1"
    return env


def function_resources(stack: Stack, function: Function) -> dict[str, Any]:
    prefix = function.key.capitalize()
    name = {"Fn::Sub": "${AWS::StackName}-" + function.key}
    properties: dict[str, Any] = {
        "FunctionName": name,
        "Description": f"recipebox {function.key} ({function.handler})",
        "CodeUri": {"Bucket": ref("CodeBucket"), "Key": ref(function.code_key_parameter)},
        "Handler": function.handler,
        "Runtime": stack.target.runtime,
        "Architectures": [ref("Architecture")],
        "MemorySize": ref("MemorySize"),
        "Timeout": ref("DataTimeout" if function.key == "data" else "Timeout"),
        "Role": get_att(prefix + "Role", "Arn"),
        "LoggingConfig": {"LogGroup": ref(prefix + "LogGroup")},
        "Environment": {"Variables": environment(stack, function)},
    }
    if function.in_vpc:
        properties["VpcConfig"] = {
            "SecurityGroupIds": [get_att("FunctionSecurityGroup", "GroupId")],
            "SubnetIds": ref("SubnetIds"),
        }
    if function.key == "web":
        properties |= web_events(stack)
    return {
        prefix + "LogGroup": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "LogGroupName": {"Fn::Sub": "/aws/lambda/${AWS::StackName}-" + function.key},
                "RetentionInDays": stack.log_retention_days,
            },
        },
        prefix + "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": f"recipebox {function.key} function (least privilege)",
                "AssumeRolePolicyDocument": policies.lambda_trust(),
                "Policies": [
                    {
                        "PolicyName": f"{function.key}-function",
                        "PolicyDocument": policies.document(
                            *policies.execution_statements(stack, function)
                        ),
                    }
                ],
            },
        },
        function.logical_id: {"Type": "AWS::Serverless::Function", "Properties": properties},
    }


def web_events(stack: Stack) -> dict[str, Any]:
    if stack.front == "function-url":
        return {"FunctionUrlConfig": {"AuthType": "NONE", "InvokeMode": "BUFFERED"}}
    if stack.front == "http-api":
        # No Path/Method: the catch-all $default route. Payload 2.0 (rawPath, cookies list).
        return {
            "Events": {
                "Site": {
                    "Type": "HttpApi",
                    "Properties": {"ApiId": ref("HttpApi"), "PayloadFormatVersion": "2.0"},
                }
            }
        }
    api = {"RestApiId": ref("RestApi"), "Method": "ANY"}
    return {
        "Events": {
            "Root": {"Type": "Api", "Properties": {**api, "Path": "/"}},
            "Proxy": {"Type": "Api", "Properties": {**api, "Path": "/{proxy+}"}},
        }
    }


def domain(stack: Stack) -> dict[str, Any]:
    return {
        "DomainName": stack.domain,
        "CertificateArn": ref("CertificateArn"),
        "EndpointConfiguration": "REGIONAL",
        "Route53": {"HostedZoneId": ref("HostedZoneId")},
        "BasePath": [stack.base_path or "/"],
    }


def front_door(stack: Stack) -> dict[str, Any]:
    if stack.front == "http-api":
        properties: dict[str, Any] = {"Description": "recipebox"}
        if stack.domain:
            properties["Domain"] = domain(stack)
        return {"HttpApi": {"Type": "AWS::Serverless::HttpApi", "Properties": properties}}
    if stack.front == "rest-api":
        properties = {
            "StageName": stack.stage,
            "EndpointConfiguration": {"Type": "REGIONAL"},
            # Every body passes through untouched (base64 in the event): uploads, images.
            # SAM spells "/" as "~1" here.
            "BinaryMediaTypes": ["*~1*"],
            "OpenApiVersion": "3.0.1",  # otherwise SAM also creates a stage named "Stage"
        }
        if stack.domain:
            properties["Domain"] = domain(stack)
        return {"RestApi": {"Type": "AWS::Serverless::Api", "Properties": properties}}
    return {}


def table(stack: Stack) -> dict[str, Any]:
    spec = table_spec("unused")
    del spec["TableName"]  # CloudFormation names it STACK-Table-XYZ; the URL carries the name
    return {
        "Type": "AWS::DynamoDB::Table",
        # The recipes outlive the stack: deleting the stack keeps the table.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": spec,
    }


def network(stack: Stack) -> dict[str, Any]:
    port = ref("DatabasePort")
    egress: list[dict[str, Any]] = [
        {
            "Description": "the database",
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "DestinationSecurityGroupId": ref("DatabaseSecurityGroupId"),
        }
    ]
    if stack.topology == "vpc-nat":
        # Through the NAT gateway: sign-in providers and pages to import (http and https).
        egress += [
            {
                "Description": f"internet via NAT ({p})",
                "IpProtocol": "tcp",
                "FromPort": p,
                "ToPort": p,
                "CidrIp": "0.0.0.0/0",
            }
            for p in (80, 443)
        ]
    return {
        "FunctionSecurityGroup": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": {"Fn::Sub": "${AWS::StackName} functions in the VPC"},
                "VpcId": ref("VpcId"),
                # Listing egress rules replaces the default allow-all rule.
                "SecurityGroupEgress": egress,
            },
        },
        "DatabaseIngress": {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {
                "Description": {"Fn::Sub": "${AWS::StackName} functions"},
                "GroupId": ref("DatabaseSecurityGroupId"),
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "SourceSecurityGroupId": get_att("FunctionSecurityGroup", "GroupId"),
            },
        },
    }


def site_url(stack: Stack) -> Any:
    if stack.domain:
        return f"https://{stack.domain}{stack.base_path}/"
    if stack.front == "function-url":
        return get_att("WebFunctionUrl", "FunctionUrl")  # SAM's name for the URL resource
    if stack.front == "http-api":
        return {"Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"}
    return {
        "Fn::Sub": "https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
        + stack.stage
        + "/"
    }


def outputs(stack: Stack) -> dict[str, Any]:
    found: dict[str, Any] = {
        "SiteUrl": {"Description": "the site", "Value": site_url(stack)},
    }
    for function in stack.functions():
        found[function.key.capitalize() + "FunctionName"] = {"Value": ref(function.logical_id)}
    if stack.topology == "dynamodb":
        found["TableName"] = {"Value": ref("Table")}
    return found


def parameters(stack: Stack, values: dict[str, str] | None = None) -> dict[str, str]:
    """Every parameter with its value: `values`, else the default, else "" (to fill in)."""
    given = values or {}
    unknown = sorted(set(given) - set(parameter_declarations(stack)))
    if unknown:
        raise StackError(f"the template has no parameter {unknown[0]!r}")
    return {
        name: given.get(name, str(spec.get("Default", "")))
        for name, spec in parameter_declarations(stack).items()
    }
