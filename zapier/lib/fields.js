'use strict';

/** Output field labels (Zapier spells nested keys with `__`). */

const booking = [
  { key: 'id', label: 'Booking ID', type: 'string' },
  { key: 'status', label: 'Status', type: 'string' },
  { key: 'startTime', label: 'Start Time', type: 'datetime' },
  { key: 'endTime', label: 'End Time', type: 'datetime' },
  { key: 'eventType__id', label: 'Event Type ID', type: 'string' },
  { key: 'eventType__name', label: 'Event Type Name', type: 'string' },
  { key: 'eventType__slug', label: 'Event Type Slug', type: 'string' },
  { key: 'eventType__duration', label: 'Duration (minutes)', type: 'integer' },
  { key: 'invitee__name', label: 'Invitee Name', type: 'string' },
  { key: 'invitee__email', label: 'Invitee Email', type: 'string' },
  { key: 'invitee__timezone', label: 'Invitee Time Zone', type: 'string' },
  { key: 'host__id', label: 'Host ID', type: 'string' },
  { key: 'host__name', label: 'Host Name', type: 'string' },
  { key: 'host__email', label: 'Host Email', type: 'string' },
  { key: 'meetingLink', label: 'Meeting Link', type: 'string' },
  { key: 'location', label: 'Location', type: 'string' },
  { key: 'notes', label: 'Notes', type: 'string' },
  { key: 'isRecurring', label: 'Is Recurring', type: 'boolean' },
  { key: 'recurringGroupId', label: 'Recurring Group ID', type: 'string' },
];

const bookingCancelled = [
  ...booking,
  { key: 'cancelReason', label: 'Cancellation Reason', type: 'string' },
];

const bookingRescheduled = [
  ...booking,
  { key: 'previousStartTime', label: 'Previous Start Time', type: 'datetime' },
  { key: 'previousEndTime', label: 'Previous End Time', type: 'datetime' },
];

const payment = [
  { key: 'id', label: 'Payment ID', type: 'string' },
  { key: 'bookingId', label: 'Booking ID', type: 'string' },
  { key: 'amount', label: 'Amount (minor units, e.g. cents)', type: 'integer' },
  { key: 'currency', label: 'Currency', type: 'string' },
  { key: 'paymentMethod', label: 'Payment Method', type: 'string' },
  { key: 'transactionId', label: 'Transaction ID', type: 'string' },
];

const contact = [
  { key: 'id', label: 'Contact ID', type: 'string' },
  { key: 'name', label: 'Name', type: 'string' },
  { key: 'email', label: 'Email', type: 'string' },
  { key: 'phone', label: 'Phone', type: 'string' },
  { key: 'company', label: 'Company', type: 'string' },
  { key: 'notes', label: 'Notes', type: 'string' },
  { key: 'createdAt', label: 'Created At', type: 'datetime' },
  { key: 'source', label: 'Source', type: 'string' },
];

const eventType = [
  { key: 'id', label: 'Event Type ID', type: 'string' },
  { key: 'name', label: 'Name', type: 'string' },
  { key: 'slug', label: 'Slug', type: 'string' },
  { key: 'duration', label: 'Duration (minutes)', type: 'integer' },
];

module.exports = { booking, bookingCancelled, bookingRescheduled, payment, contact, eventType };
