#!/usr/bin/env bash
# `make run`: the release server with the demo host seeded. Without real
# HubSpot credentials in the environment, the HubSpot sandbox is started on
# 127.0.0.1:3900 and Slotline is pointed at it, so connecting HubSpot works
# out of the box; its page at http://127.0.0.1:3900/ shows what it received.
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
"$SERVER_BIN"
