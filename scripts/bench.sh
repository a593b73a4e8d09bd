#!/usr/bin/env bash
# `make bench`: optimised build, then each benchmark on SQLite and on PostgreSQL, one process per
# run so peak memory is that run's own. Prints a table; judging the figures is for the reader.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${BENCH_ROWS:-150000}"
# Which parts to run: "import national" (both, the default), or one of them.
PARTS="${BENCH_PARTS:-import national}"
PG_ADMIN="${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PG_BASE="${PG_ADMIN%/*}"

cargo build --release -p zhuqi
BIN=target/release/zhuqi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fresh_pg() {
  psql "$PG_ADMIN" -qAt -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}

if [[ " $PARTS " == *" import "* ]]; then
  echo
  echo "## Import: a generated GBK CSV firm list of $ROWS rows, committed in one transaction"
  echo
  DATABASE_URL="sqlite://$work/import.db?mode=rwc" RUST_LOG=warn "$BIN" bench import --rows "$ROWS"
  fresh_pg zhuqi_bench_import
  DATABASE_URL="$PG_BASE/zhuqi_bench_import" RUST_LOG=warn "$BIN" bench import --rows "$ROWS"
  psql "$PG_ADMIN" -qAt -c "DROP DATABASE IF EXISTS zhuqi_bench_import" >/dev/null
fi

# ---------------------------------------------------------------------------------------------
# National scale: generate the data set, serve it (optimised build), load it with wrk from a
# second process, and compare with a static file of the same server (the ceiling).
FIRMS="${BENCH_FIRMS:-150000}"
VISITS="${BENCH_VISITS:-600000}"
PROBLEMS="${BENCH_PROBLEMS:-300000}"
COORDINATORS="${BENCH_COORDINATORS:-5000}"
DURATION="${BENCH_DURATION:-15s}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
PORT="${BENCH_PORT:-3300}"

if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
if [ ! -f target/site/pkg/zhuqi.css ]; then
  cargo leptos build
fi

# wrk's summary → "p50 p99 rps" (latencies in ms).
wrk_figures() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    /Non-2xx/ { bad = $NF }
    END { printf "%.2f %.2f %.0f %s\n", p50, p99, rps, (bad == "" ? 0 : bad) }'
}

national() {
  local label="$1" url="$2"
  echo
  echo "## National scale on $label: $FIRMS firms, $VISITS visits, $PROBLEMS problems, $COORDINATORS coordinators"
  local t0; t0=$(date +%s.%N)
  local token
  token=$(DATABASE_URL="$url" RUST_LOG=warn "$BIN" bench generate --firms "$FIRMS" --visits "$VISITS" \
            --problems "$PROBLEMS" --coordinators "$COORDINATORS")
  # No 督办 sweep: the generated problems are all overdue, and the figures measure writers.
  DATABASE_URL="$url" ZHUQI_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
    ZHUQI_SWEEP_MINUTES=0 ZHUQI_DATA_DIR="$work/data" "$BIN" serve >"$work/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  local auth="Authorization: Bearer $token"
  local base="http://127.0.0.1:$PORT"
  # The first dashboard of a data version is computed; later ones come from the cache until a
  # write moves the version. Both are reported.
  local cold
  cold=$(curl -fs -o /dev/null -w '%{time_total}' -H "$auth" "$base/api/v1/progress?as_of=2022-12-31")
  local warm
  warm=$(curl -fs -o /dev/null -w '%{time_total}' -H "$auth" "$base/api/v1/progress?as_of=2022-12-31")
  printf '\n| route (%s, %s connections, %s) | p50 ms | p99 ms | req/s | non-2xx |\n|---|---|---|---|---|\n' "$label" "$CONNECTIONS" "$DURATION"
  for route in "static /favicon.svg|/favicon.svg" \
               "dashboard /api/v1/progress|/api/v1/progress?as_of=2022-12-31" \
               "firm list /api/v1/firms (page 50)|/api/v1/firms?page=50" \
               "firm list filtered /api/v1/firms|/api/v1/firms?region=3&status=not_visited&page=2"; do
    local name="${route%%|*}" path="${route#*|}"
    read -r p50 p99 rps bad < <(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$base$path" | wrk_figures)
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$p50" "$p99" "$rps" "$bad"
  done
  printf '\ndashboard computed cold: %.0f ms; served from the cache: %.1f ms (single requests with curl)\n' \
    "$(echo "$cold * 1000" | bc -l)" "$(echo "$warm * 1000" | bc -l)"
  # The weekly 通报 counts every problem's clocks by the calendar: its first and a second call.
  local b1 b2
  b1=$(curl -fs -o /dev/null -w '%{time_total}' -H "$auth" "$base/api/v1/bulletin?week=2022-W40&format=xlsx")
  b2=$(curl -fs -o /dev/null -w '%{time_total}' -H "$auth" "$base/api/v1/bulletin?week=2022-W52&format=xlsx")
  printf 'weekly 通报 (xlsx) for 2022-W40: %.0f ms; for 2022-W52: %.0f ms; peak RSS after: %s MiB\n' \
    "$(echo "$b1 * 1000" | bc -l)" "$(echo "$b2 * 1000" | bc -l)" \
    "$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"

  # Right after a write: each visit moves the figures version, so the next dashboard is
  # computed again (from the progress facts). Ten times: one visit, then one dashboard.
  local after=()
  for i in $(seq 1 10); do
    curl -fs -o /dev/null -H "$auth" -H 'content-type: application/json' \
      -d "{\"visit_date\":\"2022-10-1$((i % 10))\",\"kind\":\"on_site\",\"participants\":\"\",\"summary\":\"写后读 $i\",\"idempotency_key\":\"after-$label-$i\"}" \
      "$base/api/v1/firms/1000/visits"
    after+=("$(curl -fs -o /dev/null -w '%{time_total}' -H "$auth" "$base/api/v1/progress?as_of=2022-12-31")")
  done
  printf 'dashboard right after a write (10 times): %s ms\n' \
    "$(printf '%s\n' "${after[@]}" | awk '{ printf "%.0f ", $1 * 1000 }')"

  # Under writes: 2 visits a second (one client, 500 ms apart) while 4 readers load the
  # dashboard, then the filtered firm list, for 20 s each.
  printf '\n| under 2 visit writes/s (%s, 4 readers, 20s) | p50 ms | p99 ms | req/s | non-2xx |\n|---|---|---|---|---|\n' "$label"
  for route in "dashboard /api/v1/progress|/api/v1/progress?as_of=2022-12-31" \
               "firm list filtered /api/v1/firms|/api/v1/firms?region=3&status=not_visited&page=2"; do
    local name="${route%%|*}" path="${route#*|}"
    DATABASE_URL="$url" RUST_LOG=warn "$BIN" bench writers --base "$base" --token "$token" \
      --clients 1 --interval-ms 500 --seconds 22 --prefix "bg-$label-${name%% *}" --label bg >/dev/null &
    local bg=$!
    sleep 1
    read -r p50 p99 rps bad < <(wrk -t2 -c4 -d20s --latency -H "$auth" "$base$path" | wrk_figures)
    wait "$bg"
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$p50" "$p99" "$rps" "$bad"
  done

  # Many writers: 50 clients posting visits as fast as the server answers, 30 s.
  printf '\n| writers (%s) | clients | time | sent | 2xx | 4xx | 5xx | no answer | visits/s | p50 ms | p99 ms | statuses |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n' "$label"
  DATABASE_URL="$url" RUST_LOG=warn "$BIN" bench writers --base "$base" --token "$token" \
    --clients "${BENCH_WRITERS:-50}" --seconds "${BENCH_WRITE_SECONDS:-30}" --prefix "w-$label" --label "$label"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local t1; t1=$(date +%s.%N)
  printf 'whole run: %.0f s\n' "$(echo "$t1 - $t0" | bc -l)"
}

if [[ " $PARTS " == *" national "* ]]; then
  national "SQLite" "sqlite://$work/national.db?mode=rwc"
  fresh_pg zhuqi_bench_national
  national "PostgreSQL" "$PG_BASE/zhuqi_bench_national"
  psql "$PG_ADMIN" -qAt -c "DROP DATABASE IF EXISTS zhuqi_bench_national" >/dev/null
fi
