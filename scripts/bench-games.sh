#!/usr/bin/env bash
# Load benchmark of the games API against the performance targets of issue #4:
# a six-dimension GET /games query (page 1 and 200 pages deep), GET
# /games/{slug}, the same query in effective mode, and the full export
# (rows/s and peak RSS); then EXPLAIN (ANALYZE, BUFFERS) of the SQL behind
# the six-dimension query. Prints one table with the targets next to the
# figures.
#
#   scripts/bench-games.sh [GAMES]        (default 100000)
#
# Environment:
#   BIN                 release binary (default target/release/opentabletop;
#                       built with `cargo build --release` when missing)
#   PG_ADMIN_URL        default postgres://postgres@127.0.0.1:5432/postgres
#   BENCH_DATABASE_URL  reuse an imported database (skips generate + import;
#                       it is migrated and analyzed, never dropped)
#   KEEP_DB=1           keep the fresh database and print its URL, for re-runs
#   DURATION, WARMUP    wrk run and warm-up length (default 15s, 3s)
#   THREADS, CONNECTIONS wrk -t / -c (default 2, 16)
#   DEPTH               page of scenario (b) (default 200); when fewer than
#                       DEPTH x 25 games match, (b) uses a smaller limit and
#                       measures its own page 1 at that limit
#   PLAN_CACHE_MODE     e.g. force_custom_plan: set on the bench database
#                       (ALTER DATABASE) for the run, to compare plan caching
#   PG_LOG              PostgreSQL server log, read for the SQL of step 4
#                       (default /var/log/postgresql/postgresql-15-main.log)
# Needs wrk, curl, jq, psql and python3. Load goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
GAMES=${1:-100000}
BIN=${BIN:-target/release/opentabletop}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
DEPTH=${DEPTH:-200}
PG_LOG=${PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
LUA=$PWD/scripts/bench-games.lua
WORK=$(mktemp -d)
RESULTS=$WORK/results.tsv
SERVER_PID=
DB=
DROP_DB=0

cleanup() {
  stop_server
  if [ "$DROP_DB" = 1 ]; then
    if [ "${KEEP_DB:-0}" = 1 ]; then
      echo "kept database: BENCH_DATABASE_URL=$DATABASE_URL"
    else
      psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk curl jq psql python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install -y $tool)" >&2; exit 2; }
done
if [ ! -x "$BIN" ]; then
  echo "building the release binary (cargo build --release --bin opentabletop)..." >&2
  cargo build --release --bin opentabletop >&2
  BIN=${CARGO_TARGET_DIR:-target}/release/opentabletop
fi
BIN=$(realpath "$BIN")

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# --- 1. database ----------------------------------------------------------
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$BENCH_DATABASE_URL
  DB=$(psql "$DATABASE_URL" -Atc "SELECT current_database()")
  log "reusing database $DB"
  "$BIN" migrate >/dev/null
else
  DB=ot_bench_$$
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB"
  DROP_DB=1
  export DATABASE_URL=${PG_ADMIN_URL%/*}/$DB
  "$BIN" migrate >/dev/null
  log "generating $GAMES games"
  "$BIN" generate --games "$GAMES" --seed 1 --out "$WORK/catalog" >"$WORK/generate.log" 2>&1 \
    || { tail -20 "$WORK/generate.log" >&2; exit 1; }
  log "importing (about 110 s per 100,000 games)"
  start=$(date +%s.%N)
  "$BIN" import "$WORK/catalog" >"$WORK/import.log" 2>&1 || { tail -20 "$WORK/import.log" >&2; exit 1; }
  log "imported in $(python3 -c "print(f'{$(date +%s.%N) - $start:.0f}')") s"
  rm -rf "$WORK/catalog"
fi
# VACUUM as well as ANALYZE: sets the visibility map a bulk-loaded table
# lacks, so autovacuum does not start in the middle of a measurement.
psql "$DATABASE_URL" -qc "VACUUM (ANALYZE)"
sql() { psql "$DATABASE_URL" -Atc "$1"; }
if [ -n "${PLAN_CACHE_MODE:-}" ]; then
  sql "ALTER DATABASE $DB SET plan_cache_mode = '$PLAN_CACHE_MODE'" >/dev/null
else
  sql "ALTER DATABASE $DB RESET plan_cache_mode" >/dev/null
fi

ACTIVE=$(sql "SELECT COUNT(*) FROM games WHERE status = 'active'")
MECHS=$(sql "SELECT string_agg(slug, ',') FROM (SELECT slug FROM mechanics ORDER BY game_count DESC, slug LIMIT 2) m")
THEME=$(sql "SELECT slug FROM themes ORDER BY game_count DESC, slug LIMIT 1")
sql "SELECT '/games/' || slug FROM games WHERE status = 'active' ORDER BY md5(id::text) LIMIT 1000" >"$WORK/slugs.txt"
QUERY_A="/games?players=4&playtime_max=120&weight_min=2.0&weight_max=3.5&mechanics=$MECHS&theme_not=$THEME&type=base_game&limit=25"
QUERY_D="$QUERY_A&effective=true"

# --- 2. server ------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_server() {
  PORT=$(free_port)
  BASE=http://127.0.0.1:$PORT
  PORT=$PORT BIND_ADDRESS=127.0.0.1 LOG_LEVEL=warn "$BIN" serve >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 300); do # 30 s at most
    if curl -sf --max-time 1 "$BASE/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not become ready; its log:" >&2
  tail -20 "$WORK/server.log" >&2
  exit 1
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do # 10 s, then SIGKILL
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

status_of() { # path -> HTTP status
  curl -s -o "$WORK/probe.json" -w '%{http_code}' --max-time 60 "$BASE$1" || echo 000
}

# A wrk run of one path (or of the paths in a file), after a warm-up.
# Appends: name, p50 ms, p99 ms, req/s, requests, errors.
bench() { # name path [paths-file]
  local name=$1 path=$2 paths=${3:-}
  local status
  status=$(status_of "$path")
  if [ "$status" != 200 ]; then
    printf '%s\tHTTP %s: %s\n' "$name" "$status" \
      "$(head -c 160 "$WORK/probe.json" | tr '\n\t' '  ')" >>"$RESULTS"
    log "$name: HTTP $status, not measured"
    return 0
  fi
  log "$name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up)"
  BENCH_PATHS=$paths wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 30s \
    -s "$LUA" "$BASE$path" >/dev/null 2>&1 || true
  BENCH_PATHS=$paths wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s \
    --latency -s "$LUA" "$BASE$path" >"$WORK/wrk-$name.txt" 2>&1 || true
  local line
  line=$(grep BENCH_RESULT "$WORK/wrk-$name.txt" || true)
  if [ -z "$line" ]; then
    printf '%s\twrk failed: %s\n' "$name" "$(tail -1 "$WORK/wrk-$name.txt")" >>"$RESULTS"
    return 0
  fi
  python3 - "$name" "$line" >>"$RESULTS" <<'EOF'
import sys
name, line = sys.argv[1], sys.argv[2]
v = dict(kv.split("=") for kv in line.split()[1:])
v = {k: int(x) for k, x in v.items()}
rps = v["requests"] / (v["duration_us"] / 1e6)
print("\t".join([name, f"{v['p50_us']/1000:.2f}", f"{v['p99_us']/1000:.2f}", f"{rps:.0f}",
                 str(v["requests"]), str(v["non2xx"] + v["sockerr"])]))
EOF
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== bench-games: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(loadavg)"
echo "binary: $BIN ($(date -u -r "$BIN" '+%H:%M UTC'))"
echo "database: $DB, $ACTIVE active games; wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency after a $WARMUP warm-up; client, server and PostgreSQL share the machine"
echo "query (a): $QUERY_A"
echo "plan_cache_mode of the bench database: ${PLAN_CACHE_MODE:-auto (default)}"

start_server
TOTAL_A=$(curl -sf --max-time 60 "$BASE$QUERY_A" | jq -r '.meta.filter_summary.total_matching // .meta.total // "?"')
echo "matching games for (a): $TOTAL_A"

# --- 3a. six-dimension query, page 1 ----------------------------------------
bench a-page1 "$QUERY_A"

# --- 3b. the same query DEPTH pages deep ----------------------------------
# DEPTH pages of 25 need DEPTH x 25 matches; with fewer, the same query at a
# smaller limit (and its own page 1 at that limit, for the comparison).
LIMIT_B=25
if [[ $TOTAL_A =~ ^[0-9]+$ ]] && [ "$TOTAL_A" -lt $((DEPTH * 25)) ]; then
  LIMIT_B=$((TOTAL_A / DEPTH))
  [ "$LIMIT_B" -ge 1 ] || LIMIT_B=1
fi
QUERY_B=${QUERY_A/limit=25/limit=$LIMIT_B}
if [ "$LIMIT_B" != 25 ]; then
  echo "b: only $TOTAL_A games match (a), fewer than $DEPTH pages of 25: (b) pages the same query with limit=$LIMIT_B"
  bench b-page1 "$QUERY_B"
fi
log "b: following _links.next to page $DEPTH"
url=$QUERY_B
page=1
walk_start=$(date +%s.%N)
while [ "$page" -lt "$DEPTH" ]; do # at most DEPTH-1 requests of at most 60 s
  next=$(curl -sf --max-time 60 "$BASE$url" | jq -r '._links.next.href // empty')
  [ -n "$next" ] || break
  case $next in
    http://* | https://*) url=/${next#*://*/} ;;
    *) url=$next ;;
  esac
  page=$((page + 1))
