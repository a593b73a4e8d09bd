#!/usr/bin/env bash
# `make reliability`: how zhuqi holds when things break (not part of `make test`; it kills
# processes and restarts PostgreSQL, and takes a few minutes). Prints a table of counts.
#
#   1. SQLite: clients post visits (each resending its visit until acknowledged, as a phone's
#      outbox does) while the server is killed with SIGKILL and restarted.
#   2. PostgreSQL: the same while the database server itself is restarted; meanwhile the app
#      must answer 503 with a clear message and reconnect by itself.
#   3. schemathesis against /api/v1/openapi.json: no 5xx for any generated input.
#   4. Two server instances on one PostgreSQL: a session made on one is valid on the other, a
#      photo uploaded to one is served by the other.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN="${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PG_BASE="${PG_ADMIN%/*}"
CLIENTS="${RELIABILITY_CLIENTS:-20}"
SECONDS_LOAD="${RELIABILITY_SECONDS:-20}"
PORT="${RELIABILITY_PORT:-3400}"
PORT2=$((PORT + 1))
PASSWORD=zhuqi-demo-2022

cargo build --release -p zhuqi
[ -f target/site/pkg/zhuqi.css ] || cargo leptos build
BIN="$PWD/target/release/zhuqi"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
fresh_pg() { psql "$PG_ADMIN" -qAt -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null; }
pg_restart() { pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main "$1"; }

# serve URL PORT LOG: starts an instance in the background, waits until it answers.
serve() {
  DATABASE_URL="$1" ZHUQI_ADDR="127.0.0.1:$2" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    ZHUQI_SWEEP_MINUTES=0 ZHUQI_DATA_DIR="$work/data" "$BIN" serve >>"$3" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the server on :$2 did not come up; its log:" >&2; tail -20 "$3" >&2; return 1
}

# counts KIND URL PREFIX ACKLOG: acknowledged / stored / lost / duplicated for a run's keys.
counts() {
  local kind="$1" url="$2" prefix="$3" acks="$4"
  local stored dups
  if [ "$kind" = sqlite ]; then
    local file="${url#sqlite://}"; file="${file%%\?*}"
    python3 - "$file" "$prefix" "$acks" <<'PY'
import sqlite3, sys
db, prefix, acks = sys.argv[1], sys.argv[2], sys.argv[3]
acked = set(l.strip() for l in open(acks) if l.strip())
c = sqlite3.connect(db)
keys = [r[0] for r in c.execute("SELECT idempotency_key FROM visits WHERE idempotency_key LIKE ?", (prefix + '-%',))]
# The summary names the key: two visits for one submission would share it.
dups = c.execute("SELECT COUNT(*) FROM (SELECT summary FROM visits WHERE summary LIKE ? GROUP BY summary HAVING COUNT(*) > 1)", ('%' + prefix + '-%',)).fetchone()[0]
stored = set(keys)
print(len(acked), len(stored), len(acked - stored), dups)
PY
  else
    python3 - "$prefix" "$acks" "$(psql "$url" -qAt -c "SELECT idempotency_key FROM visits WHERE idempotency_key LIKE '$prefix-%'")" \
      "$(psql "$url" -qAt -c "SELECT COUNT(*) FROM (SELECT summary FROM visits WHERE summary LIKE '%$prefix-%' GROUP BY summary HAVING COUNT(*) > 1) d")" <<'PY'
import sys
prefix, acks, keys, dups = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
acked = set(l.strip() for l in open(acks) if l.strip())
stored = set(k for k in keys.split('\n') if k)
print(len(acked), len(stored), len(acked - stored), dups)
PY
  fi
}

rows=()

# ---- 1. SQLite, server killed with SIGKILL midway --------------------------------------------
say "SQLite: $CLIENTS clients for ${SECONDS_LOAD}s, the server killed (SIGKILL) and restarted midway"
SQLITE_URL="sqlite://$work/rel.db?mode=rwc"
DATABASE_URL="$SQLITE_URL" RUST_LOG=warn "$BIN" seed-demo >/dev/null
TOKEN=$(DATABASE_URL="$SQLITE_URL" RUST_LOG=warn "$BIN" token create --user office)
serve "$SQLITE_URL" "$PORT" "$work/sqlite.log"
DATABASE_URL="$SQLITE_URL" RUST_LOG=warn "$BIN" bench writers --base "http://127.0.0.1:$PORT" \
  --token "$TOKEN" --clients "$CLIENTS" --seconds "$SECONDS_LOAD" --prefix rel-sqlite \
  --until-acked --ack-log "$work/acks-sqlite" --label "SQLite, kill -9" >"$work/w1" &
