"""The deploy-time policies: the deployer's, and CloudFormation's service role's.

The deployer (a person or CI): change sets on this stack only, and only through the service
role (cloudformation:RoleArn condition); the SAM transform; iam:PassRole on the service role
only; the artifacts under s3://BUCKET/STACK/; invoking the stack's functions (db-upgrade,
check). Nothing else: it cannot create a function or a role itself.

The CloudFormation service role: what creating, updating and deleting this stack's
resources needs (the resource types' handler permissions, minus features not used), scoped
to names starting with the stack name: CloudFormation names resources STACK-LogicalId-XYZ
and the template names functions STACK-web / STACK-data.

Actions come from the CloudFormation resource provider schemas' handler permissions (create,
read, update, delete) of every resource type in the transformed template, minus those of
features the template does not use (KMS keys, layers, code signing, Kinesis, EFS...); the
tests check that list against the schemas cfn-lint ships.
"""

from __future__ import annotations

from dataclasses import dataclass

from recipebox.deploy.policies import Policy, allow, document
from recipebox.deploy.stack import Stack

SAM_TRANSFORM = "Serverless-2016-10-31"


@dataclass(frozen=True, slots=True)
class Account:
    """Where the stack is deployed: names the concrete ARNs of the deploy-time policies."""

    account: str = "111122223333"  # AWS's documentation example account
    region: str = "us-east-1"
    bucket: str = "recipebox-artifacts"
    partition: str = "aws"
    service_role: str = "recipebox-cloudformation"
    database_security_group: str = ""  # sg-...: limits the ingress rule the stack adds

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        where = self.region if region else ""
        return f"arn:{self.partition}:{service}:{where}:{self.account}:{resource}"

    @property
    def service_role_arn(self) -> str:
        return self.arn("iam", f"role/{self.service_role}", region=False)


def deployer_policy(stack: Stack, account: Account) -> Policy:
    """What a person or CI needs to run `recipebox deploy` for this stack, and no more."""
    stack_arn = account.arn("cloudformation", f"stack/{stack.name}/*")
    return document(
        allow(
            "ChangeSetsThroughServiceRoleOnly",
            ["cloudformation:CreateChangeSet"],
            [stack_arn],
            ArnEquals={"cloudformation:RoleArn": account.service_role_arn},
        ),
        allow(
            "SamTransform",
            ["cloudformation:CreateChangeSet"],
            [
                f"arn:{account.partition}:cloudformation:{account.region}:aws:transform/{SAM_TRANSFORM}"
            ],
        ),
        allow(
            "ReadAndRunChangeSets",
            [
                "cloudformation:DeleteChangeSet",
                "cloudformation:DescribeChangeSet",
                "cloudformation:DescribeStackEvents",
                "cloudformation:DescribeStacks",
                "cloudformation:ExecuteChangeSet",
                "cloudformation:GetTemplate",
                "cloudformation:ListChangeSets",
                "cloudformation:ListStackResources",
            ],
            [stack_arn],
        ),
        allow(
            "PassServiceRoleToCloudFormationOnly",
            ["iam:PassRole"],
            [account.service_role_arn],
            StringEquals={"iam:PassedToService": "cloudformation.amazonaws.com"},
        ),
        allow(
            "Artifacts",
            ["s3:GetObject", "s3:PutObject"],
            [f"arn:{account.partition}:s3:::{account.bucket}/{stack.name}/*"],
        ),
        allow(
            "ListOwnArtifacts",
            ["s3:ListBucket"],
            [f"arn:{account.partition}:s3:::{account.bucket}"],
            StringLike={"s3:prefix": [f"{stack.name}/*"]},
        ),
        allow(
            "ManagementCommands",
            ["lambda:InvokeFunction"],
            [account.arn("lambda", f"function:{stack.name}-*")],
        ),
    )


def service_role_trust(account: Account) -> Policy:
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudformation.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account.account}},
        }
    )


LAMBDA_ACTIONS = [
    "lambda:AddPermission",
    "lambda:CreateFunction",
    "lambda:DeleteFunction",
    "lambda:DeleteFunctionConcurrency",
    "lambda:GetFunction",
    "lambda:GetFunctionCodeSigningConfig",
    "lambda:GetFunctionConfiguration",
    "lambda:GetFunctionRecursionConfig",
    "lambda:GetFunctionScalingConfig",
    "lambda:GetPolicy",
    "lambda:GetRuntimeManagementConfig",
    "lambda:ListTags",
    "lambda:PublishVersion",
    "lambda:PutFunctionConcurrency",
    "lambda:PutFunctionRecursionConfig",
    "lambda:PutRuntimeManagementConfig",
    "lambda:RemovePermission",
    "lambda:TagResource",
    "lambda:UntagResource",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
]
FUNCTION_URL_ACTIONS = [
    "lambda:CreateFunctionUrlConfig",
    "lambda:DeleteFunctionUrlConfig",
    "lambda:GetFunctionUrlConfig",
    "lambda:UpdateFunctionUrlConfig",
]
ROLE_ACTIONS = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",  # the delete handler detaches managed policies (there are none)
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
]
LOG_GROUP_ACTIONS = [
    "logs:CreateLogGroup",
    "logs:DeleteDataProtectionPolicy",
    "logs:DeleteLogGroup",
    "logs:DeleteRetentionPolicy",
    "logs:GetDataProtectionPolicy",
    "logs:ListTagsForResource",
    "logs:PutRetentionPolicy",
    "logs:TagResource",
    "logs:UntagResource",
]
TABLE_ACTIONS = [
    "dynamodb:CreateTable",
    "dynamodb:DeleteTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeContributorInsights",
    "dynamodb:DescribeKinesisStreamingDestination",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:GetResourcePolicy",
    "dynamodb:ListTagsOfResource",
    "dynamodb:TagResource",
    "dynamodb:UntagResource",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:UpdateTable",
    "dynamodb:UpdateTimeToLive",
]
SECURITY_GROUP_ACTIONS = [
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:CreateTags",
    "ec2:DeleteSecurityGroup",
    "ec2:DeleteTags",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
]
API_METHODS = ["apigateway:DELETE", "apigateway:GET", "apigateway:PATCH"]
API_METHODS += ["apigateway:POST", "apigateway:PUT"]


