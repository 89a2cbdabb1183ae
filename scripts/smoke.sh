#!/usr/bin/env bash
# Smoke run of a built binary over a real socket:
#   /ready (and the time from process start to its first 200), /docs,
#   /openapi.json, a 404 problem, /metrics, then SIGTERM and exit status 0.
#
#   scripts/smoke.sh [BINARY]     (default target/debug/opentabletop)
# The environment passes through: set DATABASE_URL for PostgreSQL, nothing for
# the embedded default (a temporary OPENTABLETOP_DATA_DIR is used).
set -euo pipefail
BIN=${1:-target/debug/opentabletop}
PORT=${SMOKE_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
DATA=$(mktemp -d)
LOG=$(mktemp)
trap 'kill -9 $PID 2>/dev/null || true; rm -rf "$DATA" "$LOG"' EXIT
BASE="http://127.0.0.1:$PORT"

start_ns=$(date +%s%N)
PORT=$PORT BIND_ADDRESS=127.0.0.1 OPENTABLETOP_DATA_DIR=${OPENTABLETOP_DATA_DIR:-$DATA} "$BIN" serve >"$LOG" 2>&1 &
PID=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/ready" 2>/dev/null)" = 200 ]; do
  kill -0 $PID 2>/dev/null || { echo "server exited:"; cat "$LOG"; exit 1; }
  [ $(( ($(date +%s%N) - start_ns) / 1000000 )) -lt 30000 ] || { echo "not ready after 30 s"; cat "$LOG"; exit 1; }
  sleep 0.01
done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
echo "smoke: ready ${ready_ms} ms after process start"

check() { # name expected-status url [grep-pattern]
  local code body
  body=$(curl -s -w '\n%{http_code} %{content_type}' "$3")
  code=$(tail -1 <<<"$body")
  case "$code" in "$2"*) ;; *) echo "FAIL $1: got $code"; echo "$body" | head -5; exit 1;; esac
  if [ -n "${4:-}" ] && ! grep -q -- "$4" <<<"$body"; then echo "FAIL $1: no '$4' in body"; exit 1; fi
  echo "ok   $1 ($code)"
}
check "GET /ready" "200 application/json" "$BASE/ready" '"status":"ready"'
check "GET /health" "200 application/json" "$BASE/health" '"ok"'
check "GET /docs/" "200 text/html" "$BASE/docs/" 'swagger-ui'
check "GET /openapi.json" "200 application/json" "$BASE/openapi.json" '"openapi":"3.1.0"'
check "GET /no-such-route" "404 application/problem+json" "$BASE/no-such-route" 'problems/not-found'
check "GET /metrics" "200 text/plain" "$BASE/metrics" 'http_requests_total{method="GET",route="/ready",status="200"}'

kill -TERM $PID
status=0; wait $PID || status=$?
if [ "$status" != 0 ]; then echo "FAIL exit status after SIGTERM: $status"; cat "$LOG"; exit 1; fi
grep -q '"message":"shutdown complete"' "$LOG" || { echo "FAIL no shutdown log line"; cat "$LOG"; exit 1; }
echo "ok   SIGTERM -> exit 0"
