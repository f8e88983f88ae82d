'use strict';

/**
 * Helpers for the live tests: a real Slotline server started for the test
 * file (optionally with the Stripe sandbox beside it, for paid event
 * types), a session as the seeded demo host, an API key, bookings made as an
 * invitee through the booking page's server functions, a paid booking's
 * checkout paid in the sandbox, and "the URL Zapier gave": a local receiver
 * that records every delivery.
 *
 * This file has no tests; Node 20's `node --test test/` runs every .js file
 * under test/ and reports this one as an empty, passing file.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const REPO_DIR = path.resolve(PACKAGE_DIR, '..');

/**
 * The seeded demo host (app/src/ssr/services/accounts.rs `seed_demo`).
 * `consult` exists only when the server was given Stripe keys, i.e. started
 * with `startSlotline({ stripe: true })`.
 */
const DEMO = Object.freeze({
  email: 'demo@slotline.test',
  name: 'Demo Host',
  slug: 'demo',
  password: 'zapier-tests-demo-password',
  events: Object.freeze({ intro: 'intro', deepDive: 'deep-dive', consult: 'consult' }),
  /** `consult`: "Paid consultation", 45 min, $75. */
  consult: Object.freeze({ name: 'Paid consultation', duration: 45, amount: 7500, currency: 'usd' }),
});

/**
 * The keys the Stripe sandbox accepts and signs with (its defaults, set
 * explicitly so the two sides cannot drift), given to Slotline as the demo
 * team's Stripe keys.
 */
const STRIPE_SANDBOX_KEYS = Object.freeze({
  secretKey: 'sk_test_slotline_sandbox',
  webhookSecret: 'whsec_slotline_sandbox',
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cargo target directory: CARGO_TARGET_DIR, else ../target. */
const targetDir = () =>
  process.env.CARGO_TARGET_DIR ? path.resolve(REPO_DIR, process.env.CARGO_TARGET_DIR) : path.join(REPO_DIR, 'target');

/** Where the server binary is: SLOTLINE_SERVER_BIN, else the release build. */
const serverBinary = () => {
  if (process.env.SLOTLINE_SERVER_BIN) {
    return path.resolve(PACKAGE_DIR, process.env.SLOTLINE_SERVER_BIN);
  }
  return path.join(targetDir(), 'release', 'server');
};

/** Where the Stripe sandbox binary is: STRIPE_SANDBOX_BIN, else the release build. */
const stripeSandboxBinary = () => {
  if (process.env.STRIPE_SANDBOX_BIN) {
    return path.resolve(PACKAGE_DIR, process.env.STRIPE_SANDBOX_BIN);
  }
  return path.join(targetDir(), 'release', 'stripe-sandbox');
};

const missingBinaryMessage = (bin) =>
  [
    `The Slotline server binary was not found at ${bin}.`,
    'These tests start a real Slotline server. Build it first, from the repository root:',
    '    cargo leptos build --release      (or: make build-release)',
    'or point SLOTLINE_SERVER_BIN at an existing binary, e.g.',
    '    SLOTLINE_SERVER_BIN=/path/to/server npm test',
  ].join('\n');

const missingSandboxMessage = (bin) =>
  [
    `The Stripe sandbox binary was not found at ${bin}.`,
    'The paid-booking tests take payments through it. Build it first, from the repository root:',
    '    cargo build --release -p stripe-sandbox      (or: make build-release)',
    'or point STRIPE_SANDBOX_BIN at an existing binary, e.g.',
    '    STRIPE_SANDBOX_BIN=/path/to/stripe-sandbox npm test',
  ].join('\n');

/** `message(bin)` unless `bin` is an executable file; else null. */
const executableProblem = (bin, message) => {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return fs.statSync(bin).isFile() ? null : message(bin);
  } catch (_err) {
    return message(bin);
  }
};

/** Why the server cannot be started (a message saying how to fix it), or null. */
const serverBinaryProblem = (bin = serverBinary()) => executableProblem(bin, missingBinaryMessage);

/** Why the Stripe sandbox cannot be started (a message saying how to fix it), or null. */
const stripeSandboxProblem = (bin = stripeSandboxBinary()) => executableProblem(bin, missingSandboxMessage);

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Keeps the last lines a child printed, for error messages. */
const tail = (limit) => {
  const lines = [];
  return {
    push(chunk) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim()) lines.push(line);
      }
      lines.splice(0, Math.max(0, lines.length - limit));
    },
    text: () => lines.join('\n'),
  };
};