def service_role_policy(stack: Stack, account: Account) -> Policy:
    """What CloudFormation needs to create, update and delete this stack's resources."""
    name, a = stack.name, account
    functions = a.arn("lambda", f"function:{name}-*")
    roles = a.arn("iam", f"role/{name}-*", region=False)
    statements = [
        allow(
            "Functions",
            LAMBDA_ACTIONS + (FUNCTION_URL_ACTIONS if stack.front == "function-url" else []),
            [functions],
        ),
        allow("ExecutionRoles", ROLE_ACTIONS, [roles]),
        allow(
            "PassExecutionRolesToLambdaOnly",
            ["iam:PassRole"],
            [roles],
            StringEquals={"iam:PassedToService": "lambda.amazonaws.com"},
        ),
        allow(
            "ReadArtifacts",
            ["s3:GetObject", "s3:GetObjectVersion"],
            [f"arn:{a.partition}:s3:::{a.bucket}/{name}/*"],
        ),
        allow("LogGroups", LOG_GROUP_ACTIONS, [a.arn("logs", f"log-group:/aws/lambda/{name}-*")]),
        # These logs actions take no resource: "*" is required.
        allow(
            "DescribeLogGroups",
            [
                "logs:DescribeIndexPolicies",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
            ],
            "*",
        ),
        allow(
            "ResolveSecretReferences",
            ["secretsmanager:GetSecretValue"],
            [a.arn("secretsmanager", f"secret:{name}/*")],
        ),
    ]
    if stack.topology == "dynamodb":
        statements.append(allow("Table", TABLE_ACTIONS, [a.arn("dynamodb", f"table/{name}-*")]))
    if stack.in_vpc:
        groups = [a.arn("ec2", "security-group/*")]
        if a.database_security_group:
            groups = [a.arn("ec2", "security-group/" + a.database_security_group)]
        statements += [
            allow(
                "CreateFunctionSecurityGroup",
                ["ec2:CreateSecurityGroup"],
                [a.arn("ec2", "security-group/*"), a.arn("ec2", "vpc/*")],
            ),
            allow(
                "OwnSecurityGroups",
                SECURITY_GROUP_ACTIONS,
                [a.arn("ec2", "security-group/*")],
                StringEquals={"aws:ResourceTag/aws:cloudformation:stack-name": name},
            ),
            allow(
                "AdmitFunctionsToDatabase",
                [
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                ],
                groups,
            ),
            # Lambda checks the VPC, subnets and groups of an in-VPC function as the caller;
            # EC2 Describe* actions accept no resource: "*" is required.
            allow(
                "DescribeNetwork",
                [
                    "ec2:DescribeInstances",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroupRules",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                ],
                "*",
            ),
        ]
    if stack.front != "function-url":
        apis = ["/restapis", "/restapis/*"] if stack.front == "rest-api" else ["/apis", "/apis/*"]
        if stack.domain:
            apis += ["/domainnames", "/domainnames/*"]
        resources = [f"arn:{a.partition}:apigateway:{a.region}::{p}" for p in [*apis, "/tags/*"]]
        methods = list(API_METHODS)
        if stack.front == "http-api":
            methods += ["apigateway:TagResource", "apigateway:UntagResource"]
            if stack.domain:
                methods += ["apigateway:AddCertificateToDomain"]
                methods += ["apigateway:RemoveCertificateFromDomain"]
        statements.append(allow("Api", methods, resources))
        if stack.front == "rest-api":
            statements.append(
                allow("RestApiPolicy", ["apigateway:UpdateRestApiPolicy"], resources[:2])
            )
    if stack.domain:
        statements.append(
            allow(
                "DomainRecords",
                [
                    "route53:ChangeResourceRecordSets",
                    "route53:GetHostedZone",
                    "route53:ListResourceRecordSets",
                ],
                [f"arn:{a.partition}:route53:::hostedzone/*"],
            )
        )
        statements.append(
            allow("DomainChanges", ["route53:GetChange"], [f"arn:{a.partition}:route53:::change/*"])
        )
    return document(*statements)
