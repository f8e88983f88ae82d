'use strict';

const { apiUrl } = require('./api');
const { toError } = require('./middleware');

/**
 * The optional "Event type" filter of the booking triggers: a dynamic
 * dropdown fed by the hidden `event_type_list` trigger.
 */
const eventTypeField = {
  key: 'eventTypeId',
  label: 'Event type',
  type: 'string',
  required: false,
  dynamic: 'event_type_list.id.name',
  helpText: 'Only trigger for bookings of this event type. Leave empty for every event type.',
};

/** The filter the user chose, or undefined for none. */
const chosenEventType = (bundle) => {
  const value = bundle.inputData && bundle.inputData.eventTypeId;
  return value ? String(value) : undefined;
};

/**
 * A REST-hook trigger for one Slotline event (CONTRACTS.md §3 and §4).
 *
 * - performSubscribe: `POST /api/v1/hooks {"targetUrl","event","eventTypeId"?}`
 *   → the 201 body `{"id","targetUrl","event","eventTypeId"}`, which Zapier
 *   keeps as `bundle.subscribeData`.
 * - performUnsubscribe: `DELETE /api/v1/hooks/{id}` → 204. A hook that is
 *   already gone (404: deleted in the dashboard, or after a 410) counts as
 *   unsubscribed, so a Zap can always be turned off.
 * - perform: a delivery's body is the envelope
 *   `{"apiVersion","event","timestamp","data"}`; the Zap gets `data`.
 * - performList: `GET /api/v1/hooks/sample?event=…[&eventTypeId=…]` → real
 *   recent objects (or one example), the same shape as `data`.
 */
const makeHookTrigger = ({ key, event, noun, label, description, sample, outputFields, filterByEventType }) => {
  const performSubscribe = async (z, bundle) => {
    const body = { targetUrl: bundle.targetUrl, event };
    if (filterByEventType) {
      body.eventTypeId = chosenEventType(bundle);
    }
    const response = await z.request({
      url: apiUrl(z, bundle, '/hooks'),
      method: 'POST',
      json: body,
    });
    return response.data;
  };

  const performUnsubscribe = async (z, bundle) => {
    const id = bundle.subscribeData && bundle.subscribeData.id;
    if (!id) {
      throw new z.errors.Error('This Zap has no Slotline subscription to remove.', 'no_subscription', 400);
    }
    const response = await z.request({
      url: apiUrl(z, bundle, `/hooks/${encodeURIComponent(id)}`),
      method: 'DELETE',
      skipThrowForStatus: true,
    });
    if (response.status === 404 || (response.status >= 200 && response.status < 300)) {
      return { id, deleted: true };
    }
    throw toError(z, response);
  };

  const perform = (z, bundle) => {
    const delivery = bundle.cleanedRequest;
    if (!delivery || typeof delivery.data !== 'object' || delivery.data === null) {
      return [];
    }
    return [delivery.data];
  };

  const performList = async (z, bundle) => {
    const params = { event };
    const eventTypeId = filterByEventType ? chosenEventType(bundle) : undefined;
    if (eventTypeId) {
      params.eventTypeId = eventTypeId;
    }
    const response = await z.request({ url: apiUrl(z, bundle, '/hooks/sample'), params });
    return response.data;
  };

  return {
    key,
    noun,
    display: { label, description },
    operation: {
      type: 'hook',
      inputFields: filterByEventType ? [eventTypeField] : [],
      performSubscribe,
      performUnsubscribe,
      perform,
      performList,
      sample,
      outputFields,
    },
  };
};

module.exports = { makeHookTrigger, eventTypeField };
