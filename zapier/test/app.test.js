'use strict';

/**
 * Checks that need no Slotline server: the app definition validates, every
 * module loads, and the request builders send what CONTRACTS.md §3 asks.
 * The builders are called with a fake `z` whose `request` records the call;
 * the middlewares are run by zapier-platform-core itself (createAppTester)
 * against a throwaway local HTTP endpoint.
 */

// zapier-platform-core runs its output checks (triggers return arrays of
// objects with ids, …) and stays quiet only when it knows it is under test.
process.env.NODE_ENV = 'test';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');

const zapier = require('zapier-platform-core');
const { compileApp, validateApp } = require('zapier-platform-core/src/tools/schema');
const App = require('../index');
const { normaliseBaseUrl } = require('../lib/api');
const { INVALID_KEY_MESSAGE } = require('../lib/middleware');
const samples = require('../lib/samples');

const HOOK_TRIGGERS = {
  booking_created: 'booking.created',
  booking_cancelled: 'booking.cancelled',
  booking_rescheduled: 'booking.rescheduled',
  payment_received: 'payment.received',
  new_contact: 'contact.created',
};
const BOOKING_TRIGGERS = ['booking_created', 'booking_cancelled', 'booking_rescheduled'];

const { DATA_KEYS } = require('./contract');

/** A fake `z` whose request() records each call and answers `answer(options)`. */
const fakeZ = (answer = () => ({ status: 200, data: {} })) => {
  const calls = [];
  return {
    calls,
    errors: zapier.errors,
    request: async (options) => {
      calls.push(options);
      return answer(options);
    },
  };
};

const authData = { baseUrl: 'https://slotline.example.com/', apiKey: `sl_live_${'a'.repeat(64)}` };

/** zapier-platform-core serialises z.errors.Error as JSON in `message`. */
const appErrorOf = (err) => {
  assert.equal(err.name, 'AppError', `expected a z.errors.Error, got ${err.name}: ${err.message}`);
  return JSON.parse(err.message);
};

