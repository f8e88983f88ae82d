'use strict';

/**
 * Where a connection's Slotline answers, and the one place request URLs are
 * built. Slotline is self-hosted, so the address is part of the connection.
 */

/** The five event keys of CONTRACTS.md §4. */
const EVENTS = Object.freeze({
  BOOKING_CREATED: 'booking.created',
  BOOKING_CANCELLED: 'booking.cancelled',
  BOOKING_RESCHEDULED: 'booking.rescheduled',
  PAYMENT_RECEIVED: 'payment.received',
  CONTACT_CREATED: 'contact.created',
});

/**
 * The normalised Slotline address: trimmed, `https://` added when the user
 * left out the scheme, trailing slashes removed.
 */
const normaliseBaseUrl = (raw) => {
  let value = String(raw == null ? '' : raw).trim();
  if (!value) {
    return '';
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    value = `https://${value}`;
  }
  return value.replace(/\/+$/, '');
};

/** The connection's Slotline address; throws a user-facing error when unusable. */
const baseUrl = (z, bundle) => {
  const value = normaliseBaseUrl(bundle && bundle.authData && bundle.authData.baseUrl);
  let parsed;
  try {
    parsed = new URL(value);
  } catch (_err) {
    parsed = null;
  }
  if (!value || !parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new z.errors.Error(
      'Enter your Slotline URL, e.g. https://slotline.example.com.',
      'invalid_base_url',
      400,
    );
  }
  return value;
};

/** `{baseUrl}/api/v1{path}`. */
const apiUrl = (z, bundle, path) => `${baseUrl(z, bundle)}/api/v1${path}`;

module.exports = { EVENTS, normaliseBaseUrl, baseUrl, apiUrl };
