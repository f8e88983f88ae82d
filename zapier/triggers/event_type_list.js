'use strict';

const { apiUrl } = require('../lib/api');
const samples = require('../lib/samples');
const fields = require('../lib/fields');

/**
 * Hidden: feeds the "Event type" dropdown of the booking triggers.
 * `GET /api/v1/event-types` → `[{"id","name","slug","duration"}]`.
 */
const perform = async (z, bundle) => {
  const response = await z.request({ url: apiUrl(z, bundle, '/event-types') });
  return response.data;
};

module.exports = {
  key: 'event_type_list',
  noun: 'Event Type',
  display: {
    label: 'List Event Types',
    description: 'Lists your event types, for the event type dropdown.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    sample: samples.eventTypeListItem,
    outputFields: fields.eventType,
  },
};