done
walk_s=$(python3 -c "print(f'{$(date +%s.%N) - $walk_start:.1f}')")
WALK_NOTE="walked $((page - 1)) x _links.next to page $page in $walk_s s (one client, $(python3 -c "print(f'{$walk_s * 1000 / max($page - 1, 1):.0f}')") ms per page)"
echo "b: $WALK_NOTE"
DEEP_PAGE=$page
DEEP_URL=$url
bench "b-page$DEEP_PAGE" "$DEEP_URL"

# --- 3c. one game by slug ----------------------------------------------------
bench c-game-by-slug "$(head -1 "$WORK/slugs.txt")" "$WORK/slugs.txt"
# with 16 connections in a closed loop, latency is about 16 / throughput; one
# connection shows the service time of a request on an otherwise idle server
THREADS=1 CONNECTIONS=1 bench c-game-by-slug-c1 "$(head -1 "$WORK/slugs.txt")" "$WORK/slugs.txt"

# --- 3d. effective mode -------------------------------------------------------
bench d-effective "$QUERY_D"
stop_server

# --- 3e. export: a fresh server per format, so VmHWM is the export's ----------
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
EXPORT_RESULTS=$WORK/export.tsv
for format in jsonl csv; do
  start_server
  rss_idle=$(proc_kb "$SERVER_PID" VmRSS)
  log "e: GET /export/games?format=$format"
  out=$(curl -s -o /dev/null -D "$WORK/export-headers" --max-time 900 \
    -w '%{http_code} %{time_total} %{size_download}' "$BASE/export/games?format=$format" || echo "000 0 0")
  hwm=$(proc_kb "$SERVER_PID" VmHWM)
  rss_after=$(proc_kb "$SERVER_PID" VmRSS)
  rows=$(awk 'tolower($1) == "x-export-row-count:" { print $2 + 0 }' "$WORK/export-headers")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$format" "$out" "${rows:-0}" "$rss_idle" "$hwm" "$rss_after" >>"$EXPORT_RESULTS"
  stop_server
