#!/usr/bin/env bash
# The one test command (README "Test it"; .ci/run calls exactly this).
# On a fresh machine it installs what it needs into the repository first:
#   .venv/ (aws-sam-cli, the AWS CLI, cfn-lint, cargo-lambda, ziglang), node_modules/ (asl-validator,
#   playwright-core), .m2/repository (Maven's cache), the aarch64 Rust target when rustup can
#   add it, and Debian's chromium and maven packages (apt-get, as root or with sudo) when they
#   are missing. A JDK 21 or newer must be installed (Debian 12 does not package one).
# Then it runs every check. Each step prints its wall time; the summary is at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

declare -a SUMMARY=()
step() {
  local name=$1; shift
  local start=$SECONDS
  echo
  echo "==> $name"
  "$@"
  SUMMARY+=("$(printf '%-34s %4ss' "$name" $((SECONDS - start)))")
}

# --- installs -------------------------------------------------------------------------------
install_venv() {
  if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
}
install_node() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund; fi
}
# SAM's default architecture is arm64 (Graviton). Building it needs the aarch64 std library;
# where rustup cannot add it, fall back to x86_64 and say so.
pick_arch() {
  if rustup target list --installed 2>/dev/null | grep -q '^aarch64-unknown-linux-gnu$' \
     || rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1; then
    ARCH=arm64
  else
    ARCH=x86_64
    echo "rustup could not add aarch64-unknown-linux-gnu: building Architecture=x86_64 instead"
  fi
  echo "Architecture=$ARCH"
}
# The Java variant targets Java 21 (Lambda's java21 runtime), so Maven needs a JDK >= 21.
pick_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-2[1-9]-jdk-* /usr/lib/jvm/java-2[1-9]-openjdk-* /usr/lib/jvm/temurin-25-jdk-*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    local major
    major=$("$candidate/bin/javac" -version 2>&1 | sed -E 's/javac ([0-9]+).*/\1/')
    if [ "$major" -ge 21 ]; then export JAVA_HOME=$candidate; echo "JAVA_HOME=$JAVA_HOME"; return 0; fi
  done
  echo "No JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm); install one, e.g. apt-get install openjdk-21-jdk-headless" >&2
  return 1
}

step "install .venv (sam, aws, cfn-lint, cargo-lambda, zig)" install_venv
step "install node_modules (asl-validator, playwright)" install_node
step "rust target for arm64" pick_arch
step "pick a JDK >= 21" pick_jdk
export PATH="$ROOT/.venv/bin:$JAVA_HOME/bin:$PATH"
# `sam build` runs Maven itself: point it at the same repository-local cache.
export MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$ROOT/.m2/repository"

# --- Rust -------------------------------------------------------------------------------------
step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy -D warnings" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test" cargo test --workspace --locked
# One profile and one feature set for everything (Cargo.toml [profile.dev], workspace-hack/):
# after the tests, what `localcloud up` builds (localcloud and the function binaries) must be
# compiled already. A unit built again here means some package set unifies features
# differently; `cargo hakari generate` (cargo install cargo-hakari) rewrites workspace-hack.
same_build() {
  local rebuilt
  rebuilt=$(cargo build --locked -p localcloud -p validate-order -p reserve-inventory -p charge-payment \
      -p confirm-order -p profile-welcome -p orders-cleanup --message-format json \
    | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and not m.get("fresh"):
        print(m["package_id"])')
  if [ -n "$rebuilt" ]; then
    echo "these were compiled again after cargo test (a second feature set):" >&2
    echo "$rebuilt" >&2
    return 1
  fi
  echo "up's binaries and every dependency were already built by cargo test"
}
step "up's build reuses the tests' (one profile)" same_build

# --- the hosted UI in a browser ---------------------------------------------------------------
# Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; Playwright's own
# browser download is not used) signs up, confirms and signs in on `localcloud up`'s hosted UI.
# Debian packages the checks need, installed with apt-get (as root or with sudo) when their
# command is missing: `apt_install <command> <package>`.
apt_install() {
  local command=$1 package=$2
  if command -v "$command" >/dev/null; then return 0; fi
  local sudo=
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "$command is missing and installing it needs root or sudo: apt-get install $package" >&2
      return 1
    fi
    sudo=sudo
  fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package"
}
install_chromium() { apt_install /usr/bin/chromium chromium; }
hosted_ui_test() {
  install_chromium
  /usr/bin/chromium --version 2>/dev/null
  # `cargo test` above leaves the debug binary (localcloud's e2e test runs it); the test starts
  # `up --no-build` and needs none of the function binaries.
  if [ ! -x "${CARGO_TARGET_DIR:-target}/debug/localcloud" ]; then cargo build -p localcloud --locked; fi
  node --test e2e/
}
step "node test (hosted UI in Chromium)" hosted_ui_test

# --- template, API, workflow, edge -----------------------------------------------------------
step "template lint (sam, cfn-lint, asl)" scripts/lint-template.sh
step "edge function inlined verbatim" .venv/bin/python scripts/check-edge-inline.py
step "node test (CloudFront Function)" node --test edge/

# --- Java variant ------------------------------------------------------------------------------
step "install Maven (Debian's maven) when missing" apt_install mvn maven
step "mvn verify (charge-payment-java)" mvn -B --no-transfer-progress -Dmaven.repo.local="$ROOT/.m2/repository" \
  -f functions/charge-payment-java/pom.xml verify

# --- the real build -------------------------------------------------------------------------
sam_build() {
  sam build --parameter-overrides "Architecture=$ARCH" --no-cached
  echo "release bootstrap sizes:"
  find .aws-sam/build -name bootstrap -printf '  %-40h %s bytes\n' | sed "s|.aws-sam/build/||"
  for dir in .aws-sam/build/*Java*/; do
    if [ -d "$dir" ]; then
      printf '  %-40s %s bytes (classes and lib/*.jar)\n' "$(basename "$dir")" "$(du -sb "$dir" | cut -f1)"
    fi
  done
}
step "sam build (Architecture=$ARCH)" sam_build

echo
echo "All checks passed. Step times:"
printf '  %s\n' "${SUMMARY[@]}"
echo "  total                              ${SECONDS}s"
