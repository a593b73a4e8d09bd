#!/usr/bin/env bash
# Installs what zhuqi needs to build and run, skipping whatever is already there.
#   scripts/setup.sh        the Rust side: WASM target, cargo-leptos, wasm-bindgen
#   scripts/setup.sh release  also wasm-opt for the optimised build (`make run` serves it)
#   scripts/setup.sh test   all of that, and Chromium, CJK fonts and the end-to-end npm packages
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
BINARYEN_VERSION=132           # wasm-opt for the optimised build

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (a few minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "${1:-}" = "release" ] || [ "${1:-}" = "test" ]; then
  # The optimised build needs a wasm-opt that knows what wasm-bindgen 0.2.130 emits: Debian's
  # binaryen (version 108) breaks the WASM (the page never hydrates), so take npm's, kept in
  # .tools/ and put first on PATH by `make run`, `make release` and scripts/test.sh.
  if ! .tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm) into .tools"
    npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
fi

if [ "${1:-}" = "test" ]; then
  missing=()
  for pkg in chromium fonts-noto-cjk poppler-utils python3-venv; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  # pg_dump and pg_restore, for the backup round trip on PostgreSQL.
  command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # The notification tests' SMTP sink (aiosmtpd), in a venv of its own.
  if ! .venv-test/bin/python -c 'import aiosmtpd' >/dev/null 2>&1; then
    say "installing aiosmtpd (the test SMTP server) into .venv-test"
    python3 -m venv .venv-test
    .venv-test/bin/pip install --quiet --disable-pip-version-check 'aiosmtpd>=1.4,<2'
  fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    say "installing the end-to-end test packages (Playwright without its browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
