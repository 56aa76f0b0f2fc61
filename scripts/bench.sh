#!/usr/bin/env bash
# Benchmarks localcloud side by side with its peers in one run and prints a table of figures
# (localcloud/cli/benches/peers.rs says what is measured). Not a test: scripts/test.sh and CI do
# not run it. Everything listens on 127.0.0.1 and is stopped on exit.
#
#   scripts/bench.sh                       BENCH_SECONDS=5 per timed phase, 16 in flight
#   BENCH_SECONDS=10 BENCH_CONCURRENCY=32 BENCH_UP_RUNS=7 scripts/bench.sh
#   BENCH_ONLY=b,f scripts/bench.sh        only some sections: a) DynamoDB, b) warm Lambda invoke,
#                                          c) Step Functions, d) up, e) API stage, f) cold starts
#
# It installs what it needs first: moto[server] and cargo-lambda into .venv
# (requirements-bench.txt), then builds the binaries once, in the workspace's one profile (the dev profile that `up` and `cargo test` use) (localcloud, the function
# crates, the benchmark), and starts:
#   - localcloud up --ephemeral --no-build on free ports, and signs in a user (localcloud token);
#   - moto_server, with its Step Functions interpreter on (POST /moto-api/config
#     {"stepfunctions": {"execute_state_machine": true}}; by default moto only records executions);
#   - dynoxide's own server alone (localcloud/dynamodb/examples/dynoxide_server.rs), the ceiling
#     for section a): what the same client gets from the engine with no localcloud code;
#   - cargo lambda watch --only-lambda-apis serving target/debug/validate-order, the binary
#     localcloud runs.
# Logs of the servers: target/bench/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case $TARGET in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
LOGS=$TARGET/bench
mkdir -p "$LOGS"

FUNCTION_CRATES=(validate-order reserve-inventory charge-payment confirm-order profile-welcome orders-cleanup)

say() { printf '==> %s\n' "$*" >&2; }

# --- installs ---------------------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
[ -x .venv/bin/moto_server ] || { echo "moto_server missing from .venv/bin" >&2; exit 1; }
[ -x .venv/bin/cargo-lambda ] || { echo "cargo-lambda missing from .venv/bin" >&2; exit 1; }
export PATH="$ROOT/.venv/bin:$PATH"

# --- one build --------------------------------------------------------------------------------
# One cargo invocation for everything, so that features are unified once: a second invocation
# with another package set (e.g. `cargo bench -p localcloud`) would rebuild the shared crates.
build_args=()
for c in "${FUNCTION_CRATES[@]}"; do build_args+=(-p "$c"); done
say "cargo build (localcloud, the functions, the benchmark client, dynoxide alone)"
EXES=$(cargo build --locked -p localcloud "${build_args[@]}" --bins --bench peers \
  -p localcloud-dynamodb --example dynoxide_server \
  --message-format json-render-diagnostics \
  | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] in ("peers", "dynoxide_server") and m.get("executable"):
        print(m["target"]["name"], m["executable"])')
BENCH_EXE=$(sed -n 's/^peers //p' <<<"$EXES")
DYNOXIDE_EXE=$(sed -n 's/^dynoxide_server //p' <<<"$EXES")
[ -x "$BENCH_EXE" ] || { echo "the benchmark executable was not built" >&2; exit 1; }
[ -x "$DYNOXIDE_EXE" ] || { echo "the dynoxide_server example was not built" >&2; exit 1; }

# --- servers ----------------------------------------------------------------------------------
PIDS=()
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do
    # Each server runs in its own process group (setsid): stop it with its children.
    kill -INT -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for DESCRIPTION SECONDS COMMAND...: retries COMMAND every 0.1 s.
wait_for() {
  local what=$1 limit=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "$what: not ready after ${limit}s" >&2; return 1; fi
    sleep 0.1
  done
}

say "localcloud up"
# The stage's throttling (ApiThrottlingRateLimit, 50/s by default) and the account's (10,000/s,
# as on AWS), both emulated with 429s, are lifted so that the API benchmark measures the stage,
# not the limits.
setsid "$TARGET/debug/localcloud" up --ephemeral --port 0 --api-port 0 --auth-port 0 --no-build \
  --api-rate-limit 1000000 --api-burst-limit 1000000 \
  --parameter-overrides ApiThrottlingRateLimit=1000000 ApiThrottlingBurstLimit=1000000 \
  >"$LOGS/localcloud.log" 2>&1 </dev/null &
