#!/usr/bin/env python3
"""Translate template.yaml to plain CloudFormation offline, the way `sam package` + the SAM
transform would, and write it to .aws-sam/translated.json for cfn-lint.

What `sam package` would upload is inlined instead:
- `Fn::Transform: AWS::Include` (the API's DefinitionBody) -> the parsed apigw/openapi.yaml;
- a state machine's `DefinitionUri` -> `Definition` (the parsed ASL);
- a function's local `CodeUri` -> a dummy `s3://` location.
Then samtranslator runs with no AWS calls (no managed-policy lookup: `get_managed_policy_map`
returns nothing, so SAM uses its built-in ARNs). Usage: sam-translate.py [template] [output].
"""
import json
import logging
import pathlib
import sys

import boto3
from samcli.yamlhelper import yaml_parse
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(path: pathlib.Path):
    return yaml_parse(path.read_text())


def inline_includes(node, base: pathlib.Path):
    """Replaces every {"Fn::Transform": {"Name": "AWS::Include", ...}} with the file's content."""
    if isinstance(node, dict):
        transform = node.get("Fn::Transform")
        if len(node) == 1 and isinstance(transform, dict) and transform.get("Name") == "AWS::Include":
            location = transform["Parameters"]["Location"]
            return inline_includes(load(base / location), base)
        return {key: inline_includes(value, base) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_includes(value, base) for value in node]
    return node


def inline_artifacts(template: dict, base: pathlib.Path) -> None:
    for name, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        kind = resource.get("Type")
        if kind == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            props["Definition"] = json.loads((base / props.pop("DefinitionUri")).read_text())
        if kind in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            key = "CodeUri" if kind == "AWS::Serverless::Function" else "ContentUri"
            uri = props.get(key)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                if not (base / uri).exists():
                    sys.exit(f"sam-translate: Resources.{name}.Properties.{key} {uri} does not exist")
                props[key] = f"s3://sam-translate-artifacts/{name}.zip"


def main() -> int:
    # Without a feature-toggle config (the real transform has one) samtranslator warns once per
    # feature it asks about; that says nothing about the template.
    logging.getLogger("samtranslator.feature_toggle.feature_toggle").setLevel(logging.ERROR)
    source = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "template.yaml"
    target = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / ".aws-sam" / "translated.json"
    base = source.resolve().parent
    template = inline_includes(load(source), base)
    inline_artifacts(template, base)
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name="us-east-1"))
    output = translator.translate(
        template,
        parameter_values={"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"},
        get_managed_policy_map=lambda: {},
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(output, indent=2, default=str) + "\n")
    print(f"sam-translate: {source.name} -> {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} "
          f"({len(output.get('Resources', {}))} resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