done

# --- 4. the SQL of (a), from the PostgreSQL log, and its plans ----------------
PLANS=$WORK/plans.txt
: >"$PLANS"
if [ -r "$PG_LOG" ]; then
  psql "$DATABASE_URL" -qc "ALTER DATABASE $DB SET log_min_duration_statement = 0"
  start_server # new connections pick the setting up
  capture() { # tag path: the PostgreSQL log lines of one request
    local offset
    offset=$(stat -c %s "$PG_LOG")
    curl -s --max-time 300 -o /dev/null "$BASE$2" || true
    sleep 1
    tail -c +"$((offset + 1))" "$PG_LOG" >"$WORK/pg-$1.log"
  }
  curl -s --max-time 60 -o /dev/null "$BASE$QUERY_A" || true # first use of a connection
  capture a "$QUERY_A"
  capture deep "$DEEP_URL"
  capture c "$(head -1 "$WORK/slugs.txt")"
  capture d "$QUERY_D"
  capture e "/export/games?format=jsonl"
  stop_server
  psql "$DATABASE_URL" -qc "ALTER DATABASE $DB RESET log_min_duration_statement"
  python3 - "$DB" "$WORK" <<'EOF'
import re, sys
db, work = sys.argv[1], sys.argv[2]
# "... postgres@DB LOG:  duration: 1.2 ms  parse|bind|execute sqlx_s_1: SELECT ..."
# "... postgres@DB DETAIL:  parameters: $1 = 'active', $2 = '4'"
stmt_re = re.compile(r"@" + re.escape(db) + r" LOG:  duration: ([0-9.]+) ms  (parse|bind|execute|statement)(?: [^:]*)?: (.*)$")
param_re = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")
def statements(path):
    out, last, pending = [], None, {}
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = stmt_re.search(line)
        if m:
            ms, phase, sql = float(m.group(1)), m.group(2), m.group(3)
            if phase in ("execute", "statement"):
                # parse + bind of this statement were logged just before
                last = {"ms": ms, "prep": pending.pop(sql, 0.0), "sql": sql, "params": {}}
                out.append(last)
            else:
                pending[sql] = pending.get(sql, 0.0) + ms
                last = None
        elif last is not None and "@" + db + " DETAIL:  parameters:" in line:
            last["params"] = dict(param_re.findall(line.split("parameters:", 1)[1]))
            last = None
    for s in out:
        s["bound"] = re.sub(r"\$(\d+)\b", lambda m: s["params"].get(m.group(1), m.group(0)), s["sql"])
    return out
