'use strict';

const authentication = require('./authentication');
const { addApiKey, handleErrors } = require('./lib/middleware');
const bookingCreated = require('./triggers/booking_created');
const bookingCancelled = require('./triggers/booking_cancelled');
const bookingRescheduled = require('./triggers/booking_rescheduled');
const paymentReceived = require('./triggers/payment_received');
const newContact = require('./triggers/new_contact');
const eventTypeList = require('./triggers/event_type_list');

module.exports = {
  version: require('./package.json').version,
  platformVersion: require('zapier-platform-core').version,

  authentication,
  beforeRequest: [addApiKey],
  afterResponse: [handleErrors],

  triggers: {
    [bookingCreated.key]: bookingCreated,
    [bookingCancelled.key]: bookingCancelled,
    [bookingRescheduled.key]: bookingRescheduled,
    [paymentReceived.key]: paymentReceived,
    [newContact.key]: newContact,
    [eventTypeList.key]: eventTypeList,
  },
  searches: {},
  creates: {},
  resources: {},
};
