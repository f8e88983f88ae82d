#!/usr/bin/env bash
# `make run`: the release server with the demo host seeded. Without real
# HubSpot credentials in the environment, the HubSpot sandbox is started on
# 127.0.0.1:3900 and Slotline is pointed at it, so connecting HubSpot works
# out of the box; its page at http://127.0.0.1:3900/ shows what it received.
# Likewise without real Stripe keys (SLOTLINE_DEMO_STRIPE_SECRET_KEY and
# SLOTLINE_DEMO_STRIPE_WEBHOOK_SECRET), the Stripe sandbox is started on
# 127.0.0.1:3910 and the demo team's Stripe is connected to it, so the
# demo's paid event type takes payments on the sandbox's checkout page.
set -euo pipefail
cd "$(dirname "$0")/.."

export SLOTLINE_SEED_DEMO=1
if [ -z "${SLOTLINE_HUBSPOT_CLIENT_ID:-}" ]; then
  export HUBSPOT_SANDBOX_ADDR=127.0.0.1:3900
  # The sandbox's app webhooks (two-way contact sync) go to this server.
  export HUBSPOT_SANDBOX_WEBHOOK_URL="${SLOTLINE_PUBLIC_URL:-http://127.0.0.1:3000}/integrations/hubspot/webhook"
  "$SANDBOX_BIN" &
  sandbox=$!
  trap 'kill "$sandbox" 2>/dev/null || true' EXIT
  export SLOTLINE_HUBSPOT_CLIENT_ID=slotline-sandbox-client
  export SLOTLINE_HUBSPOT_CLIENT_SECRET=slotline-sandbox-secret
  export SLOTLINE_HUBSPOT_API_BASE=http://127.0.0.1:3900
  export SLOTLINE_HUBSPOT_AUTH_URL=http://127.0.0.1:3900/oauth/authorize
fi
if [ -z "${SLOTLINE_DEMO_STRIPE_SECRET_KEY:-}" ]; then
  export STRIPE_SANDBOX_ADDR=127.0.0.1:3910
  export STRIPE_SANDBOX_WEBHOOK_URL="${SLOTLINE_PUBLIC_URL:-http://127.0.0.1:3000}/integrations/stripe/webhook"
  "$STRIPE_SANDBOX_BIN" &
  stripe_sandbox=$!
  trap 'kill "${sandbox:-}" "$stripe_sandbox" 2>/dev/null || true' EXIT
  export SLOTLINE_STRIPE_API_BASE=http://127.0.0.1:3910
  export SLOTLINE_DEMO_STRIPE_SECRET_KEY=sk_test_slotline_sandbox
  export SLOTLINE_DEMO_STRIPE_WEBHOOK_SECRET=whsec_slotline_sandbox
fi
"$SERVER_BIN"
