# Slotline: `make run` serves the app with a demo host; `make test` runs
# every check CI runs. Both install what a fresh machine lacks.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

# CI may keep build artefacts outside the clone (CARGO_TARGET_DIR); the
# site cargo-leptos assembles stays in ./target/site either way.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
export LEPTOS_SITE_ROOT := $(CURDIR)/target/site
SERVER_BIN := $(TARGET_DIR)/release/server
SANDBOX_BIN := $(TARGET_DIR)/release/hubspot-sandbox
STRIPE_SANDBOX_BIN := $(TARGET_DIR)/release/stripe-sandbox
# One cargo invocation for all server-side crates, so that dependencies are
# built once with one set of features rather than once per crate.
SERVER_CRATES := -p app -p server -p migration -p sandbox-support -p hubspot-sandbox -p stripe-sandbox --features app/ssr

.PHONY: setup run test fmt-check clippy test-rust test-e2e test-zapier test-api-fuzz build-release bench

setup:
	@./scripts/setup.sh

# Two wasm bundles: the signed-in app, split into a chunk per page, and the
# public pages' islands, built on their own and copied beside it. Leptos
# reads the islands' hashes from hash-islands.txt, which also needs the
# app's split manifest lines (its first page, whichever, records them).
build-release: setup
	cargo leptos build --release --precompress --split --project slotline
	LEPTOS_SITE_ROOT=$(CURDIR)/target/site-islands cargo leptos build --release --precompress --frontend-only --project islands
	cp target/site-islands/pkg/islands.*.js* target/site-islands/pkg/islands.*.wasm* $(LEPTOS_SITE_ROOT)/pkg/
	grep -E '^(manifest|split):' $(TARGET_DIR)/release/hash.txt >> $(TARGET_DIR)/release/hash-islands.txt
	cargo build --release -p hubspot-sandbox -p stripe-sandbox

# Serves the demo against the HubSpot sandbox on :3900 and the Stripe
# sandbox on :3910, unless real credentials are in the environment.
run: build-release
	SERVER_BIN=$(SERVER_BIN) SANDBOX_BIN=$(SANDBOX_BIN) STRIPE_SANDBOX_BIN=$(STRIPE_SANDBOX_BIN) ./scripts/run.sh

fmt-check:
	cargo fmt --all -- --check

# The app crate builds three times, for the server (ssr) and the browser's
# two bundles (hydrate, islands-bundle), so each is linted on its own.
clippy:
	cargo clippy $(SERVER_CRATES) --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p islands --target wasm32-unknown-unknown -- -D warnings

test-rust:
	cargo test $(SERVER_CRATES)

test-e2e: build-release
	cd end2end && SLOTLINE_SERVER_BIN=$(abspath $(SERVER_BIN)) HUBSPOT_SANDBOX_BIN=$(abspath $(SANDBOX_BIN)) STRIPE_SANDBOX_BIN=$(abspath $(STRIPE_SANDBOX_BIN)) LEPTOS_SITE_ROOT=$(abspath $(LEPTOS_SITE_ROOT)) npx playwright test

# The Zapier app's tests against the release server they start themselves.
test-zapier: build-release
	cd zapier && SLOTLINE_SERVER_BIN=$(abspath $(SERVER_BIN)) STRIPE_SANDBOX_BIN=$(abspath $(STRIPE_SANDBOX_BIN)) LEPTOS_SITE_ROOT=$(abspath $(LEPTOS_SITE_ROOT)) npm test

# REST API v1 under schemathesis against the release server: no 5xx.
test-api-fuzz: build-release
	SLOTLINE_SERVER_BIN=$(abspath $(SERVER_BIN)) LEPTOS_SITE_ROOT=$(abspath $(LEPTOS_SITE_ROOT)) ./scripts/api_fuzz.py

test: setup fmt-check clippy test-rust test-e2e test-zapier test-api-fuzz

# Every performance figure against the release build (HTTP under wrk, RSS,
# wasm sizes, the booking, webhook and HubSpot benches): one table, and
# target/bench/bench.json. BENCH_ONLY=http,sizes runs only those parts.
bench: build-release
	SLOTLINE_SERVER_BIN=$(abspath $(SERVER_BIN)) LEPTOS_SITE_ROOT=$(abspath $(LEPTOS_SITE_ROOT)) ./scripts/bench.py