describe('app definition', () => {
  it('validates against zapier-platform-schema', () => {
    const errors = validateApp(compileApp(App));
    assert.deepEqual(errors, [], JSON.stringify(errors, null, 2));
  });

  it('the validation is not vacuous: a visible trigger without a label is refused', () => {
    const broken = { ...App, triggers: { ...App.triggers } };
    broken.triggers.booking_created = { ...App.triggers.booking_created, display: {} };
    const errors = validateApp(compileApp(broken));
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0].stack, /booking_created\.display/);
  });

  it('every visible trigger has a sample and labelled output fields (what `zapier validate` asks of public apps)', () => {
    for (const trigger of Object.values(App.triggers)) {
      assert.ok(Object.keys(trigger.operation.sample || {}).length > 0, `${trigger.key} has a sample`);
      for (const field of trigger.operation.outputFields) {
        assert.ok(field.label, `${trigger.key}.${field.key} has a label`);
      }
      if (trigger.operation.type === 'hook') {
        for (const fn of ['performSubscribe', 'performUnsubscribe', 'performList']) {
          assert.equal(typeof trigger.operation[fn], 'function', `${trigger.key}.${fn}`);
        }
      }
    }
  });

  it('has the five REST-hook triggers and the hidden event type list', () => {
    assert.deepEqual(Object.keys(App.triggers).sort(), [...Object.keys(HOOK_TRIGGERS), 'event_type_list'].sort());
    for (const key of Object.keys(HOOK_TRIGGERS)) {
      const trigger = App.triggers[key];
      assert.equal(trigger.key, key);
      assert.equal(trigger.operation.type, 'hook');
      for (const fn of ['performSubscribe', 'performUnsubscribe', 'perform', 'performList']) {
        assert.equal(typeof trigger.operation[fn], 'function', `${key}.${fn}`);
      }
      assert.ok(trigger.operation.outputFields.length >= 5, `${key} labels its main keys`);
    }
    assert.equal(App.triggers.event_type_list.display.hidden, true);
    assert.equal(App.triggers.event_type_list.operation.type, 'polling');
    assert.equal(App.platformVersion, zapier.version);
    assert.match(zapier.version, /^19\./);
  });

  it('the booking triggers offer the optional event type dropdown, the others do not', () => {
    for (const key of Object.keys(HOOK_TRIGGERS)) {
      const fields = App.triggers[key].operation.inputFields;
      if (BOOKING_TRIGGERS.includes(key)) {
        assert.equal(fields.length, 1);
        assert.equal(fields[0].key, 'eventTypeId');
        assert.equal(fields[0].label, 'Event type');
        assert.equal(fields[0].required, false);
        assert.equal(fields[0].dynamic, 'event_type_list.id.name');
      } else {
        assert.deepEqual(fields, []);
      }
    }
  });

  it('each sample has every key of its event and the contract types', () => {
    for (const [key, event] of Object.entries(HOOK_TRIGGERS)) {
      const sample = App.triggers[key].operation.sample;
      assert.deepEqual(Object.keys(sample).sort(), [...DATA_KEYS[event]].sort(), key);
      assert.equal(sample.id.length, 24, `${key}: CUID2 ids have 24 characters`);
      for (const [field, value] of Object.entries(sample)) {
        if (/Time$|At$/.test(field)) {
          assert.match(value, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `${key}.${field}`);
        }
      }
    }
    const booking = samples.bookingCreated;
    assert.deepEqual(Object.keys(booking.eventType).sort(), ['duration', 'id', 'name', 'slug']);
    assert.deepEqual(Object.keys(booking.invitee).sort(), ['email', 'name', 'timezone']);
    assert.deepEqual(Object.keys(booking.host).sort(), ['email', 'id', 'name']);
    assert.ok(Number.isInteger(booking.eventType.duration));
    assert.equal(samples.bookingCancelled.status, 'cancelled');
    assert.ok(Number.isInteger(samples.paymentReceived.amount));
    assert.match(samples.paymentReceived.currency, /^[a-z]{3}$/);
    assert.ok(['booking', 'manual', 'payment'].includes(samples.contactCreated.source));
  });

  it('authentication asks for the Slotline URL and a password-type API key', () => {
    const { authentication } = App;
    assert.equal(authentication.type, 'custom');
    const byKey = Object.fromEntries(authentication.fields.map((f) => [f.key, f]));
    assert.deepEqual(Object.keys(byKey).sort(), ['apiKey', 'baseUrl']);
    assert.equal(byKey.apiKey.label, 'API key');
    assert.equal(byKey.apiKey.type, 'password');
    assert.equal(byKey.apiKey.required, true);
    assert.match(byKey.apiKey.helpText, /Settings → API keys/);
    assert.match(byKey.apiKey.helpText, /sl_live_/);
    assert.equal(byKey.baseUrl.label, 'Slotline URL');
    assert.equal(byKey.baseUrl.required, true);
    assert.match(byKey.baseUrl.helpText, /self-hosted Slotline address, e\.g\. https:\/\/slotline\.example\.com/);
  });
});

