'use strict';

/** Every key of each event's `data`, as CONTRACTS.md §4 lists them. */
const BOOKING_KEYS = [
  'id',
  'eventType',
  'startTime',
  'endTime',
  'status',
  'invitee',
  'host',
  'meetingLink',
  'location',
  'notes',
  'isRecurring',
  'recurringGroupId',
];

const DATA_KEYS = {
  'booking.created': BOOKING_KEYS,
  'booking.cancelled': [...BOOKING_KEYS, 'cancelReason'],
  'booking.rescheduled': [...BOOKING_KEYS, 'previousStartTime', 'previousEndTime'],
  'payment.received': ['id', 'bookingId', 'amount', 'currency', 'paymentMethod', 'transactionId'],
  'contact.created': ['id', 'name', 'email', 'phone', 'company', 'notes', 'createdAt', 'source'],
};

module.exports = { BOOKING_KEYS, DATA_KEYS };