writer=$!
sleep $((SECONDS_LOAD / 3))
kill -9 "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
sleep 2
serve "$SQLITE_URL" "$PORT" "$work/sqlite.log"
wait "$writer"
read -r acked stored lost dups < <(counts sqlite "$SQLITE_URL" rel-sqlite "$work/acks-sqlite")
rows+=("| SQLite, server killed (SIGKILL) and restarted | $acked | $stored | $lost | $dups |")
kill "${pids[-1]}" 2>/dev/null || true

# ---- 2. PostgreSQL restarted midway ------------------------------------------------------------
say "PostgreSQL: $CLIENTS clients for ${SECONDS_LOAD}s, PostgreSQL restarted midway"
fresh_pg zhuqi_reliability
PG_URL="$PG_BASE/zhuqi_reliability"
DATABASE_URL="$PG_URL" RUST_LOG=warn "$BIN" seed-demo >/dev/null
TOKEN=$(DATABASE_URL="$PG_URL" RUST_LOG=warn "$BIN" token create --user office)
serve "$PG_URL" "$PORT" "$work/pg.log"
DATABASE_URL="$PG_URL" RUST_LOG=warn "$BIN" bench writers --base "http://127.0.0.1:$PORT" \
  --token "$TOKEN" --clients "$CLIENTS" --seconds "$SECONDS_LOAD" --prefix rel-pg \
  --until-acked --ack-log "$work/acks-pg" --label "PostgreSQL restart" >"$work/w2" &
writer=$!
sleep $((SECONDS_LOAD / 3))
pg_restart stop
sleep 1
down_health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" || true)
down_api=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/firms" || true)
down_status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/firms" || true)
sleep 4
pg_restart start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
wait "$writer"
up_status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/firms")
read -r acked stored lost dups < <(counts pg "$PG_URL" rel-pg "$work/acks-pg")
rows+=("| PostgreSQL stopped 5 s and started again | $acked | $stored | $lost | $dups |")

# ---- 3. schemathesis ---------------------------------------------------------------------------
say "schemathesis against /api/v1/openapi.json"
VENV=target/reliability-venv
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q schemathesis
fi
set +e
# Run from the scratch directory: schemathesis keeps a cache of crashes where it runs.
(cd "$work" && "$OLDPWD/$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" --checks not_a_server_error \
  --max-examples "${RELIABILITY_EXAMPLES:-60}") >"$work/schemathesis" 2>&1
st=$?
set -e
tail -15 "$work/schemathesis" >&2
kill "${pids[-1]}" 2>/dev/null || true

# ---- 4. Two instances, one PostgreSQL ----------------------------------------------------------
say "two instances on one PostgreSQL: a session and a photo"
serve "$PG_URL" "$PORT" "$work/a.log"
serve "$PG_URL" "$PORT2" "$work/b.log"
A="http://127.0.0.1:$PORT"; B="http://127.0.0.1:$PORT2"
curl -s -c "$work/jar" -H "Origin: $A" -H 'Accept: application/json' \
  --data-urlencode "login=office" --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" \
  "$A/api/login" >/dev/null
me_on_b=$(curl -s -b "$work/jar" -H "Origin: $B" -X POST "$B/api/me")
visit_id=$(psql "$PG_URL" -qAt -c "SELECT MIN(id) FROM visits")
python3 -c "import sys; sys.stdout.buffer.write(b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 40)" >"$work/photo.png"
# The photo forms are pages' forms: they take the session made on A (bearer tokens are for /api/v1).
curl -s -o /dev/null -b "$work/jar" -H "Origin: $A" -F "file=@$work/photo.png;type=image/png" "$A/visits/$visit_id/attachments"
att=$(psql "$PG_URL" -qAt -c "SELECT MAX(id) FROM attachments")
curl -s -b "$work/jar" -o "$work/photo-from-b" "$B/attachments/$att"
same_photo=no; cmp -s "$work/photo.png" "$work/photo-from-b" && same_photo=yes
session_shared=no; [[ "$me_on_b" == *'"role":"Office"'* ]] && session_shared=yes

echo
echo "## Reliability ($CLIENTS clients, ${SECONDS_LOAD}s each, release build)"
echo
echo "| run | acknowledged | stored | lost | duplicated |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "While PostgreSQL was down: /healthz answered $down_health; GET /api/v1/firms answered $down_status with"
echo "  $down_api"
echo "After it came back, without restarting the app: GET /api/v1/firms answered $up_status."
echo
echo "Writers (each resends until acknowledged):"
echo "| run | clients | time | sent | 2xx | 4xx | 5xx | no answer | visits/s | p50 ms | p99 ms | statuses |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$work/w1" "$work/w2"
echo
echo "schemathesis (exit $st): $(grep -E 'passed|failed|error' "$work/schemathesis" | tail -1)"
echo "Two instances on one PostgreSQL: session made on A valid on B: $session_shared; photo uploaded to A served by B: $same_photo"
psql "$PG_ADMIN" -qAt -c "DROP DATABASE IF EXISTS zhuqi_reliability WITH (FORCE)" >/dev/null 2>&1 || true
