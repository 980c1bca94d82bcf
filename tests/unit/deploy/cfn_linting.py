"""Offline linters for templates and policies: cfn-lint, the SAM translator, parliament.

- `lint_template`: cfn-lint's Python API on a template's text (SAM-aware since cfn-lint 1.x).
- `translate`: the SAM transform, run locally by aws-sam-translator with its bundled managed
  policy map (no IAM call) and a region from AWS_DEFAULT_REGION (no AWS call).
- `concrete`: CloudFormation intrinsics replaced by example values, so a policy inside a
  template can be linted as a plain IAM document.
- `lint_policy`: parliament's findings; parliament imports pkg_resources, whose deprecation
  warning is silenced here only (the suite turns warnings into errors).
"""

from __future__ import annotations

import copy
import functools
import gc
import json
import re
import warnings
from collections.abc import Callable
from typing import Any

import pytest

ACCOUNT = "111122223333"
REGION = "us-east-1"
STACK = "recipebox"
PSEUDO = {
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::StackName": STACK,
    "AWS::URLSuffix": "amazonaws.com",
}
# Findings accepted on purpose, with the reason:
# - I4010 (informational): cfn-lint asks for Metadata.com.aws.cloudformation.Context blocks,
#   an optional documentation convention; the template documents itself in recipebox.deploy.
ACCEPTED_CFN_LINT = {"I4010"}
# - INVALID_ARN on arn:aws:cloudformation:REGION:aws:transform/Serverless-2016-10-31:
#   parliament expects a 12-digit account, but AWS owns the SAM transform and its ARN has
#   "aws" there (https://docs.aws.amazon.com/serverless-application-model/latest/
#   developerguide/sam-permissions.html).
ACCEPTED_PARLIAMENT = {("INVALID_ARN", "transform/Serverless-2016-10-31")}


def lint_template(text: str) -> list[str]:
    """cfn-lint's matches, as "RULE: message", minus the accepted ones."""
    from cfnlint.api import lint

    return [f"{m.rule.id}: {m.message}" for m in lint(text) if m.rule.id not in ACCEPTED_CFN_LINT]


def translate(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The CloudFormation that the SAM transform makes of `template`, computed offline."""
    from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    translator = Translator(managed_policy_map=None, sam_parser=Parser())
    translated: dict[str, Any] = translator.translate(
        copy.deepcopy(template),
        parameter_values={},
        get_managed_policy_map=lambda: get_bundled_managed_policy_map("aws"),
    )
    return translated


def example_value(name: str, attribute: str | None, resources: dict[str, Any]) -> str:
    kind = resources[name]["Type"]
    if kind == "AWS::DynamoDB::Table":
        table = f"{STACK}-Table-1A2B3C"
        return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}" if attribute else table
    if kind == "AWS::Lambda::Function":
        function = f"{STACK}-{name.removesuffix('Function').lower()}"
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}" if attribute else function
    if kind == "AWS::Logs::LogGroup":
        return f"/aws/lambda/{STACK}-{name.removesuffix('LogGroup').lower()}"
    if kind == "AWS::EC2::SecurityGroup":
        return "sg-0123456789abcdef0"
    raise KeyError(f"no example value for {name} ({kind})")


def concrete(node: Any, resources: dict[str, Any]) -> Any:
    """`node` with Ref, Fn::GetAtt and Fn::Sub replaced by example values."""
    if isinstance(node, list):
        return [concrete(item, resources) for item in node]
    if not isinstance(node, dict):
        return node
    if "Ref" in node:
        return PSEUDO.get(node["Ref"]) or example_value(node["Ref"], None, resources)
    if "Fn::GetAtt" in node:
        name, attribute = node["Fn::GetAtt"]
        return example_value(name, attribute, resources)
    if "Fn::Sub" in node:

        def fill(match: re.Match[str]) -> str:
            key = match.group(1)
            if key in PSEUDO:
                return PSEUDO[key]
            name, _, attribute = key.partition(".")
            return example_value(name, attribute or None, resources)

        return re.sub(r"\$\{([^}]+)\}", fill, node["Fn::Sub"])
    return {key: concrete(value, resources) for key, value in node.items()}


@functools.cache
def parliament_analyzer() -> Callable[..., Any]:
    """parliament's analyze_policy_string, imported with its import-time warnings silenced:
    pkg_resources' deprecation (UserWarning) and the files it leaves open (ResourceWarning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", ResourceWarning)
        from parliament import analyze_policy_string

        gc.collect()  # finalise the files parliament opened while warnings are silenced
    analyze: Callable[..., Any] = analyze_policy_string
    return analyze


def lint_policy(policy: dict[str, Any]) -> list[tuple[str, str]]:
    """parliament's findings (issue, detail) on an identity policy, minus the accepted ones."""
    analyze_policy_string = parliament_analyzer()
    analyzed = analyze_policy_string(json.dumps(policy), ignore_private_auditors=True)
    found = []
    for finding in analyzed.findings:
        where = json.dumps(finding.location) + json.dumps(finding.detail)
        if any(issue == finding.issue and text in where for issue, text in ACCEPTED_PARLIAMENT):
            continue
        found.append((finding.issue, str(finding.detail)))
    return found


def handler_permissions(resource_type: str) -> set[str]:
    """The IAM actions CloudFormation's handlers for `resource_type` may call (cfn-lint's copy
    of the resource provider schemas), over create, read, update and delete."""
    from importlib import resources

    schemas = resources.files("cfnlint") / "data" / "schemas"
    index = json.loads((schemas / "providers" / "us-east-1.json").read_text(encoding="utf-8"))
    schema = json.loads(
        (schemas / "resources" / f"{index[resource_type]}.json").read_text(encoding="utf-8")
    )
    handlers = schema.get("handlers", {})
    return {
        action
        for step in ("create", "read", "update", "delete")
        for action in handlers.get(step, {}).get("permissions", [])
    }
