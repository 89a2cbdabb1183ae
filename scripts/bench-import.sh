#!/usr/bin/env bash
# Generates a synthetic catalog and imports it into a fresh PostgreSQL
# database, printing the time and peak memory of each step.
#
#   scripts/bench-import.sh [GAMES] [SEED]      (defaults: 100000 1)
# Needs a release build (cargo build --release) and PG_ADMIN_URL
# (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
GAMES=${1:-100000}
SEED=${2:-1}
BIN=${BIN:-target/release/opentabletop}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB=ot_bench_import_$$
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@"
}

measure "generate $GAMES games" "$BIN" generate --games "$GAMES" --seed "$SEED" --out "$OUT" 
echo "files: $(find "$OUT" -type f | wc -l), size: $(du -sh "$OUT" | cut -f1)"
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB"
export DATABASE_URL=${PG_ADMIN_URL%/*}/$DB
"$BIN" migrate >/dev/null
measure "import (PostgreSQL)" "$BIN" import "$OUT" >/dev/null
measure "re-import (PostgreSQL, no changes)" "$BIN" import "$OUT" >/dev/null
psql "$DATABASE_URL" -Atc "SELECT 'games in database: ' || COUNT(*) FROM games"
