#!/usr/bin/env bash
# Every test: lints, unit, integration on SQLite, the same integration tests on PostgreSQL,
# then the Playwright journeys in Chromium against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."

# A hung test must fail the run, not eat CI's time budget.
T="timeout 1500"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

export TEST_PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
unset TEST_DATABASE_URL

say "formatting (cargo fmt --check)"
cargo fmt --all --check

say "clippy (server build and browser build)"
cargo clippy -p domain -p migration -p zhuqi --all-targets -- -D warnings
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

# The tests that drive the whole router (http, authz) run one at a time within their binary:
# run side by side, each on its own tokio runtime in one process, a server-rendered page now and
# then waits forever (seen before and after the area split; the server itself runs one runtime).
ROUTER_TESTS=(--test http --test authz)
# The outbox against a real SMTP server (aiosmtpd from .venv-test) and an HTTP receiver; the
# backup → restore round trip (VACUUM INTO; on PostgreSQL pg_dump and pg_restore).
OUTBOX_TESTS=(--test outbox --test backup)

say "unit and integration tests on SQLite"
$T cargo test -p domain -p migration
$T cargo test -p zhuqi --lib --bins
RUST_TEST_THREADS=1 $T cargo test -p zhuqi "${ROUTER_TESTS[@]}"
$T cargo test -p zhuqi "${OUTBOX_TESTS[@]}"

if [ "${ZHUQI_SKIP_PG:-}" = "1" ]; then
  say "ZHUQI_SKIP_PG=1: skipping the PostgreSQL run"
elif pg_isready -q -d "$TEST_PG_URL" 2>/dev/null || psql "$TEST_PG_URL" -qAtc 'select 1' >/dev/null 2>&1; then
  say "the same integration tests on PostgreSQL ($TEST_PG_URL)"
  TEST_DATABASE_URL="$TEST_PG_URL" $T cargo test -p domain --test services --test problems --test import --test dashboard --test kpi --test live --test calendar --test problem_list --test reports --test supervisions --test rules --test notifications --test bulletin --test tokens --test security
  TEST_DATABASE_URL="$TEST_PG_URL" RUST_TEST_THREADS=1 $T cargo test -p zhuqi "${ROUTER_TESTS[@]}"
  TEST_DATABASE_URL="$TEST_PG_URL" $T cargo test -p zhuqi "${OUTBOX_TESTS[@]}"
else
  printf '\033[1;31m!!! PostgreSQL does not answer at %s.\033[0m\n' "$TEST_PG_URL" >&2
  printf '    Start it (pg_ctlcluster <version> main start), set TEST_DATABASE_URL, or set ZHUQI_SKIP_PG=1.\n' >&2
  exit 1
fi

# The journeys run on the optimised build, the one phones get: the byte budget is checked on it.
say "building the optimised site (server + WASM) for the browser journeys"
PATH="$PWD/.tools/node_modules/.bin:$PATH" cargo leptos build --release --precompress

say "Playwright journeys in Chromium"
(cd end2end && $T npx playwright test)
