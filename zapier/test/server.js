'use strict';

/**
 * Helpers for the live tests: a real Slotline server started for the test
 * file, a session as the seeded demo host, an API key, bookings made as an
 * invitee through the booking page's server functions, and "the URL Zapier
 * gave": a local receiver that records every delivery.
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

/** The seeded demo host (app/src/ssr/services/accounts.rs `seed_demo`). */
const DEMO = Object.freeze({
  email: 'demo@slotline.test',
  name: 'Demo Host',
  slug: 'demo',
  password: 'zapier-tests-demo-password',
  events: Object.freeze({ intro: 'intro', deepDive: 'deep-dive' }),
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the server binary is: SLOTLINE_SERVER_BIN, else the release build. */
const serverBinary = () => {
  if (process.env.SLOTLINE_SERVER_BIN) {
    return path.resolve(PACKAGE_DIR, process.env.SLOTLINE_SERVER_BIN);
  }
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_DIR, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_DIR, 'target');
  return path.join(targetDir, 'release', 'server');
};

const missingBinaryMessage = (bin) =>
  [
    `The Slotline server binary was not found at ${bin}.`,
    'These tests start a real Slotline server. Build it first, from the repository root:',
    '    cargo leptos build --release      (or: make build-release)',
    'or point SLOTLINE_SERVER_BIN at an existing binary, e.g.',
    '    SLOTLINE_SERVER_BIN=/path/to/server npm test',
  ].join('\n');

/** Why the server cannot be started (a message saying how to fix it), or null. */
const serverBinaryProblem = (bin = serverBinary()) => {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return fs.statSync(bin).isFile() ? null : missingBinaryMessage(bin);
  } catch (_err) {
    return missingBinaryMessage(bin);
  }
};

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

/**
 * Starts the Slotline server on a free port with a fresh SQLite database and
 * the demo host seeded; resolves once `GET /healthz` answers 200.
 */
const startSlotline = async ({ healthTimeoutMs = 60_000 } = {}) => {
  const bin = serverBinary();
  const problem = serverBinaryProblem(bin);
  if (problem) {
    throw new Error(problem);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slotline-zapier-'));
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir);

  // Start from a clean slate: no SLOTLINE_* / LEPTOS_* of the caller's leaks in.
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(SLOTLINE_|LEPTOS_)/.test(name) && name !== 'RUST_LOG') env[name] = value;
  }
  Object.assign(env, {
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

  const output = tail(80);
  const child = spawn(bin, [], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (echo) process.stderr.write(`[slotline] ${chunk}`);
    });
  }

  const stop = async () => {
    if (!exited) {
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
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  const deadline = Date.now() + healthTimeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(
        `The Slotline server (${bin}) exited before it was healthy ` +
          `(code ${exited.code}, signal ${exited.signal}). Its last output:\n${output.text()}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      last = `HTTP ${res.status} ${await res.text()}`;
      if (res.status === 200) {
        return { baseUrl, port, dataDir, stop, output: output.text, process: child };
      }
    } catch (err) {
      last = err.message;
    }
    await sleep(250);
  }
  await stop();
  throw new Error(
    `The Slotline server did not answer GET /healthz with 200 within ${healthTimeoutMs / 1000} s ` +
      `(last: ${last}). Its last output:\n${output.text()}`,
  );
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
 * `{ start, id }` (`id` read from the redirect to the manage page, when
 * there is one). A slot taken meanwhile (409) is retried with the next.
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
      const match = location.match(/\/bookings\/([^/?#]+)/);
      return { start, id: match ? decodeURIComponent(match[1]) : undefined };
    }
    last = `${res.status}: ${res.text}`;
    if (res.status !== 409) break;
  }
  throw new Error(`POST /api/book failed: ${last}`);
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
  sleep,
  serverBinary,
  serverBinaryProblem,
  startSlotline,
  formBody,
  callServerFn,
  logInAsDemo,
  createApiKey,
  bookingPage,
  firstFreeSlot,
  bookAsInvitee,
  startReceiver,
};