/** Free ports, all different (a port just released may be handed out again). */
const freePorts = async (count) => {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
};

/**
 * The caller's environment without variables that would configure the
 * child behind the test's back (`prefixes`, and RUST_LOG).
 */
const cleanEnv = (prefixes) => {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!prefixes.some((prefix) => name.startsWith(prefix)) && name !== 'RUST_LOG') env[name] = value;
  }
  return env;
};

/**
 * Spawns `bin` and keeps its last output lines; `stop()` sends SIGTERM,
 * then SIGKILL after 10 s. `label` prefixes the echoed output
 * (SLOTLINE_TEST_SERVER_OUTPUT=1).
 */
const spawnChild = (bin, { cwd, env, label }) => {
  const output = tail(80);
  const child = spawn(bin, [], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      output.push(`spawn error: ${err.message}`);
      exited = exited || { code: null, signal: null, error: err };
      resolve(exited);
    });
  });
  const echo = process.env.SLOTLINE_TEST_SERVER_OUTPUT === '1';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      output.push(chunk);
      if (echo) process.stderr.write(`[${label}] ${chunk}`);
    });
  }

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), 10_000);
    });
    const outcome = await Promise.race([exitedPromise, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      child.kill('SIGKILL');
      await exitedPromise;
    }
  };

  return { process: child, output: output.text, exited: () => exited, stop };
};

/**
 * Polls `url` until it answers 200. Rejects, with the child's last output,
 * once the child exits or `timeoutMs` passes; the caller stops the child.
 */
