'use strict';

/**
 * Realistic example `data` objects, one per event, with every key
 * CONTRACTS.md §4 lists for that event (and the same types: CUID2 ids of 24
 * characters, ISO 8601 UTC timestamps with milliseconds, whole minutes,
 * money in minor units with a lowercase currency).
 */

const eventType = {
  id: 'p8n2x5c1v7b4m9q3w6e0r2ty',
  name: 'Intro call',
  slug: 'intro',
  duration: 30,
};

const host = {
  id: 'h4j7k1l9z3x6c8v2b5n0m1qa',
  name: 'Demo Host',
  email: 'demo@slotline.test',
};

const bookingCreated = {
  id: 'k3v9wq2m8x1c7j5p0d4r6t2a',
  eventType,
  startTime: '2026-02-10T14:00:00.000Z',
  endTime: '2026-02-10T14:30:00.000Z',
  status: 'confirmed',
  invitee: {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    timezone: 'Europe/London',
  },
  host,
  meetingLink: 'https://meet.example.com/ada-intro',
  location: 'Video call',
  notes: 'I would like to talk about the analytical engine.',
  isRecurring: false,
  recurringGroupId: null,
};

const bookingCancelled = {
  ...bookingCreated,
  status: 'cancelled',
  cancelReason: 'Something came up, sorry.',
};

const bookingRescheduled = {
  ...bookingCreated,
  startTime: '2026-02-12T09:30:00.000Z',
  endTime: '2026-02-12T10:00:00.000Z',
  previousStartTime: '2026-02-10T14:00:00.000Z',
  previousEndTime: '2026-02-10T14:30:00.000Z',
};

const paymentReceived = {
  id: 'y6t1r8e3w0q5u2i9o4p7a1sd',
  bookingId: 'k3v9wq2m8x1c7j5p0d4r6t2a',
  amount: 5000,
  currency: 'usd',
  paymentMethod: 'card',
  transactionId: 'pi_3Pq8Xy2eZvKYlo2C1f9b8a7c',
};

const contactCreated = {
  id: 'c2v5b8n1m4q7w0e3r6t9y2ua',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+44 20 7946 0958',
  company: 'Analytical Engines Ltd',
  notes: 'Met at the Difference Engine demo.',
  createdAt: '2026-02-09T16:21:07.000Z',
  source: 'booking',
};

const eventTypeListItem = { ...eventType };

module.exports = {
  bookingCreated,
  bookingCancelled,
  bookingRescheduled,
  paymentReceived,
  contactCreated,
  eventTypeListItem,
};
