'use strict';

const { apiUrl } = require('./lib/api');

/** `GET /api/v1/me` → `{"id","name","email"}`; what the connection label reads. */
const test = async (z, bundle) => {
  const response = await z.request({ url: apiUrl(z, bundle, '/me') });
  return response.data;
};

/** Zapier passes the test's result as `bundle.inputData`. */
const connectionLabel = (z, bundle) => {
  const me = bundle.inputData || {};
  return `Connected as ${me.name || me.email}`;
};

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'baseUrl',
      label: 'Slotline URL',
      type: 'string',
      required: true,
      placeholder: 'https://slotline.example.com',
      isNoSecret: true,
      helpText: 'Your self-hosted Slotline address, e.g. https://slotline.example.com',
    },
    {
      key: 'apiKey',
      label: 'API key',
      type: 'password',
      required: true,
      helpText:
        "Create a key on Slotline's **Settings → API keys** page. Keys start with `sl_live_`.",
    },
  ],
  test,
  connectionLabel,
};
