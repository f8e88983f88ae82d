import { defineConfig, devices } from "@playwright/test";
import * as path from "node:path";

// One server for the whole run: the release binary on a fresh SQLite
// database in .data/, with the demo host seeded and emails written to
// .data/outbox (the specs read them there).
const port = Number(process.env.SLOTLINE_E2E_PORT ?? 3100);
export const baseURL = `http://127.0.0.1:${port}`;
export const dataDir = path.resolve(__dirname, ".data");
const serverBin = process.env.SLOTLINE_SERVER_BIN ?? path.resolve(__dirname, "../target/release/server");
const sandboxBin = process.env.HUBSPOT_SANDBOX_BIN ?? path.resolve(__dirname, "../target/release/hubspot-sandbox");
const sandboxPort = Number(process.env.HUBSPOT_SANDBOX_E2E_PORT ?? 3901);
/** The HubSpot sandbox the server is configured against. */
export const sandboxURL = `http://127.0.0.1:${sandboxPort}`;
const stripeSandboxBin =
  process.env.STRIPE_SANDBOX_BIN ?? path.resolve(__dirname, "../target/release/stripe-sandbox");
const stripeSandboxPort = Number(process.env.STRIPE_SANDBOX_E2E_PORT ?? 3911);
/** The Stripe sandbox the server takes payments through. */
export const stripeSandboxURL = `http://127.0.0.1:${stripeSandboxPort}`;
/** The seeded demo host's password, fixed for these tests. */
export const demoPassword = "demo-password-for-e2e";
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.resolve(__dirname, "../target/site");

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: [
    {
      command: `exec "${sandboxBin}"`,
      url: `${sandboxURL}/_sandbox/state`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: { HUBSPOT_SANDBOX_ADDR: `127.0.0.1:${sandboxPort}`, RUST_LOG: "warn" },
    },
    {
      command: `exec "${stripeSandboxBin}"`,
      url: `${stripeSandboxURL}/_sandbox/state`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        STRIPE_SANDBOX_ADDR: `127.0.0.1:${stripeSandboxPort}`,
        STRIPE_SANDBOX_WEBHOOK_URL: `${baseURL}/integrations/stripe/webhook`,
        RUST_LOG: "warn",
      },
    },
    {
      command: `rm -rf "${dataDir}" && mkdir -p "${dataDir}" && exec "${serverBin}"`,
      url: `${baseURL}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        SLOTLINE_DATA_DIR: dataDir,
        SLOTLINE_DATABASE_URL: `sqlite://${dataDir}/slotline.db?mode=rwc`,
        SLOTLINE_SEED_DEMO: "1",
        SLOTLINE_DEMO_PASSWORD: demoPassword,
        SLOTLINE_HUBSPOT_CLIENT_ID: "slotline-sandbox-client",
        SLOTLINE_HUBSPOT_CLIENT_SECRET: "slotline-sandbox-secret",
        SLOTLINE_HUBSPOT_API_BASE: sandboxURL,
        SLOTLINE_HUBSPOT_AUTH_URL: `${sandboxURL}/oauth/authorize`,
        SLOTLINE_STRIPE_API_BASE: stripeSandboxURL,
        SLOTLINE_PUBLIC_URL: baseURL,
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: siteRoot,
        // Webhook receivers run on loopback; retries come within seconds.
        SLOTLINE_WEBHOOK_ALLOW_PRIVATE: "1",
        SLOTLINE_WEBHOOK_FIRST_RETRY_MS: "500",
        RUST_LOG: "warn",
      },
    },
  ],
});