for tag in ("a", "deep", "c", "d", "e"):
    try:
        st = statements(f"{work}/pg-{tag}.log")
    except FileNotFoundError:
        continue
    with open(f"{work}/breakdown-{tag}.txt", "w") as f:
        total = sum(s["ms"] + s["prep"] for s in st)
        f.write(f"  {len(st)} statements, {total:.1f} ms in PostgreSQL (execute | parse+bind | statement):\n")
        if len(st) <= 12:
            for s in st:
                f.write(f"  {s['ms']:8.2f} ms {s['prep']:6.2f} ms  {s['sql'][:100]}\n")
        else:  # grouped by statement text
            groups = {}
            for s in st:
                key = re.sub(r"\$\d+(, \$\d+)*", "$..", s["sql"])[:100]
                g = groups.setdefault(key, [0, 0.0])
                g[0] += 1
                g[1] += s["ms"] + s["prep"]
            for key, (n, ms) in sorted(groups.items(), key=lambda kv: -kv[1][1]):
                f.write(f"  {ms:9.1f} ms in {n:4d} x  {key}\n")
    if tag not in ("a", "deep"):
        continue
    games = [s for s in st if 'FROM "games" AS "g"' in s["sql"] and "game_mechanics" in s["sql"]]
    count = next((s for s in games if s["sql"].startswith("SELECT COUNT(*)")), None)
    page = next((s for s in games if " LIMIT " in s["sql"]), None)
    for name, s in (("count", count), ("page", page)):
        if s and (tag == "a" or name == "page"):
            open(f"{work}/sql-{tag}-{name}.sql", "w").write(s["bound"] + "\n")
            args = ", ".join(s["params"][str(k)] for k in range(1, len(s["params"]) + 1))
            open(f"{work}/prep-{tag}-{name}.sql", "w").write(
                "SET plan_cache_mode = force_generic_plan;\n"
                f"PREPARE q AS {s['sql']};\n"
                f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE q({args});\n")
EOF
  for f in sql-a-count sql-a-page sql-deep-page; do
    [ -s "$WORK/$f.sql" ] || { echo "($f: not found in the PostgreSQL log)" >>"$PLANS"; continue; }
    {
      case $f in
        sql-a-count) echo "--- count query of (a) (filter_summary.total_matching), custom plan (values known)" ;;
        sql-a-page) echo "--- page query of (a), page 1, custom plan" ;;
        sql-deep-page) echo "--- page query of (b), page $DEEP_PAGE (keyset condition added), custom plan" ;;
      esac
      # the SQL as run, with the 40-odd column list of `games` shortened
      sed -E 's/^SELECT "g"\."id", .*, ("g"\."[a-z_]+" AS "sort_value")/SELECT "g"."id", … (every column of games) …, \1/' "$WORK/$f.sql"
      psql "$DATABASE_URL" -X -At -c "EXPLAIN (ANALYZE, BUFFERS) $(cat "$WORK/$f.sql")"
      echo
    } >>"$PLANS"
  done
  # sqlx prepares and caches every statement per connection; after five
  # executions PostgreSQL may switch to the generic plan (parameters unknown),
  # which is then what the server runs under load.
  for f in prep-a-count prep-a-page; do
    [ -s "$WORK/$f.sql" ] || continue
    {
      case $f in
        prep-a-count) echo "--- count query of (a), GENERIC plan (the prepared statement with plan_cache_mode = force_generic_plan)" ;;
        prep-a-page) echo "--- page query of (a), page 1, GENERIC plan" ;;
      esac
      psql "$DATABASE_URL" -X -At -f "$WORK/$f.sql" | grep -v '^SET$\|^PREPARE$'
      echo
    } >>"$PLANS"
  done