PIDS+=($!)
wait_for "localcloud up" 120 grep -q '^Ready in ' "$LOGS/localcloud.log"
LC_ENDPOINT=$(sed -n 's/^Endpoint: \(http:[^ ]*\).*/\1/p' "$LOGS/localcloud.log" | head -1)
LC_API=$(sed -n 's/^API: \(http:[^ ]*\).*/\1/p' "$LOGS/localcloud.log" | head -1)
LC_PORT=${LC_ENDPOINT##*:}
TOKEN=$("$TARGET/debug/localcloud" token --port "$LC_PORT")

say "moto_server"
MOTO_PORT=$(free_port)
setsid moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$LOGS/moto.log" 2>&1 </dev/null &
PIDS+=($!)
MOTO=http://127.0.0.1:$MOTO_PORT
wait_for moto_server 60 curl -sf "$MOTO/moto-api/config"
curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"stepfunctions": {"execute_state_machine": true}}' "$MOTO/moto-api/config" >/dev/null

say "dynoxide alone (the ceiling of section a)"
DYNOXIDE_PORT=$(free_port)
setsid "$DYNOXIDE_EXE" "$DYNOXIDE_PORT" >"$LOGS/dynoxide.log" 2>&1 </dev/null &
PIDS+=($!)
DYNOXIDE=http://127.0.0.1:$DYNOXIDE_PORT
wait_for "dynoxide_server" 30 curl -sf "$DYNOXIDE/"

say "cargo lambda watch (validate-order)"
# --only-lambda-apis: cargo lambda serves the Invoke and Runtime APIs and the function is the
# same binary that localcloud runs (started here with the variables cargo lambda names;
# its default function name is `_`), so cargo does not build it a second time.
CL_PORT=$(free_port)
setsid cargo lambda watch --only-lambda-apis --invoke-address 127.0.0.1 --invoke-port "$CL_PORT" \
  >"$LOGS/cargo-lambda.log" 2>&1 </dev/null &
PIDS+=($!)
CL=http://127.0.0.1:$CL_PORT
wait_for "cargo lambda watch" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$CL_PORT"
AWS_LAMBDA_FUNCTION_NAME=_ AWS_LAMBDA_FUNCTION_VERSION=1 AWS_LAMBDA_FUNCTION_MEMORY_SIZE=4096 \
AWS_LAMBDA_RUNTIME_API=http://127.0.0.1:$CL_PORT/.rt \
  setsid "$TARGET/debug/validate-order" >"$LOGS/cargo-lambda-function.log" 2>&1 </dev/null &
PIDS+=($!)
curl -sf --max-time 60 -X POST -H 'Content-Type: application/json' \
  --data-binary @events/validate-order/valid.json \
  "$CL/2015-03-31/functions/_/invocations" >/dev/null

# --- the run ----------------------------------------------------------------------------------
echo "bench: $(date -u '+%Y-%m-%d %H:%M:%SZ'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- localcloud functions || echo ' + uncommitted changes'), $(nproc) cores,$(uptime | sed 's/.*,\( *load average\)/\1/')"
echo "peers: $(.venv/bin/pip show moto 2>/dev/null | sed -n 's/^Version: /moto_server /p'), $(cargo-lambda lambda --version 2>/dev/null | head -1); $(rustc --version)"
BENCH_LOCALCLOUD_ENDPOINT=$LC_ENDPOINT \
BENCH_LOCALCLOUD_API=$LC_API \
BENCH_LOCALCLOUD_TOKEN=$TOKEN \
BENCH_LOCALCLOUD_BIN=$TARGET/debug/localcloud \
BENCH_MOTO_ENDPOINT=$MOTO \
BENCH_DYNOXIDE_ENDPOINT=$DYNOXIDE \
BENCH_MOTO_SERVER_BIN=$ROOT/.venv/bin/moto_server \
BENCH_CARGO_LAMBDA_ENDPOINT=$CL \
BENCH_CARGO_LAMBDA_FUNCTION=_ \
  "$BENCH_EXE"
