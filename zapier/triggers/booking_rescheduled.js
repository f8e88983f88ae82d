'use strict';

const { EVENTS } = require('../lib/api');
const { makeHookTrigger } = require('../lib/rest-hook');
const samples = require('../lib/samples');
const fields = require('../lib/fields');

module.exports = makeHookTrigger({
  key: 'booking_rescheduled',
  event: EVENTS.BOOKING_RESCHEDULED,
  noun: 'Booking',
  label: 'Booking Rescheduled',
  description: 'Triggers when an invitee moves a booking to another time.',
  sample: samples.bookingRescheduled,
  outputFields: fields.bookingRescheduled,
  filterByEventType: true,
});
