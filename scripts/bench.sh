#!/usr/bin/env bash
# `make bench`: optimised build, then each benchmark on SQLite and on PostgreSQL, one process per
# run so peak memory is that run's own. Prints a table; judging the figures is for the reader.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${BENCH_ROWS:-150000}"
PG_ADMIN="${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/test}"
PG_BASE="${PG_ADMIN%/*}"

cargo build --release -p zhuqi
BIN=target/release/zhuqi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fresh_pg() {
  psql "$PG_ADMIN" -qAt -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}

echo
echo "## Import: a generated GBK CSV firm list of $ROWS rows, committed in one transaction"
echo
DATABASE_URL="sqlite://$work/import.db?mode=rwc" RUST_LOG=warn "$BIN" bench import --rows "$ROWS"
fresh_pg zhuqi_bench_import
DATABASE_URL="$PG_BASE/zhuqi_bench_import" RUST_LOG=warn "$BIN" bench import --rows "$ROWS"
psql "$PG_ADMIN" -qAt -c "DROP DATABASE IF EXISTS zhuqi_bench_import" >/dev/null
