"""The template and policy commands: files written, documents printed, options refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from recipebox.deploy import template
from recipebox.deploy.commands import main
from recipebox.deploy.stack import Stack


def test_template_writes_the_template_and_a_parameters_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            *("template", "--topology", "split", "--front", "http-api"),
            *("--stack-name", "food", "--out", str(tmp_path)),
        ]
    )
    assert code == 0
    stack = Stack(topology="split", front="http-api", name="food")
    written = yaml.safe_load((tmp_path / "template.yaml").read_text(encoding="utf-8"))
    assert written == template.build(stack)
    parameters = json.loads((tmp_path / "parameters.json").read_text(encoding="utf-8"))
    assert parameters[:2] == [
        {"ParameterKey": "CodeBucket", "ParameterValue": ""},
        {"ParameterKey": "WebCodeKey", "ParameterValue": ""},
    ]
    assert {"ParameterKey": "SecretKeySecret", "ParameterValue": "food/secret-key"} in parameters
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        str(tmp_path / "template.yaml"),
        str(tmp_path / "parameters.json"),
    ]
    assert captured.err == (
        "parameters to fill in: CodeBucket, WebCodeKey, DataCodeKey, VpcId, SubnetIds, "
        "DatabaseSecurityGroupId\n"
    )


def test_policy_prints_one_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "deployer", "--account", "123456789012", "--bucket", "b"]) == 0
    deployer = json.loads(capsys.readouterr().out)
    assert deployer["Version"] == "2012-10-17"
    assert "arn:aws:s3:::b/recipebox/*" in json.dumps(deployer)

    assert main(["policy", "service-role", "--topology", "split", "--account", "1" * 12]) == 0
    service = json.loads(capsys.readouterr().out)
    assert set(service) == {"TrustPolicy", "PermissionsPolicy"}

    assert main(["policy", "execution", "--topology", "split"]) == 0
    captured = capsys.readouterr()
    assert set(json.loads(captured.out)) == {"WebRole", "DataRole"}
    assert captured.err == "replace 111122223333 with your account id (--account)\n"


def test_impossible_options_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--domain", "food.example.com"]) == 1
    assert capsys.readouterr().err.startswith(
        "recipebox template: error: --domain needs --front http-api or rest-api"
    )


def test_deploy_code_never_imports_flask() -> None:
    code = (
        "import sys, pkgutil, importlib, recipebox.deploy as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    if m.name != '__main__': importlib.import_module('recipebox.deploy.' + m.name)\n"
        "import recipebox.services.checks\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('flask', 'werkzeug')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert done.stdout == b"[]\n"
