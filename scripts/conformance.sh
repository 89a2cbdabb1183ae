#!/usr/bin/env bash
# Conformance run for CI: builds the server and the suite, starts the server on
# a free loopback port with the upstream sample data imported, runs every
# conformance class against it, and exits non-zero when a MUST requirement fails.
#
#   scripts/conformance.sh
#
# Variants: the embedded default always (a temporary OPENTABLETOP_DATA_DIR);
# PostgreSQL too when DATABASE_URL is set (it should name an empty database:
# the sample-data class expects exactly the sample catalog).
#
# Environment (all optional):
#   SAMPLE_DATA              upstream data folder   (default ../shared/opentabletop/data)
#   CONFORMANCE_CLASSES      classes to run         (default all; "all" includes fuzz)
#   CONFORMANCE_SPEC         --spec for the suite   (default: the server's /openapi.json)
#   CONFORMANCE_EXPECT_FAIL  known deviations file  (default conformance/expect-fail.txt when present)
#   CONFORMANCE_REPORT_DIR   JSON lines + JUnit     (default $CARGO_TARGET_DIR/conformance)
#   CONFORMANCE_SEED         --seed                 (default 1)
#   CONFORMANCE_ARGS         extra suite arguments, e.g. "--fuzz-max-examples 50 --venv .venv-st"
#   CARGO_TARGET_DIR, CARGO_BUILD_JOBS are honoured by the build.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-target}
DATA_SRC=${SAMPLE_DATA:-../shared/opentabletop/data}
CLASSES=${CONFORMANCE_CLASSES:-all}
REPORTS=${CONFORMANCE_REPORT_DIR:-$TARGET/conformance}
EXPECT=${CONFORMANCE_EXPECT_FAIL:-conformance/expect-fail.txt}
SEED=${CONFORMANCE_SEED:-1}

[ -d "$DATA_SRC" ] || { echo "conformance: sample data not found at $DATA_SRC (set SAMPLE_DATA)" >&2; exit 2; }

echo "conformance: building the server and the suite"
cargo build -p opentabletop --bin opentabletop
cargo build -p opentabletop-conformance
SERVER="$TARGET/debug/opentabletop"
SUITE="$TARGET/debug/opentabletop-conformance"
mkdir -p "$REPORTS"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

PIDS=()
TMPS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for t in "${TMPS[@]:-}"; do [ -n "$t" ] && rm -rf "$t"; done
}
trap cleanup EXIT

# run_variant NAME ENV-ARGS...: import and serve with `env ENV-ARGS`, run the suite; returns its status
run_variant() {
  local name=$1; shift
  local dir log port pid base rc
  dir=$(mktemp -d); log="$dir/server.log"; TMPS+=("$dir")
  port=$(free_port); base="http://127.0.0.1:$port"
  echo "conformance[$name]: migrating and importing $DATA_SRC"
  { env "$@" OPENTABLETOP_DATA_DIR="$dir/db" "$SERVER" migrate \
      && env "$@" OPENTABLETOP_DATA_DIR="$dir/db" SEED_DEMO=false "$SERVER" import "$DATA_SRC"; } >"$dir/import.log" 2>&1 \
    || { echo "conformance[$name]: import failed:"; cat "$dir/import.log"; return 2; }
  echo "conformance[$name]: serving on $base"
  env "$@" PORT="$port" BIND_ADDRESS=127.0.0.1 OPENTABLETOP_DATA_DIR="$dir/db" SEED_DEMO=false \
    LOG_LEVEL=warn "$SERVER" serve >"$log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/ready" 2>/dev/null)" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || { echo "conformance[$name]: the server exited:"; cat "$log"; return 2; }
    sleep 0.1
  done
  local args=(--base-url "$base" --classes "$CLASSES" --seed "$SEED"
              --json "$REPORTS/$name.jsonl" --junit "$REPORTS/$name.xml")
  [ -n "${CONFORMANCE_SPEC:-}" ] && args+=(--spec "$CONFORMANCE_SPEC")
  [ -f "$EXPECT" ] && args+=(--expect-fail "$EXPECT")
  # shellcheck disable=SC2206
  [ -n "${CONFORMANCE_ARGS:-}" ] && args+=($CONFORMANCE_ARGS)
  set +e
  "$SUITE" "${args[@]}"
  rc=$?
  set -e
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "conformance[$name]: suite exit status $rc (reports in $REPORTS/$name.{jsonl,xml})"
  return $rc
}

status=0
run_variant embedded -u DATABASE_URL || status=$?
if [ -n "${DATABASE_URL:-}" ]; then
  pg=0
  run_variant postgres DATABASE_URL="$DATABASE_URL" || pg=$?
  [ $pg -gt $status ] && status=$pg
fi
exit $status
