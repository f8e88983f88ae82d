'use strict';

/**
 * The app against a real Slotline server that this file starts (see
 * server.js): authentication, REST-hook subscriptions, real deliveries from
 * bookings made as an invitee, performList, the event type dropdown,
 * a paid booking's payment through the Stripe sandbox, unsubscribing, and
 * the OpenAPI document.
 *
 * Needs the server binary: SLOTLINE_SERVER_BIN, else ../target/release/server;
 * and the Stripe sandbox's: STRIPE_SANDBOX_BIN, else
 * ../target/release/stripe-sandbox.
 */

// zapier-platform-core runs its output checks and stays quiet only under test.
process.env.NODE_ENV = 'test';

const { describe, it, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const zapier = require('zapier-platform-core');
const App = require('../index');
const { INVALID_KEY_MESSAGE } = require('../lib/middleware');
const {
  DEMO,
  sleep,
  serverBinaryProblem,
  stripeSandboxProblem,
  startSlotline,
  startReceiver,
  logInAsDemo,
  createApiKey,
  bookAsInvitee,
  payCheckout,
} = require('./server');

const appTester = zapier.createAppTester(App);
const trigger = (key) => App.triggers[key].operation;

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const { DATA_KEYS } = require('./contract');

const hasEveryKey = (object, event, where) => {
  for (const key of DATA_KEYS[event]) {
    assert.ok(Object.hasOwn(object, key), `${where}: "${key}" is missing from ${JSON.stringify(object)}`);
  }
};

/** Checks one booking `data` object's shape (CONTRACTS.md §4). */
const assertBookingShape = (data, where) => {
  hasEveryKey(data, 'booking.created', where);
  assert.equal(typeof data.id, 'string');
  assert.equal(data.id.length, 24, `${where}: CUID2 id`);
  assert.deepEqual(Object.keys(data.eventType).sort(), ['duration', 'id', 'name', 'slug'], where);
  assert.deepEqual(Object.keys(data.invitee).sort(), ['email', 'name', 'timezone'], where);
  assert.deepEqual(Object.keys(data.host).sort(), ['email', 'id', 'name'], where);
  assert.match(data.startTime, ISO_MS, where);
  assert.match(data.endTime, ISO_MS, where);
  assert.ok(['confirmed', 'cancelled'].includes(data.status), where);
  assert.equal(typeof data.isRecurring, 'boolean', where);
};

/** Checks the delivery headers of CONTRACTS.md §4 and returns the parsed envelope. */
const assertDelivery = (delivery, event) => {
  const h = delivery.headers;
  assert.match(h['content-type'] || '', /^application\/json/);
  assert.equal(h['x-slotline-event'], event);
  assert.match(h['x-slotline-signature'] || '', /^sha256=[0-9a-f]{64}$/);
  assert.ok(h['x-slotline-delivery'], 'X-Slotline-Delivery is set');
  assert.equal(h['webhook-id'], h['x-slotline-delivery']);
  assert.match(h['webhook-timestamp'] || '', /^\d+$/);
  assert.ok(Math.abs(Number(h['webhook-timestamp']) - Date.now() / 1000) < 300, 'webhook-timestamp is now');
  assert.match(h['webhook-signature'] || '', /^v1,[A-Za-z0-9+/]+={0,2}( |$)/);
  const envelope = JSON.parse(delivery.raw);
  assert.deepEqual(Object.keys(envelope).sort(), ['apiVersion', 'data', 'event', 'timestamp']);
  assert.equal(envelope.apiVersion, '2025-02-09');
  assert.equal(envelope.event, event);
  assert.match(envelope.timestamp, ISO_MS);
  hasEveryKey(envelope.data, event, `${event} delivery`);
  return envelope;
};

// Without the server binary: one failing test that says how to build it,
// and the live suite skipped rather than 14 copies of the same failure.
const missingServer = serverBinaryProblem();
if (missingServer) {
  test('the Slotline server binary is there', () => {
    throw new Error(missingServer);
  });
}

// Without the Stripe sandbox: one failing test that says how to build it;
// the rest runs without Stripe (no `consult`), the paid test is skipped.
const missingStripe = missingServer ? null : stripeSandboxProblem();
if (missingStripe) {
  test('the Stripe sandbox binary is there', () => {
    throw new Error(missingStripe);
  });
}

describe('the Zapier app against a live Slotline server', { timeout: 240_000, skip: missingServer ? 'no server binary' : false }, () => {
  const runId = crypto.randomBytes(4).toString('hex');
  let slotline;
  let receiver;
  let authData;
  /** slug → id of the demo event types. */
  const eventTypes = {};
  /** trigger key → subscribeData */
  const hooks = {};
  let firstBooking;
  let firstEmail;

  before(
    async () => {
      slotline = await startSlotline({ stripe: !missingStripe });
      receiver = await startReceiver();
      const cookie = await logInAsDemo(slotline.baseUrl);
      const apiKey = await createApiKey(slotline.baseUrl, cookie, 'Zapier test');
      assert.match(apiKey, /^sl_live_/);
      assert.equal(apiKey.length, 72, 'an API key has 72 characters');
      // The trailing slash is as a user might paste it; the app strips it.
      authData = { baseUrl: `${slotline.baseUrl}/`, apiKey };
    },
    { timeout: 120_000 },
  );

  after(async () => {
    if (receiver) await receiver.close();
    if (slotline) await slotline.stop();
  });

  it('authentication: the key passes the test and the label is "Connected as Demo Host"', async () => {
    const me = await appTester(App.authentication.test, { authData });
    // `phoneRegion` came with the agent endpoints (CONTRACTS §3, additive).
    assert.deepEqual(Object.keys(me).sort(), ['email', 'id', 'name', 'phoneRegion']);
    assert.equal(me.email, DEMO.email);
    assert.equal(me.name, DEMO.name);
    const label = await appTester(App.authentication.connectionLabel, { authData, inputData: me });
    assert.equal(label, `Connected as ${DEMO.name}`);
    assert.match(label, /^Connected as Demo/);
  });

  it('authentication: a wrong key fails with the invalid-key message', async () => {
    const wrong = { ...authData, apiKey: `sl_live_${'0'.repeat(64)}` };
    await assert.rejects(appTester(App.authentication.test, { authData: wrong }), (err) => {
      assert.equal(err.name, 'AppError', err.message);
      const parsed = JSON.parse(err.message);
      assert.equal(parsed.message, INVALID_KEY_MESSAGE);
      assert.equal(parsed.code, 'invalid_api_key');
      assert.equal(parsed.status, 401);
      return true;
    });
  });

  it('the event type dropdown lists the demo event types', async () => {
    const list = await appTester(trigger('event_type_list').perform, { authData });
    assert.ok(Array.isArray(list));
    for (const item of list) {
      // `durations` and `questions` came with the agent endpoints (CONTRACTS §3, additive).
      assert.deepEqual(Object.keys(item).sort(), ['duration', 'durations', 'id', 'name', 'questions', 'slug']);
      eventTypes[item.slug] = item.id;
    }
    const bySlug = Object.fromEntries(list.map((e) => [e.slug, e]));
    assert.equal(bySlug.intro.name, 'Intro call');
    assert.equal(bySlug.intro.duration, 30);
    assert.equal(bySlug['deep-dive'].name, 'Deep dive');
    assert.equal(bySlug['deep-dive'].duration, 60);
    // The paid event type is seeded only when the demo team has Stripe keys.
    if (slotline.stripe) {
      assert.equal(bySlug.consult.name, DEMO.consult.name);
      assert.equal(bySlug.consult.duration, DEMO.consult.duration);
      assert.equal(list.length, 3, JSON.stringify(list.map((e) => e.slug)));
    } else {
      assert.equal(bySlug.consult, undefined);
    }
  });

  it('subscribing returns the hook: booking_created, one filtered by event type, new_contact', async () => {
    const subscribe = async (key, path, inputData = {}) => {
      const targetUrl = `${receiver.url}/${path}`;
      const created = await appTester(trigger(key).performSubscribe, { authData, targetUrl, inputData });
      assert.deepEqual(Object.keys(created).sort(), ['event', 'eventTypeId', 'id', 'targetUrl']);
      assert.equal(typeof created.id, 'string');
      assert.equal(created.id.length, 24, 'CUID2 id');
      assert.equal(created.targetUrl, targetUrl);
      return created;
    };
    hooks.booking_created = await subscribe('booking_created', 'booking_created');
    assert.equal(hooks.booking_created.event, 'booking.created');
    assert.equal(hooks.booking_created.eventTypeId, null);

    hooks.deep_dive_only = await subscribe('booking_created', 'deep_dive_only', { eventTypeId: eventTypes['deep-dive'] });
    assert.equal(hooks.deep_dive_only.eventTypeId, eventTypes['deep-dive']);

    hooks.new_contact = await subscribe('new_contact', 'new_contact');
    assert.equal(hooks.new_contact.event, 'contact.created');
    assert.equal(hooks.new_contact.eventTypeId, null);
  });

  it('a booking made as an invitee fires booking.created; perform hands the Zap its data', async () => {
    firstEmail = `ada-${runId}@example.com`;
    firstBooking = await bookAsInvitee(slotline.baseUrl, {
      event: DEMO.events.intro,
      name: 'Ada Lovelace',
      email: firstEmail,
      notes: 'Booked by the Zapier tests',
    });
    const delivery = await receiver.waitFor((d) => d.path === '/booking_created' && d.json?.data?.invitee?.email === firstEmail, {
      what: 'booking.created delivery',
    });
    const envelope = assertDelivery(delivery, 'booking.created');
    assertBookingShape(envelope.data, 'booking.created delivery');
    assert.equal(envelope.data.status, 'confirmed');
    assert.equal(envelope.data.eventType.slug, DEMO.events.intro);
    assert.equal(envelope.data.eventType.id, eventTypes.intro);
    assert.equal(envelope.data.startTime, new Date(firstBooking.start).toISOString());
    assert.equal(envelope.data.invitee.name, 'Ada Lovelace');
    assert.equal(envelope.data.invitee.timezone, 'UTC');
    assert.equal(envelope.data.host.email, DEMO.email);
    assert.equal(envelope.data.notes, 'Booked by the Zapier tests');
    if (firstBooking.id) assert.equal(envelope.data.id, firstBooking.id);
    firstBooking.id = envelope.data.id;

    const results = await appTester(trigger('booking_created').perform, {
      authData,
      targetUrl: `${receiver.url}/booking_created`,
      cleanedRequest: envelope,
      rawRequest: { method: 'POST', headers: delivery.headers, content: delivery.raw },
    });
    assert.deepEqual(results, [envelope.data]);
    assert.equal(results[0].invitee.email, firstEmail);
  });

  it('the new email also created a contact: new_contact fires', async () => {
    const delivery = await receiver.waitFor((d) => d.path === '/new_contact' && d.json?.data?.email === firstEmail, {
      what: 'contact.created delivery',
    });
    const envelope = assertDelivery(delivery, 'contact.created');
    assert.equal(envelope.data.name, 'Ada Lovelace');
    assert.equal(envelope.data.source, 'booking');
    assert.match(envelope.data.createdAt, ISO_MS);
    const results = await appTester(trigger('new_contact').perform, { authData, cleanedRequest: envelope });
    assert.deepEqual(results, [envelope.data]);
  });

  it('a hook filtered to another event type got nothing', async () => {
    // booking.created and contact.created for the first booking have both
    // arrived; give a misdirected delivery a moment more to show up.
    await sleep(1_500);
    const misdirected = receiver.deliveries.filter((d) => d.path === '/deep_dive_only');
    assert.deepEqual(misdirected.map((d) => d.raw), []);
  });

  it('performList returns real bookings, newest first, and honours the event type filter', async () => {
    const list = await appTester(trigger('booking_created').performList, { authData, inputData: {} });
    assert.ok(Array.isArray(list) && list.length >= 1 && list.length <= 3, JSON.stringify(list));
    assertBookingShape(list[0], 'performList');
    assert.equal(list[0].id, firstBooking.id);
    assert.equal(list[0].invitee.email, firstEmail);

    const intro = await appTester(trigger('booking_created').performList, {
      authData,
      inputData: { eventTypeId: eventTypes.intro },
    });
    assert.equal(intro[0].id, firstBooking.id);

    const deepDive = await appTester(trigger('booking_created').performList, {
      authData,
      inputData: { eventTypeId: eventTypes['deep-dive'] },
    });
    assert.ok(Array.isArray(deepDive) && deepDive.length >= 1, 'an example when there is no real booking');
    assert.ok(!deepDive.some((b) => b.id === firstBooking.id), 'the intro booking is filtered out');
    for (const b of deepDive) assertBookingShape(b, 'performList filtered');
  });

  it('performList of new_contact returns the new contact first', async () => {
    const list = await appTester(trigger('new_contact').performList, { authData, inputData: {} });
    assert.ok(Array.isArray(list) && list.length >= 1 && list.length <= 3, JSON.stringify(list));
    hasEveryKey(list[0], 'contact.created', 'new_contact performList');
    assert.equal(list[0].email, firstEmail);
  });

  for (const [key, event] of [
    ['payment_received', 'payment.received'],
    ['booking_cancelled', 'booking.cancelled'],
    ['booking_rescheduled', 'booking.rescheduled'],
  ]) {
    it(`${key}: subscribe, performList, unsubscribe`, async () => {
      const targetUrl = `${receiver.url}/${key}`;
      const created = await appTester(trigger(key).performSubscribe, { authData, targetUrl, inputData: {} });
      assert.equal(created.id.length, 24);
      assert.equal(created.event, event);
      assert.equal(created.targetUrl, targetUrl);
      assert.equal(created.eventTypeId, null);

      const list = await appTester(trigger(key).performList, { authData, inputData: {} });
      assert.ok(Array.isArray(list) && list.length >= 1 && list.length <= 3, JSON.stringify(list));
      for (const item of list) hasEveryKey(item, event, `${key} performList`);
      if (event === 'payment.received') {
        assert.ok(Number.isInteger(list[0].amount));
        assert.match(list[0].currency, /^[a-z]{3}$/);
      }

      const removed = await appTester(trigger(key).performUnsubscribe, { authData, subscribeData: created });
      assert.deepEqual(removed, { id: created.id, deleted: true });
    });
  }

  it(
    'payment_received: paying a checkout in the Stripe sandbox is a real payment in performList and a signed delivery',
    { skip: missingStripe ? 'no Stripe sandbox binary' : false },
    async () => {
      const key = 'payment_received';
      const targetUrl = `${receiver.url}/${key}`;
      const created = await appTester(trigger(key).performSubscribe, { authData, targetUrl, inputData: {} });
      assert.equal(created.event, 'payment.received');

      const email = `ada-paid-${runId}@example.com`;
      const checkout = await payCheckout(slotline, {
        name: 'Ada Paid',
        email,
        // Booking a paid event type only holds the slot until Stripe's word.
        beforePay: async ({ opened, bookingId }) => {
          assert.equal(opened.status, 'open');
          assert.equal(opened.payment_status, 'unpaid');
          assert.equal(opened.amount_total, DEMO.consult.amount);
          assert.equal(opened.currency, DEMO.consult.currency);
          assert.equal(typeof bookingId, 'string');
          assert.equal(bookingId.length, 24, 'the session names the CUID2 booking id');
          assert.equal(opened.metadata.booking_id, bookingId);
          await sleep(1_000);
          const early = receiver.deliveries.filter(
            (d) => ['/booking_created', `/${key}`].includes(d.path) && (d.raw.includes(bookingId) || d.raw.includes(email)),
          );
          assert.deepEqual(early.map((d) => d.raw), [], 'no booking.created nor payment.received before paying');
        },
      });
      const { bookingId, paid } = checkout;
      assert.equal(paid.status, 'complete');
      assert.equal(paid.payment_status, 'paid');
      assert.match(paid.payment_intent, /^pi_/);
      assert.ok(checkout.redirectUrl.startsWith(`${slotline.baseUrl}/bookings/${bookingId}/checkout?`), checkout.redirectUrl);

      // The sandbox posts the signed checkout.session.completed to Slotline,
      // which records the payment and fires payment.received: poll until
      // performList's newest item is this payment.
      const deadline = Date.now() + 20_000;
      let list;
      for (;;) {
        list = await appTester(trigger(key).performList, { authData, inputData: {} });
        if (list[0]?.bookingId === bookingId || Date.now() >= deadline) break;
        await sleep(500);
      }
      const state = await slotline.stripe.state();
      const completed = state.events.filter((e) => e.type === 'checkout.session.completed' && e.objectId === checkout.sessionId);
      assert.ok(
        Array.isArray(list) && list[0]?.bookingId === bookingId,
        `performList's first payment should be booking ${bookingId}'s within 20 s; it returned ` +
          `${JSON.stringify(list)}; the sandbox's checkout.session.completed: ${JSON.stringify(completed)}` +
          `\nSlotline's last output:\n${slotline.output()}`,
      );
      assert.ok(list.length <= 3, JSON.stringify(list));
      const payment = list[0];
      assert.deepEqual(Object.keys(payment).sort(), [...DATA_KEYS['payment.received']].sort());
      assert.equal(typeof payment.id, 'string');
      assert.equal(payment.id.length, 24, 'CUID2 id');
      assert.equal(payment.amount, DEMO.consult.amount);
      assert.equal(payment.currency, DEMO.consult.currency);
      assert.equal(payment.paymentMethod, 'card');
      assert.match(payment.transactionId, /^pi_/);
      assert.equal(payment.transactionId, paid.payment_intent, "the transaction is the sandbox's payment intent");
      assert.equal(completed.length, 1, JSON.stringify(completed));
      assert.equal(completed[0].delivery, 'delivered', JSON.stringify(completed[0]));
      const intent = state.paymentIntents.find((i) => i.id === paid.payment_intent);
      assert.ok(intent, `the sandbox has payment intent ${paid.payment_intent}`);
      assert.equal(intent.status, 'succeeded');
      assert.equal(intent.amount_received, DEMO.consult.amount);

      // The hook subscribed before paying got the same payment, signed.
      const delivery = await receiver.waitFor((d) => d.path === `/${key}` && d.json?.data?.bookingId === bookingId, {
        what: 'payment.received delivery',
      });
      const envelope = assertDelivery(delivery, 'payment.received');
      assert.deepEqual(envelope.data, payment);
      const results = await appTester(trigger(key).perform, {
        authData,
        targetUrl,
        cleanedRequest: envelope,
        rawRequest: { method: 'POST', headers: delivery.headers, content: delivery.raw },
      });
      assert.deepEqual(results, [payment]);

      // Paying confirmed the booking: booking.created followed, for consult.
      const confirmed = await receiver.waitFor((d) => d.path === '/booking_created' && d.json?.data?.id === bookingId, {
        what: 'booking.created delivery of the paid booking',
      });
      const booking = assertDelivery(confirmed, 'booking.created');
      assertBookingShape(booking.data, 'paid booking.created delivery');
      assert.equal(booking.data.status, 'confirmed');
      assert.equal(booking.data.eventType.slug, DEMO.events.consult);
      assert.equal(booking.data.eventType.id, eventTypes.consult);
      assert.equal(booking.data.invitee.email, email);
      assert.equal(booking.data.startTime, new Date(checkout.start).toISOString());

      const removed = await appTester(trigger(key).performUnsubscribe, { authData, subscribeData: created });
      assert.deepEqual(removed, { id: created.id, deleted: true });
    },
  );

  it('after unsubscribing, a new booking no longer reaches the receiver', async () => {
    for (const key of ['booking_created', 'deep_dive_only']) {
      const removed = await appTester(trigger('booking_created').performUnsubscribe, {
        authData,
        subscribeData: hooks[key],
      });
      assert.deepEqual(removed, { id: hooks[key].id, deleted: true });
    }
    // Unsubscribing again (the hook is gone: 404) still succeeds.
    await appTester(trigger('booking_created').performUnsubscribe, { authData, subscribeData: hooks.booking_created });

    const secondEmail = `grace-${runId}@example.com`;
    await bookAsInvitee(slotline.baseUrl, { event: DEMO.events.intro, name: 'Grace Hopper', email: secondEmail });
    // new_contact is still subscribed: its delivery shows the server has
    // processed this booking's events; booking.created must not follow.
    await receiver.waitFor((d) => d.path === '/new_contact' && d.json?.data?.email === secondEmail, {
      what: 'contact.created delivery for the second booking',
    });
    await sleep(3_000);
    const late = receiver.deliveries.filter(
      (d) => ['/booking_created', '/deep_dive_only'].includes(d.path) && d.raw.includes(secondEmail),
    );
    assert.deepEqual(late.map((d) => d.raw), []);

    const removed = await appTester(trigger('new_contact').performUnsubscribe, { authData, subscribeData: hooks.new_contact });
    assert.deepEqual(removed, { id: hooks.new_contact.id, deleted: true });
  });

  it('GET /api/openapi.json is a valid OpenAPI 3.1 document; every operation answers 401 and 429', async () => {
    // Loaded lazily: a devDependency only this test needs.
    const SwaggerParser = require('@apidevtools/swagger-parser');
    const res = await fetch(`${slotline.baseUrl}/api/openapi.json`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.match(String(doc.openapi), /^3\.1\./);
    const api = await SwaggerParser.validate(structuredClone(doc));

    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    const operations = [];
    for (const [path, item] of Object.entries(api.paths || {})) {
      for (const method of methods) {
        if (item[method]) operations.push({ path, method, op: item[method] });
      }
    }
    const listed = operations.map((o) => `${o.method.toUpperCase()} ${o.path}`);
    for (const [method, pattern] of [
      ['get', /\/me$/],
      ['get', /\/event-types$/],
      ['post', /\/hooks$/],
      ['delete', /\/hooks\/\{[^}]+\}$/],
      ['get', /\/hooks\/sample$/],
    ]) {
      assert.ok(
        operations.some((o) => o.method === method && pattern.test(o.path)),
        `the document lists ${method.toUpperCase()} ${pattern}; it lists ${JSON.stringify(listed)}`,
      );
    }
    for (const { path, method, op } of operations) {
      // An operation that declares no authentication (`security: []`) is not
      // rate limited either (CONTRACTS.md §3), so cannot answer 401 or 429.
      if (Array.isArray(op.security) && op.security.length === 0) continue;
      for (const status of ['401', '429']) {
        const response = op.responses && op.responses[status];
        assert.ok(response, `${method.toUpperCase()} ${path} lists ${status}`);
        const schema = response.content && response.content['application/json'] && response.content['application/json'].schema;
        assert.ok(schema, `${method.toUpperCase()} ${path} ${status} has a JSON schema`);
        const error = schema.properties && schema.properties.error;
        assert.ok(
          error && error.properties && error.properties.code && error.properties.message,
          `${method.toUpperCase()} ${path} ${status} uses the error schema {"error":{"code","message"}}`,
        );
      }
    }
  });
});