else
  echo "(cannot read $PG_LOG: set PG_LOG to the PostgreSQL server log for the plans)" >>"$PLANS"
fi

# --- 5. report ---------------------------------------------------------------
echo
echo "== results ($ACTIVE active games, $TOTAL_A match (a); load at the end $(loadavg))"
python3 - "$RESULTS" "$EXPORT_RESULTS" "$DEEP_PAGE" "$LIMIT_B" <<'EOF'
import sys
results, exports, deep, limit_b = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = {}
for line in open(results):
    f = line.rstrip("\n").split("\t")
    rows[f[0]] = f
def num(name, i):
    f = rows.get(name)
    return float(f[i]) if f and len(f) > 2 else None
a50, a99, arps = num("a-page1", 1), num("a-page1", 2), num("a-page1", 3)
b50, b99, brps = (num(f"b-page{deep}", i) for i in (1, 2, 3))
# page 1 of (b): its own run when (b) uses a smaller limit, else (a)
p50, prps = (num("b-page1", 1), num("b-page1", 3)) if "b-page1" in rows else (a50, arps)
c99 = num("c-game-by-slug", 2)
c1_99 = num("c-game-by-slug-c1", 2)
d50, drps = num("d-effective", 1), num("d-effective", 3)
def verdict(ok): return "n/a" if ok is None else ("PASS" if ok else "FAIL")
def both(x, y, f): return None if x is None or y is None else f(x, y)
targets = {
    "a-page1": ("p99 <= 50 ms, >= 500 req/s", verdict(both(a99, arps, lambda p, r: p <= 50 and r >= 500))),
    "b-page1": ("(page 1 for the row below)", "-"),
    f"b-page{deep}": (f"~ page 1 (p50 x{b50 / p50:.2f}, req/s x{brps / prps:.2f}; p50 <= 1.25x)" if p50 and b50 else "~ page 1",
                      verdict(both(p50, b50, lambda x, y: y <= 1.25 * x))),
    "c-game-by-slug": ("p99 <= 5 ms", verdict(None if c99 is None else c99 <= 5)),
    "c-game-by-slug-c1": ("p99 <= 5 ms", verdict(None if c1_99 is None else c1_99 <= 5)),
    "d-effective": (f"<= 3x (a) (p50 x{d50 / a50:.2f}, req/s x{arps / drps:.2f} fewer)" if a50 and d50 else "<= 3x (a)",
                    verdict(both(a50, d50, lambda x, y: y <= 3 * x and arps <= 3 * drps))),
}
labels = {"a-page1": "(a) six dimensions, page 1", "b-page1": f"(b) same, limit={limit_b}, page 1",
          f"b-page{deep}": f"(b) same, limit={limit_b}, page {deep}",
          "c-game-by-slug": "(c) GET /games/{slug} x1000",
          "c-game-by-slug-c1": "(c) same, 1 connection (-t1 -c1)", "d-effective": "(d) (a) + effective=true"}
