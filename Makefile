# Slotline: `make run` serves the app with a demo host; `make test` runs
# every check CI runs. Both install what a fresh machine lacks.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

export LEPTOS_SITE_ROOT := $(CURDIR)/target/site
SERVER_BIN := $(CURDIR)/target/release/server

.PHONY: setup run test fmt-check clippy test-rust test-e2e build-release

setup:
	@./scripts/setup.sh

build-release: setup
	cargo leptos build --release

run: build-release
	SLOTLINE_SEED_DEMO=1 LEPTOS_SITE_ROOT=$(LEPTOS_SITE_ROOT) $(SERVER_BIN)

fmt-check:
	cargo fmt --all -- --check

# The app crate builds twice, for the server (ssr) and the browser
# (hydrate), so each is linted in its own configuration.
clippy:
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p server -p migration --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

test-rust:
	cargo test -p app --features ssr
	cargo test -p migration
	cargo test -p server

test-e2e: build-release
	cd end2end && SLOTLINE_SERVER_BIN=$(abspath $(SERVER_BIN)) LEPTOS_SITE_ROOT=$(abspath $(LEPTOS_SITE_ROOT)) npx playwright test

test: setup fmt-check clippy test-rust test-e2e
