'use strict';

const { EVENTS } = require('../lib/api');
const { makeHookTrigger } = require('../lib/rest-hook');
const samples = require('../lib/samples');
const fields = require('../lib/fields');

module.exports = makeHookTrigger({
  key: 'payment_received',
  event: EVENTS.PAYMENT_RECEIVED,
  noun: 'Payment',
  label: 'Payment Received',
  description: 'Triggers when a payment for a booking is received.',
  sample: samples.paymentReceived,
  outputFields: fields.payment,
  filterByEventType: false,
});
