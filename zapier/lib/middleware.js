'use strict';

const { normaliseBaseUrl } = require('./api');

const INVALID_KEY_MESSAGE =
  'Your Slotline API key is invalid or has been revoked. ' +
  'Create a new key on the Settings → API keys page of your Slotline and reconnect.';

/**
 * beforeRequest: sends the API key as `X-API-Key`, but only to the
 * connection's own Slotline, never to another host.
 */
const addApiKey = (request, z, bundle) => {
  const authData = (bundle && bundle.authData) || {};
  const base = normaliseBaseUrl(authData.baseUrl);
  request.headers = request.headers || {};
  if (!request.headers.Accept && !request.headers.accept) {
    request.headers.Accept = 'application/json';
  }
  if (authData.apiKey && base && String(request.url || '').startsWith(`${base}/`)) {
    request.headers['X-API-Key'] = authData.apiKey;
  }
  return request;
};

/** The `{"error":{"code","message"}}` body of a Slotline error, if it is one. */
const apiError = (response) => {
  let body = response.data;
  if (body === undefined) {
    try {
      body = JSON.parse(response.content);
    } catch (_err) {
      body = undefined;
    }
  }
  const error = body && typeof body === 'object' ? body.error : undefined;
  return error && typeof error === 'object' ? error : {};
};

/**
 * afterResponse: a non-2xx answer becomes a `z.errors.Error` carrying the
 * API's own message and code. A 429 never gets here: zapier-platform-core
 * turns it into a ThrottledError (honouring Retry-After) beforehand.
 * A request made with `skipThrowForStatus: true` handles its own statuses.
 */
const handleErrors = (response, z) => {
  if (response.skipThrowForStatus || (response.status >= 200 && response.status < 300)) {
    return response;
  }
  throw toError(z, response);
};

const toError = (z, response) => {
  const { code, message } = apiError(response);
  if (response.status === 401) {
    return new z.errors.Error(INVALID_KEY_MESSAGE, code || 'invalid_api_key', 401);
  }
  return new z.errors.Error(
    message || `Slotline answered with HTTP ${response.status}.`,
    code || `http_${response.status}`,
    response.status,
  );
};

module.exports = { addApiKey, handleErrors, toError, INVALID_KEY_MESSAGE };
