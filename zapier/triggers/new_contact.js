'use strict';

const { EVENTS } = require('../lib/api');
const { makeHookTrigger } = require('../lib/rest-hook');
const samples = require('../lib/samples');
const fields = require('../lib/fields');

module.exports = makeHookTrigger({
  key: 'new_contact',
  event: EVENTS.CONTACT_CREATED,
  noun: 'Contact',
  label: 'New Contact',
  description: 'Triggers when a contact is created: by a booking, a payment or by hand.',
  sample: samples.contactCreated,
  outputFields: fields.contact,
  filterByEventType: false,
});
