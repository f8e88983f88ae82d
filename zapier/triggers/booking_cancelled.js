'use strict';

const { EVENTS } = require('../lib/api');
const { makeHookTrigger } = require('../lib/rest-hook');
const samples = require('../lib/samples');
const fields = require('../lib/fields');

module.exports = makeHookTrigger({
  key: 'booking_cancelled',
  event: EVENTS.BOOKING_CANCELLED,
  noun: 'Booking',
  label: 'Booking Cancelled',
  description: 'Triggers when a booking is cancelled, by the invitee or the host.',
  sample: samples.bookingCancelled,
  outputFields: fields.bookingCancelled,
  filterByEventType: true,
});
