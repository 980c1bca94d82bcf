"""The SAM template builder: what each topology and front door produces, as dicts."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from recipebox.deploy import render, roles, template
from recipebox.deploy.stack import Stack, StackError
from recipebox.store.dynamodb import IAM_ACTIONS
from recipebox.store.dynamodb.keys import table_spec


def resources(stack: Stack) -> dict[str, Any]:
    built: dict[str, Any] = template.build(stack)["Resources"]
    return built


def env(stack: Stack, function: str = "WebFunction") -> dict[str, Any]:
    variables: dict[str, Any] = resources(stack)[function]["Properties"]["Environment"]["Variables"]
    return variables


def statements(stack: Stack, role: str = "WebRole") -> dict[str, Any]:
    role_properties = resources(stack)[role]["Properties"]
    return {s["Sid"]: s for s in role_properties["Policies"][0]["PolicyDocument"]["Statement"]}


SECRET_KEY = {"Fn::Sub": "{{resolve:secretsmanager:${SecretKeySecret}}}"}
DATABASE_URL = {"Fn::Sub": "{{resolve:secretsmanager:${DatabaseUrlSecret}}}"}


def test_dynamodb_table_has_the_stores_keys_and_index_and_outlives_the_stack() -> None:
    table = resources(Stack())["Table"]
    expected = table_spec("x")
    del expected["TableName"]
    assert table == {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": expected,
    }
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["GlobalSecondaryIndexes"][0]["IndexName"] == "by_kind"


def test_each_topology_has_its_functions_in_and_out_of_the_vpc() -> None:
    def layout(topology: str) -> dict[str, bool]:
        found = resources(Stack(topology=topology))
        return {
            name: "VpcConfig" in r["Properties"]
            for name, r in found.items()
            if r["Type"] == "AWS::Serverless::Function"
        }

    assert layout("dynamodb") == {"WebFunction": False}
    assert layout("split") == {"WebFunction": False, "DataFunction": True}
    assert layout("vpc-nat") == {"WebFunction": True}
    data = resources(Stack(topology="split"))["DataFunction"]["Properties"]
    assert data["Handler"] == "recipebox.aws.handlers.data"
    assert data["Timeout"] == {"Ref": "DataTimeout"}
    assert data["VpcConfig"] == {
        "SecurityGroupIds": [{"Fn::GetAtt": ["FunctionSecurityGroup", "GroupId"]}],
        "SubnetIds": {"Ref": "SubnetIds"},
    }


def test_environment_holds_references_never_secret_values() -> None:
    assert env(Stack()) == {
        "RECIPEBOX_FRONT_DOOR": "function-url",
        "RECIPEBOX_DATABASE_URL": {"Fn::Sub": "dynamodb://${Table}?region=${AWS::Region}"},
        "RECIPEBOX_SECRET_KEY": SECRET_KEY,
    }
    split = Stack(topology="split")
    assert env(split) == {
        "RECIPEBOX_FRONT_DOOR": "function-url",
        "RECIPEBOX_DATABASE_URL": {"Fn::Sub": "lambda://${DataFunction}?region=${AWS::Region}"},
        "RECIPEBOX_SECRET_KEY": SECRET_KEY,
    }
    assert env(split, "DataFunction") == {
        "RECIPEBOX_FRONT_DOOR": "function-url",
        "RECIPEBOX_DATABASE_URL": DATABASE_URL,
        "RECIPEBOX_IN_VPC": "1",
    }
    assert env(Stack(topology="vpc-nat", front="http-api")) == {
        "RECIPEBOX_FRONT_DOOR": "http-api",
        "RECIPEBOX_DATABASE_URL": DATABASE_URL,
        "RECIPEBOX_SECRET_KEY": SECRET_KEY,
        "RECIPEBOX_IN_VPC": "1",
    }


def test_custom_domain_with_a_base_path_sets_the_mapping_and_the_environment() -> None:
    stack = Stack(front="rest-api", domain="food.example.com", base_path="/recipes")
    api = resources(stack)["RestApi"]["Properties"]
    assert api["Domain"] == {
        "DomainName": "food.example.com",
        "CertificateArn": {"Ref": "CertificateArn"},
        "EndpointConfiguration": "REGIONAL",
        "Route53": {"HostedZoneId": {"Ref": "HostedZoneId"}},
        "BasePath": ["/recipes"],
    }
    assert env(stack)["RECIPEBOX_BASE_PATH"] == "/recipes"
    assert env(stack)["RECIPEBOX_PUBLIC_URL"] == "https://food.example.com/recipes"
    assert template.build(stack)["Outputs"]["SiteUrl"]["Value"] == (
        "https://food.example.com/recipes/"
    )


def test_front_doors() -> None:
    url = resources(Stack(front="function-url"))["WebFunction"]["Properties"]
    assert url["FunctionUrlConfig"] == {"AuthType": "NONE", "InvokeMode": "BUFFERED"}
    assert template.build(Stack())["Outputs"]["SiteUrl"]["Value"] == {
        "Fn::GetAtt": ["WebFunctionUrl", "FunctionUrl"]
    }

    http = resources(Stack(front="http-api"))
    assert http["WebFunction"]["Properties"]["Events"] == {
        "Site": {
            "Type": "HttpApi",
            "Properties": {"ApiId": {"Ref": "HttpApi"}, "PayloadFormatVersion": "2.0"},
        }
    }
    assert http["HttpApi"]["Type"] == "AWS::Serverless::HttpApi"

    rest = resources(Stack(front="rest-api", stage="prod"))
    assert rest["RestApi"]["Properties"]["BinaryMediaTypes"] == ["*~1*"]
    assert rest["RestApi"]["Properties"]["StageName"] == "prod"
    events = rest["WebFunction"]["Properties"]["Events"]
    assert {e["Properties"]["Path"] for e in events.values()} == {"/", "/{proxy+}"}
    assert template.build(Stack(front="rest-api", stage="prod"))["Outputs"]["SiteUrl"] == {
        "Description": "the site",
        "Value": {
            "Fn::Sub": "https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod/"
        },
    }


def test_execution_roles_are_least_privilege() -> None:
    dynamo = statements(Stack())
    assert dynamo["OwnLogGroupOnly"]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert dynamo["OwnLogGroupOnly"]["Resource"] == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"
            "log-group:${WebLogGroup}:log-stream:*"
        }
    ]
    assert dynamo["TableAndIndexes"]["Action"] == sorted(IAM_ACTIONS)
    assert dynamo["TableAndIndexes"]["Resource"] == [
        {"Fn::GetAtt": ["Table", "Arn"]},
        {"Fn::Sub": "${Table.Arn}/index/*"},
    ]
    assert set(dynamo) == {"OwnLogGroupOnly", "TableAndIndexes"}

    split = Stack(topology="split")
    assert set(statements(split)) == {"OwnLogGroupOnly", "InvokeDataFunction"}
    assert statements(split)["InvokeDataFunction"]["Resource"] == [
        {"Fn::GetAtt": ["DataFunction", "Arn"]}
    ]
    data = statements(split, "DataRole")
    assert set(data) == {
        "OwnLogGroupOnly",
        "CreateInterfacesInOwnSecurityGroup",
        "ManageInterfaces",
        "DescribeNetwork",
    }
    assert data["DescribeNetwork"]["Resource"] == "*"  # EC2 offers no resource-level scoping
    assert {
        "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:"
        "security-group/${FunctionSecurityGroup.GroupId}"
    } in data["CreateInterfacesInOwnSecurityGroup"]["Resource"]


def test_trust_policies_name_one_service() -> None:
    assert resources(Stack())["WebRole"]["Properties"]["AssumeRolePolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    assert roles.service_role_trust(roles.Account(account="123456789012")) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudformation.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
            }
        ],
    }


def test_log_groups_are_declared_with_a_retention() -> None:
    found = resources(Stack(topology="split"))
    assert found["DataLogGroup"]["Properties"] == {
        "LogGroupName": {"Fn::Sub": "/aws/lambda/${AWS::StackName}-data"},
        "RetentionInDays": 30,
    }
    assert found["DataFunction"]["Properties"]["LoggingConfig"] == {
        "LogGroup": {"Ref": "DataLogGroup"}
    }


def test_the_function_security_group_reaches_the_database_and_is_admitted_to_it() -> None:
    split = resources(Stack(topology="split"))
    port = {"Ref": "DatabasePort"}
    assert split["FunctionSecurityGroup"]["Properties"]["SecurityGroupEgress"] == [
        {
            "Description": "the database",
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "DestinationSecurityGroupId": {"Ref": "DatabaseSecurityGroupId"},
        }
    ]
    assert split["DatabaseIngress"] == {
        "Type": "AWS::EC2::SecurityGroupIngress",
        "Properties": {
            "Description": {"Fn::Sub": "${AWS::StackName} functions"},
            "GroupId": {"Ref": "DatabaseSecurityGroupId"},
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "SourceSecurityGroupId": {"Fn::GetAtt": ["FunctionSecurityGroup", "GroupId"]},
        },
    }
    nat = resources(Stack(topology="vpc-nat"))["FunctionSecurityGroup"]["Properties"]
    egress = [(r.get("CidrIp"), r["FromPort"]) for r in nat["SecurityGroupEgress"]]
    assert egress == [(None, {"Ref": "DatabasePort"}), ("0.0.0.0/0", 80), ("0.0.0.0/0", 443)]


def test_parameters_default_to_arm64_and_list_what_to_fill_in() -> None:
    values = template.parameters(Stack(topology="split"))
    assert values["Architecture"] == "arm64"
    assert values["SecretKeySecret"] == "recipebox/secret-key"
    assert values["DatabaseUrlSecret"] == "recipebox/database-url"
    assert [k for k, v in values.items() if v == ""] == [
        "CodeBucket",
        "WebCodeKey",
        "DataCodeKey",
        "VpcId",
        "SubnetIds",
        "DatabaseSecurityGroupId",
    ]
    with pytest.raises(StackError, match="no parameter 'VpcId'"):
        template.parameters(Stack(), {"VpcId": "vpc-1"})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"front": "function-url", "domain": "a.example.com"}, "CloudFront"),
        ({"front": "rest-api", "base_path": "/x"}, "needs --domain"),
        ({"front": "rest-api", "domain": "a.example.com", "base_path": "x/"}, "starts with '/'"),
        ({"front": "http-api", "timeout": 60}, "29 s"),
        ({"topology": "lambda"}, "--topology"),
        ({"name": "1recipes"}, "--stack-name"),
    ],
)
def test_descriptions_that_cannot_deploy_say_which_option_to_change(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(StackError, match=message):
        Stack(**options)


def test_yaml_round_trips_to_the_same_dict() -> None:
    built = template.build(Stack(topology="split", front="rest-api", domain="a.example.com"))
    text = render.to_yaml(built)
    assert yaml.safe_load(text) == built
    assert "&id" not in text  # no YAML anchors: CloudFormation rejects them