describe('request builders (fake z.request)', () => {
  it('normalises the Slotline URL', () => {
    assert.equal(normaliseBaseUrl('https://slotline.example.com/'), 'https://slotline.example.com');
    assert.equal(normaliseBaseUrl(' https://slotline.example.com/// '), 'https://slotline.example.com');
    assert.equal(normaliseBaseUrl('http://127.0.0.1:3000/sub/'), 'http://127.0.0.1:3000/sub');
    assert.equal(normaliseBaseUrl('slotline.example.com'), 'https://slotline.example.com');
    assert.equal(normaliseBaseUrl(''), '');
  });

  it('refuses a missing Slotline URL with a clear message', async () => {
    const z = fakeZ();
    await assert.rejects(App.authentication.test(z, { authData: { apiKey: 'k' } }), (err) => {
      assert.match(appErrorOf(err).message, /Enter your Slotline URL/);
      return true;
    });
    assert.equal(z.calls.length, 0);
  });

  it('the connection test is GET {baseUrl}/api/v1/me and returns its body', async () => {
    const me = { id: 'u'.repeat(24), name: 'Demo Host', email: 'demo@slotline.test' };
    const z = fakeZ(() => ({ status: 200, data: me }));
    assert.deepEqual(await App.authentication.test(z, { authData }), me);
    assert.equal(z.calls[0].url, 'https://slotline.example.com/api/v1/me');
    assert.equal(z.calls[0].method || 'GET', 'GET');
  });

  it('the connection label reads "Connected as <name>"', () => {
    const label = App.authentication.connectionLabel(fakeZ(), {
      authData,
      inputData: { id: 'x', name: 'Demo Host', email: 'demo@slotline.test' },
    });
    assert.equal(label, 'Connected as Demo Host');
  });

  for (const [key, event] of Object.entries(HOOK_TRIGGERS)) {
    const op = App.triggers[key].operation;
    const filterable = BOOKING_TRIGGERS.includes(key);

    it(`${key}: subscribe POSTs {targetUrl, event: "${event}"${filterable ? ', eventTypeId' : ''}}`, async () => {
      const created = { id: 'h'.repeat(24), targetUrl: 'https://hooks.zapier.com/x', event, eventTypeId: null };
      const z = fakeZ(() => ({ status: 201, data: created }));
      const bundle = { authData, targetUrl: 'https://hooks.zapier.com/x', inputData: {} };
      assert.deepEqual(await op.performSubscribe(z, bundle), created);
      const call = z.calls[0];
      assert.equal(call.url, 'https://slotline.example.com/api/v1/hooks');
      assert.equal(call.method, 'POST');
      assert.deepEqual(JSON.parse(JSON.stringify(call.json)), { targetUrl: 'https://hooks.zapier.com/x', event });

      // With an event type chosen: sent for booking triggers only.
      await op.performSubscribe(z, { ...bundle, inputData: { eventTypeId: 'e'.repeat(24) } });
      const expected = { targetUrl: 'https://hooks.zapier.com/x', event };
      if (filterable) expected.eventTypeId = 'e'.repeat(24);
      assert.deepEqual(JSON.parse(JSON.stringify(z.calls[1].json)), expected);
    });

    it(`${key}: unsubscribe DELETEs /api/v1/hooks/{id}; a hook already gone counts as removed`, async () => {
      let status = 204;
      const z = fakeZ(() => ({ status, data: undefined, content: '' }));
      const bundle = { authData, subscribeData: { id: 'h'.repeat(24) } };
      assert.deepEqual(await op.performUnsubscribe(z, bundle), { id: 'h'.repeat(24), deleted: true });
      assert.equal(z.calls[0].url, `https://slotline.example.com/api/v1/hooks/${'h'.repeat(24)}`);
      assert.equal(z.calls[0].method, 'DELETE');
      status = 404;
      assert.deepEqual(await op.performUnsubscribe(z, bundle), { id: 'h'.repeat(24), deleted: true });
      status = 500;
      await assert.rejects(op.performUnsubscribe(z, bundle), (err) => {
        assert.equal(appErrorOf(err).status, 500);
        return true;
      });
    });

    it(`${key}: perform returns the delivery's data; performList GETs the samples`, async () => {
      const data = op.sample;
      const envelope = { apiVersion: '2025-02-09', event, timestamp: '2026-02-10T14:00:00.000Z', data };
      assert.deepEqual(await op.perform(fakeZ(), { authData, cleanedRequest: envelope }), [data]);
      assert.deepEqual(await op.perform(fakeZ(), { authData, cleanedRequest: {} }), []);

      const z = fakeZ(() => ({ status: 200, data: [data] }));
      assert.deepEqual(await op.performList(z, { authData, inputData: {} }), [data]);
      assert.equal(z.calls[0].url, 'https://slotline.example.com/api/v1/hooks/sample');
      assert.deepEqual(z.calls[0].params, { event });
      await op.performList(z, { authData, inputData: { eventTypeId: 'e'.repeat(24) } });
      assert.deepEqual(z.calls[1].params, filterable ? { event, eventTypeId: 'e'.repeat(24) } : { event });
    });
  }

  it('event_type_list GETs /api/v1/event-types', async () => {
    const list = [{ id: 'e'.repeat(24), name: 'Intro call', slug: 'intro', duration: 30 }];
    const z = fakeZ(() => ({ status: 200, data: list }));
    assert.deepEqual(await App.triggers.event_type_list.operation.perform(z, { authData }), list);
    assert.equal(z.calls[0].url, 'https://slotline.example.com/api/v1/event-types');
  });
});

