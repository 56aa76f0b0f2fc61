#!/usr/bin/env python3
"""Fail when the CloudFront Function code inlined in template.yaml drifts from edge/viewer-request.js.

CloudFormation's AWS::CloudFront::Function takes its code as a string property and neither
`sam build` nor `sam package` can fill it from a file, so the template carries a copy. This check
keeps the copy byte-identical to the file that the node tests (and localcloud) run.
"""
import pathlib
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


class _AnyTag(yaml.SafeLoader):
    """Loads CloudFormation short-form tags (!Ref, !Sub, ...) as plain values."""


def _construct(loader, _suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_AnyTag.add_multi_constructor("!", _construct)


def main() -> int:
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=_AnyTag)
    functions = {
        name: res
        for name, res in template.get("Resources", {}).items()
        if res.get("Type") == "AWS::CloudFront::Function"
    }
    if not functions:
        print("check-edge-inline: template.yaml has no AWS::CloudFront::Function", file=sys.stderr)
        return 1
    source = (ROOT / "edge" / "viewer-request.js").read_text()
    failed = False
    for name, res in functions.items():
        code = res.get("Properties", {}).get("FunctionCode")
        if code != source:
            print(f"check-edge-inline: Resources.{name}.Properties.FunctionCode differs from "
                  "edge/viewer-request.js; paste the file into the template as a literal block (|)",
                  file=sys.stderr)
            failed = True
        else:
            print(f"check-edge-inline: Resources.{name} matches edge/viewer-request.js")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
