"""Serialise templates and policies: YAML (pyyaml, imported on use) or JSON; write as UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def to_yaml(data: Any) -> str:
    """Block-style YAML in the dict's own order; intrinsics stay long-form ({"Ref": ...})."""
    import yaml  # the "deploy" extra

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # CloudFormation does not accept YAML anchors and aliases

    text: str = yaml.dump(
        data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return text


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def cloudformation_parameters(values: dict[str, str]) -> str:
    """The `aws cloudformation ... --parameters file://` format: a list of key/value pairs."""
    return to_json([{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()])


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