print(f"{'scenario':<32} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'requests':>8} {'errors':>6}  target -> result")
for name, f in rows.items():
    target, v = targets.get(name, ("", ""))
    if len(f) > 2:
        print(f"{labels.get(name, name):<32} {f[1]:>8} {f[2]:>8} {f[3]:>7} {f[4]:>8} {f[5]:>6}  {target} -> {v}")
    else:
        print(f"{labels.get(name, name):<32} {f[1]}  [{target} -> not measured]")
print()
print(f"{'export':<8} {'HTTP':>4} {'rows':>7} {'seconds':>7} {'rows/s':>7} {'body MB':>7} {'RSS idle':>8} {'peak RSS':>8} {'growth':>7}  target -> result")
for line in open(exports):
    fmt, out, rows_n, idle, hwm, after = line.rstrip("\n").split("\t")
    code, secs, size = out.split()
    secs, size, rows_n, idle, hwm = float(secs), int(float(size)), int(rows_n), int(idle), int(hwm)
    rate = rows_n / secs if secs else 0
    growth = (hwm - idle) / 1024
    body = size / 1e6
    constant = growth <= 32  # a buffered export grows with the body instead
    print(f"{fmt:<8} {code:>4} {rows_n:>7} {secs:>7.1f} {rate:>7.0f} {body:>7.1f} {idle/1024:>6.0f}MB {hwm/1024:>6.0f}MB {growth:>5.0f}MB"
          f"  >= 20,000 rows/s -> {verdict(code == '200' and rate >= 20000)}; "
          f"constant memory (growth <= 32 MB) -> {verdict(code == '200' and constant)}")
EOF
echo "b: $WALK_NOTE"
echo
echo "== where PostgreSQL spends one request (log_min_duration_statement = 0)"
for tag in a deep c d e; do
  [ -s "$WORK/breakdown-$tag.txt" ] || continue
  case $tag in
    a) echo "(a) page 1:" ;;
    deep) echo "(b) page $DEEP_PAGE (limit=$LIMIT_B):" ;;
    c) echo "(c) GET /games/{slug}:" ;;
    d) echo "(d) effective=true:" ;;
    e) echo "(e) export, jsonl:" ;;
  esac
  cat "$WORK/breakdown-$tag.txt"
done
echo
echo "== EXPLAIN (ANALYZE, BUFFERS)"
cat "$PLANS"
