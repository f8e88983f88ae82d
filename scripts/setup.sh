#!/usr/bin/env bash
# Installs what building and testing Slotline needs, skipping what is there:
# the wasm target, cargo-leptos and wasm-bindgen (pinned), npm's wasm-opt,
# Debian's Chromium, the Playwright packages, the Zapier app's packages and
# schemathesis (pinned, in a venv of its own). See ../shared/TOOLCHAIN.md.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
SCHEMATHESIS_VERSION=4.32.5
# Outside the clone, so that CI's fresh clones reuse it (scripts/api_fuzz.py reads it too).
API_FUZZ_VENV="${API_FUZZ_VENV:-$HOME/.cache/slotline/api-fuzz-venv}"

rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  echo "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores)…"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  # Its lock file does not build on Rust 1.95, hence no --locked.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x node_modules/.bin/wasm-opt ]; then
  npm ci --no-audit --no-fund
fi

if ! command -v chromium >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

if [ ! -d zapier/node_modules/zapier-platform-core ]; then
  (cd zapier && npm ci --no-audit --no-fund)
fi

if [ ! -d end2end/node_modules/@playwright/test ]; then
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

if ! "$API_FUZZ_VENV/bin/schemathesis" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION$"; then
  python3 -m venv "$API_FUZZ_VENV"
  "$API_FUZZ_VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
