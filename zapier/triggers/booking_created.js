'use strict';

const { EVENTS } = require('../lib/api');
const { makeHookTrigger } = require('../lib/rest-hook');
const samples = require('../lib/samples');
const fields = require('../lib/fields');

module.exports = makeHookTrigger({
  key: 'booking_created',
  event: EVENTS.BOOKING_CREATED,
  noun: 'Booking',
  label: 'Booking Created',
  description: 'Triggers when an invitee books a meeting.',
  sample: samples.bookingCreated,
  outputFields: fields.booking,
  filterByEventType: true,
});