const waitHealthy = async (child, { url, what, bin, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const exited = child.exited();
    if (exited) {
      throw new Error(
        `${what} (${bin}) exited before it was healthy ` +
          `(code ${exited.code}, signal ${exited.signal}). Its last output:\n${child.output()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      last = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
      if (res.status === 200) return;
    } catch (err) {
      last = err.message;
    }
    await sleep(250);
  }
  throw new Error(
    `${what} did not answer GET ${new URL(url).pathname} with 200 within ${timeoutMs / 1000} s ` +
      `(last: ${last}). Its last output:\n${child.output()}`,
  );
};

/** JSON of a Stripe sandbox control endpoint; throws on a non-2xx answer. */
const sandboxControl = async (baseUrl, method, path_) => {
  const res = await fetch(`${baseUrl}${path_}`, { method, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`The Stripe sandbox answered ${method} ${path_} with ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
};

/**
 * Starts the Stripe sandbox on `port`, posting its events to `webhookUrl`;
 * resolves once `GET /_sandbox/state` answers 200. Its control API:
 * `state()` is `GET /_sandbox/state`, `pay(id)` is
 * `POST /_sandbox/checkout/sessions/{id}/pay` (what the hosted page's "Pay"
 * does: the session completes and `checkout.session.completed` is sent).
 */
const startStripeSandbox = async ({ port, webhookUrl, cwd, healthTimeoutMs = 30_000 }) => {
  const bin = stripeSandboxBinary();
  const problem = stripeSandboxProblem(bin);
  if (problem) {
    throw new Error(problem);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = Object.assign(cleanEnv(['STRIPE_SANDBOX_']), {
    STRIPE_SANDBOX_ADDR: `127.0.0.1:${port}`,
    STRIPE_SANDBOX_PUBLIC_URL: baseUrl,
    STRIPE_SANDBOX_WEBHOOK_URL: webhookUrl,
    STRIPE_SANDBOX_SECRET_KEY: STRIPE_SANDBOX_KEYS.secretKey,
    STRIPE_SANDBOX_WEBHOOK_SECRET: STRIPE_SANDBOX_KEYS.webhookSecret,
    RUST_LOG: process.env.SLOTLINE_TEST_RUST_LOG || 'warn',
  });
  const child = spawnChild(bin, { cwd, env, label: 'stripe-sandbox' });
  try {
    await waitHealthy(child, {
      url: `${baseUrl}/_sandbox/state`,
      what: 'The Stripe sandbox',
      bin,
      timeoutMs: healthTimeoutMs,
    });
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    baseUrl,
    port,
    stop: child.stop,
    output: child.output,
    process: child.process,
    state: () => sandboxControl(baseUrl, 'GET', '/_sandbox/state'),
    pay: (sessionId) =>
      sandboxControl(baseUrl, 'POST', `/_sandbox/checkout/sessions/${encodeURIComponent(sessionId)}/pay`),
  };
};

/**
 * Starts the Slotline server on a free port with a fresh SQLite database and
 * the demo host seeded; resolves once `GET /healthz` answers 200.
 *
 * With `stripe: true` the Stripe sandbox is started first, on its own free
 * port: each side must know the other's address before either starts (the
 * sandbox posts its events to Slotline's webhook, Slotline calls the
 * sandbox's API), so both ports are picked up front. The demo team's Stripe
 * is then connected to the sandbox and `consult` is seeded; the sandbox is
 * `stripe` in the result and stops with the server.
 */
const startSlotline = async ({ healthTimeoutMs = 60_000, stripe = false } = {}) => {
  const bin = serverBinary();
  const problem = serverBinaryProblem(bin) || (stripe ? stripeSandboxProblem() : null);
  if (problem) {
    throw new Error(problem);
  }
  const [port, sandboxPort] = await freePorts(stripe ? 2 : 1);
  const baseUrl = `http://127.0.0.1:${port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slotline-zapier-'));
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir);

  let sandbox = null;
  if (stripe) {
    try {
      sandbox = await startStripeSandbox({
        port: sandboxPort,
        webhookUrl: `${baseUrl}/integrations/stripe/webhook`,
        cwd: tmp,
      });
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  // Start from a clean slate: no SLOTLINE_* / LEPTOS_* of the caller's leaks in.
  const env = Object.assign(cleanEnv(['SLOTLINE_', 'LEPTOS_']), {
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT || path.join(REPO_DIR, 'target', 'site'),
    SLOTLINE_PUBLIC_URL: baseUrl,
    SLOTLINE_DATA_DIR: dataDir,
    SLOTLINE_DATABASE_URL: `sqlite://${dataDir}/slotline.db?mode=rwc`,
    SLOTLINE_SEED_DEMO: '1',
    SLOTLINE_DEMO_PASSWORD: DEMO.password,
    SLOTLINE_WEBHOOK_ALLOW_PRIVATE: '1',
    RUST_LOG: process.env.SLOTLINE_TEST_RUST_LOG || 'warn',
  });
  if (sandbox) {
    Object.assign(env, {
      SLOTLINE_STRIPE_API_BASE: sandbox.baseUrl,
      SLOTLINE_DEMO_STRIPE_SECRET_KEY: STRIPE_SANDBOX_KEYS.secretKey,
      SLOTLINE_DEMO_STRIPE_WEBHOOK_SECRET: STRIPE_SANDBOX_KEYS.webhookSecret,
    });
  }

  const child = spawnChild(bin, { cwd: tmp, env, label: 'slotline' });
  const stop = async () => {
    await child.stop();
    if (sandbox) await sandbox.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    await waitHealthy(child, {
      url: `${baseUrl}/healthz`,
      what: 'The Slotline server',
      bin,
      timeoutMs: healthTimeoutMs,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, port, dataDir, stop, output: child.output, process: child.process, stripe: sandbox };
};

/**
 * A Leptos server function's form body: nested objects as `a[b]=…` (how
 * serde_qs reads a struct argument); brackets stay literal, values are
 * percent-encoded; undefined values are left out.
 */
const formBody = (args) => {
  const pairs = [];
  const walk = (prefix, value) => {
    if (value === undefined) return;
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        walk(prefix ? `${prefix}[${key}]` : key, inner);
      }
      return;
    }
    const encodedKey = prefix
      .split(/([[\]])/)
      .map((part) => (part === '[' || part === ']' ? part : encodeURIComponent(part)))
      .join('');
    pairs.push(`${encodedKey}=${encodeURIComponent(value === null ? '' : String(value))}`);
  };
  walk('', args);
  return pairs.join('&');
};

/**
 * Calls a server function at `/api/{name}`; never follows a redirect.
 * Resolves to `{ status, headers, text, json }`.
 */
const callServerFn = async (baseUrl, name, args, { cookie } = {}) => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (cookie) headers.cookie = cookie;
  const res = await fetch(`${baseUrl}/api/${name}`, {
    method: 'POST',
    headers,
    body: formBody(args),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch (_err) {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
};

const succeeded = (status) => status >= 200 && status < 400;

/** Logs in as the demo host; resolves to the `Cookie` header value of its session. */
const logInAsDemo = async (baseUrl) => {
  const res = await callServerFn(baseUrl, 'log_in', { email: DEMO.email, password: DEMO.password });
  if (!succeeded(res.status)) {
    throw new Error(`POST /api/log_in answered ${res.status}: ${res.text}`);
  }
  const cookies = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0].trim())
    .filter((c) => c.includes('=') && !c.endsWith('='));
  if (!cookies.length) {
    throw new Error(`POST /api/log_in answered ${res.status} but set no session cookie`);
  }
  return cookies.join('; ');
};

/** Creates an API key as the demo host; resolves to the raw `sl_live_…` key. */
const createApiKey = async (baseUrl, cookie, name = 'Zapier test') => {
  const res = await callServerFn(baseUrl, 'create_api_key', { name, expires_in_days: '' }, { cookie });
  if (!succeeded(res.status) || !res.json || typeof res.json.key !== 'string') {
    throw new Error(
      `POST /api/create_api_key should answer JSON with the raw key in "key"; ` +
        `it answered ${res.status}: ${res.text}`,
    );
  }
  return res.json.key;
};

/** The booking page for `event` in UTC (`extra`: month, date). */
const bookingPage = async (baseUrl, event, extra = {}) => {
  const res = await callServerFn(baseUrl, 'booking_page', {
    query: { host: DEMO.slug, event, time_zone: 'UTC', ...extra },
  });
  if (res.status !== 200 || !res.json) {
    throw new Error(`POST /api/booking_page answered ${res.status}: ${res.text}`);
  }
  return res.json;
};

/** The first free slot's start (RFC 3339 UTC) of `event`, walking forward up to a few months. */
const firstFreeSlot = async (baseUrl, event, { months = 4 } = {}) => {
  let month;
  for (let i = 0; i < months; i += 1) {
    const page = await bookingPage(baseUrl, event, month ? { month } : {});
    for (const day of page.days.filter((d) => d.has_slots)) {
      const withSlots = await bookingPage(baseUrl, event, { month: page.month, date: day.date });
      if (withSlots.slots.length) {
        return withSlots.slots[0].start;
      }
    }
    if (!page.next_month) break;
    month = page.next_month;
  }
  throw new Error(`No free slot for ${DEMO.slug}/${event} within ${months} months`);
};

/**
 * Books the first free slot of `event` as an invitee. Resolves to
 * `{ start, id, location }`: where the server function redirected (the
 * manage page, or for a paid event type the Stripe checkout) and `id` read
 * from a redirect to the manage page. A slot taken meanwhile (409) is
 * retried with the next.
 */
const bookAsInvitee = async (baseUrl, { event = DEMO.events.intro, name, email, notes = '' }) => {
  let last;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const start = await firstFreeSlot(baseUrl, event);
    const res = await callServerFn(baseUrl, 'book', {
      form: { host: DEMO.slug, event, start, time_zone: 'UTC', name, email, phone: '', notes },
    });
    if (succeeded(res.status)) {
      const location = res.headers.get('location') || '';
      const match = location.match(/^(?:https?:\/\/[^/]+)?\/bookings\/([^/?#]+)/);
      return { start, id: match ? decodeURIComponent(match[1]) : undefined, location };
    }
    last = `${res.status}: ${res.text}`;
    if (res.status !== 409) break;
  }
  throw new Error(`POST /api/book failed: ${last}`);
};

/**
 * Books the paid `consult` as an invitee and pays its checkout in the Stripe
 * sandbox of `slotline` (started with `stripe: true`). Booking a paid event
 * type only holds the slot: the server function redirects to the sandbox's
 * hosted page `<sandbox>/checkout/<cs_…>`, whose session carries the booking
 * id (`client_reference_id`, `metadata.booking_id`). `beforePay(checkout)`
 * runs while the session is still open. Paying raises
 * `checkout.session.completed`, which the sandbox posts, signed, to
 * Slotline's webhook; Slotline confirms the booking only then, so the
 * payment's effects arrive asynchronously after this resolves.
 *
 * Resolves to `{ start, checkoutUrl, sessionId, bookingId, opened, paid,
 * redirectUrl }`: `opened` the session as the state listed it before
 * paying, `paid` the session after, `redirectUrl` where the hosted page
 * sends the invitee back.
 */
const payCheckout = async (slotline, { event = DEMO.events.consult, name, email, beforePay } = {}) => {
  const { stripe } = slotline;
  if (!stripe) {
    throw new Error('payCheckout needs a server started with startSlotline({ stripe: true })');
  }
  const booked = await bookAsInvitee(slotline.baseUrl, { event, name, email });
  const checkoutUrl = booked.location;
  const match = checkoutUrl.startsWith(`${stripe.baseUrl}/checkout/`)
    ? checkoutUrl.slice(stripe.baseUrl.length).match(/^\/checkout\/(cs_[A-Za-z0-9_]+)$/)
    : null;
  if (!match) {
    throw new Error(
      `Booking ${DEMO.slug}/${event} should redirect to the Stripe sandbox's checkout ` +
        `${stripe.baseUrl}/checkout/cs_…; it redirected to ${JSON.stringify(checkoutUrl)}`,
    );
  }
  const sessionId = match[1];
  const state = await stripe.state();
  const opened = state.sessions.find((session) => session.id === sessionId);
  if (!opened) {
    throw new Error(`The Stripe sandbox has no session ${sessionId}; it has ${JSON.stringify(state.sessions)}`);
  }
  const checkout = { start: booked.start, checkoutUrl, sessionId, bookingId: opened.client_reference_id, opened };
  if (beforePay) await beforePay(checkout);
  const { redirectUrl, session: paid } = await stripe.pay(sessionId);
  return { ...checkout, paid, redirectUrl };
};

/**
 * "The URL Zapier gave": records every request (method, path, headers, raw
 * body) and answers 200.
 */
const startReceiver = async () => {
  const deliveries = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json;
      try {
        json = JSON.parse(raw);
      } catch (_err) {
        json = undefined;
      }
      deliveries.push({ method: req.method, path: req.url, headers: req.headers, raw, json, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"received"}');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;

  /** Resolves to the first POST matching `predicate`, polling until `timeoutMs`. */
  const waitFor = async (predicate, { timeoutMs = 15_000, what = 'a delivery' } = {}) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = deliveries.find((d) => d.method === 'POST' && predicate(d));
      if (found) return found;
      if (Date.now() >= deadline) {
        const seen = deliveries.map((d) => `${d.method} ${d.path} ${d.headers['x-slotline-event'] || ''}`);
        throw new Error(
          `No ${what} reached the receiver within ${timeoutMs / 1000} s; ` +
            `it got ${seen.length}: ${JSON.stringify(seen)}`,
        );
      }
      await sleep(100);
    }
  };

  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  return { url, deliveries, waitFor, close };
};

module.exports = {
  DEMO,
  STRIPE_SANDBOX_KEYS,
  sleep,
  serverBinary,
  serverBinaryProblem,
  stripeSandboxBinary,
  stripeSandboxProblem,
  startSlotline,
  formBody,
  callServerFn,
  logInAsDemo,
  createApiKey,
  bookingPage,
  firstFreeSlot,
  bookAsInvitee,
  payCheckout,
  startReceiver,
};
