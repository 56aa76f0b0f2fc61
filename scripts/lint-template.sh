#!/usr/bin/env bash
# Lints the deployable artifacts offline (no AWS account, no network):
#   1. sam validate --lint      (SAM CLI's cfn-lint pass over template.yaml)
#   2. cfn-lint template.yaml
#   3. scripts/sam-translate.py (AWS::Include, DefinitionUri and CodeUri inlined, then the SAM
#      transform offline) -> .aws-sam/translated.json, and cfn-lint on that
#   4. asl-validator on every workflows/*.asl.json
# Needs .venv (aws-sam-cli, which brings cfn-lint and samtranslator) and node_modules
# (asl-validator); scripts/test.sh installs both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
for tool in "$BIN/sam" "$BIN/cfn-lint" "$BIN/python"; do
  [ -x "$tool" ] || { echo "lint-template: $tool missing; run scripts/test.sh (or: python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt)" >&2; exit 1; }
done
[ -x node_modules/.bin/asl-validator ] || { echo "lint-template: node_modules/.bin/asl-validator missing; run npm ci" >&2; exit 1; }

# `sam validate` wants a region and credentials even when it makes no call.
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export SAM_CLI_TELEMETRY=0 SAM_CLI_UPDATE_CHECK=0

echo "--> sam validate --lint"
"$BIN/sam" validate --lint --template template.yaml

echo "--> cfn-lint template.yaml"
"$BIN/cfn-lint" template.yaml

echo "--> sam-translate + cfn-lint .aws-sam/translated.json"
"$BIN/python" scripts/sam-translate.py template.yaml .aws-sam/translated.json
"$BIN/cfn-lint" .aws-sam/translated.json

echo "--> asl-validator"
for definition in workflows/*.asl.json; do
  node_modules/.bin/asl-validator --json-path "$definition"
done
echo "lint-template: all passed"