describe('middlewares, run by zapier-platform-core against a local endpoint', () => {
  const appTester = zapier.createAppTester(App);
  const key = `sl_live_${'b'.repeat(64)}`;
  let server;
  let base;
  const seen = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      const send = (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.headers['x-api-key'] !== key) {
        return send(401, { error: { code: 'invalid_api_key', message: 'Invalid API key.' } });
      }
      if (req.url === '/api/v1/me') return send(200, { id: 'u'.repeat(24), name: 'Demo Host', email: 'demo@slotline.test' });
      if (req.url.startsWith('/api/v1/hooks/sample')) return send(429, { error: { code: 'rate_limited', message: 'Slow down.' } }, { 'retry-after': '17' });
      if (req.method === 'DELETE') return send(404, { error: { code: 'not_found', message: 'Not found.' } });
      if (req.url === '/api/v1/hooks') return send(422, { error: { code: 'validation', message: 'targetUrl must be an absolute URL.' } });
      return send(404, { error: { code: 'not_found', message: 'Not found.' } });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends X-API-Key and reads the user', async () => {
    const me = await appTester(App.authentication.test, { authData: { baseUrl: `${base}/`, apiKey: key } });
    assert.equal(me.name, 'Demo Host');
    assert.equal(seen.at(-1).headers['x-api-key'], key);
    assert.equal(seen.at(-1).url, '/api/v1/me');
    const label = await appTester(App.authentication.connectionLabel, { authData: { baseUrl: base, apiKey: key }, inputData: me });
    assert.equal(label, 'Connected as Demo Host');
  });

  it('a 401 says the key is invalid or revoked', async () => {
    await assert.rejects(appTester(App.authentication.test, { authData: { baseUrl: base, apiKey: 'sl_live_wrong' } }), (err) => {
      assert.deepEqual(appErrorOf(err), { message: INVALID_KEY_MESSAGE, code: 'invalid_api_key', status: 401 });
      return true;
    });
  });

  it('any other error carries the API message and code', async () => {
    const op = App.triggers.booking_created.operation;
    await assert.rejects(
      appTester(op.performSubscribe, { authData: { baseUrl: base, apiKey: key }, targetUrl: 'x', inputData: {} }),
      (err) => {
        assert.deepEqual(appErrorOf(err), { message: 'targetUrl must be an absolute URL.', code: 'validation', status: 422 });
        return true;
      },
    );
  });

  it('a 429 becomes a ThrottledError with the Retry-After delay', async () => {
    const op = App.triggers.booking_created.operation;
    await assert.rejects(appTester(op.performList, { authData: { baseUrl: base, apiKey: key }, inputData: {} }), (err) => {
      assert.equal(err.name, 'ThrottledError');
      assert.equal(JSON.parse(err.message).delay, 17);
      return true;
    });
  });

  it('unsubscribing a hook that is already gone succeeds', async () => {
    const op = App.triggers.booking_created.operation;
    const result = await appTester(op.performUnsubscribe, {
      authData: { baseUrl: base, apiKey: key },
      subscribeData: { id: 'h'.repeat(24) },
    });
    assert.deepEqual(result, { id: 'h'.repeat(24), deleted: true });
  });

  it('never sends the key to another host', async () => {
    const other = await appTester(
      async (z) => {
        const response = await z.request({ url: `${base}/elsewhere`, skipThrowForStatus: true });
        return response.status;
      },
      { authData: { baseUrl: 'https://slotline.example.com', apiKey: key } },
    );
    assert.equal(other, 401);
    assert.equal(seen.at(-1).headers['x-api-key'], undefined);
  });
});
