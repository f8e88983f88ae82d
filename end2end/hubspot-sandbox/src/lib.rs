//! # HubSpot sandbox
//!
//! A stateful, in-memory stand-in for the parts of HubSpot's API that Slotline uses, written from
//! `shared/HUBSPOT.md` alone: it shares no code or types with Slotline's HubSpot client, so that a
//! test passing against it says something about the client (a stand-in built from the client's own
//! structs would agree with the client by construction).
//!
//! It answers HubSpot's date-versioned release [`API_VERSION`] (`2026-03`):
//!
//! - OAuth: `GET|POST /oauth/authorize` (a consent page with "Grant access" and "Deny"),
//!   `POST /oauth/2026-03/token` (authorization code and refresh token grants),
//!   `POST /oauth/2026-03/token/introspect`, `POST /oauth/2026-03/token/revoke`.
//! - CRM, behind `Authorization: Bearer …`, under `/crm/objects/2026-03/…`: contacts (create, batch
//!   upsert by email, read, update, search, batch read, merge, archive, batch archive), companies
//!   (create, read, update, search, batch read, archive, batch archive) and meetings (create, read,
//!   update, search, archive); creates may carry HUBSPOT_DEFINED associations, reads take
//!   `?associations=contacts,companies,meetings`.
//!   - Batch read: `POST …/{contacts|companies}/batch/read {"inputs":[{"id"}],"properties":[…],
//!     "propertiesWithHistory":[…],"idProperty"?}` → `200 {"status":"COMPLETE","results":[{"id",
//!     "properties","propertiesWithHistory"?:{"name":[{"value","timestamp","sourceType","sourceId"?,
//!     "updatedByUserId"?}, newest first]},"createdAt","updatedAt","archived"}],"startedAt",
//!     "completedAt"}`; ids not found (or archived) → `207` with one `OBJECT_NOT_FOUND` error whose
//!     `context.ids` lists them, and `numErrors`. 1–100 inputs, at most 50 with history, else `400`.
//!   - Merge: `POST …/contacts/merge {"primaryObjectId","objectIdToMerge"}` → `200` with a **new**
//!     record (new id): the primary's values win, the other's fill blanks, the older `createdate`
//!     stays, `hs_merged_object_ids` lists the old ids (`;`, ascending, including earlier merges).
//!     Calls naming an old id (GET, PATCH, DELETE, batch read) act on the new record; old ids leave
//!     search (after the lag) and listings; associations move to the new id. Unknown ids → `404`,
//!     one id twice → `400`.
//!   - Archive: `DELETE …/{id}` and `POST …/batch/archive {"inputs":[{"id"}]}` → `204`; archived
//!     objects answer `404` to reads, drop out of batch reads and (after the lag) search, and free
//!     their email. `POST /_sandbox/contacts/{id}/restore` brings one back.
//!   - Every write keeps a per-property history (only values that change; `""` for a cleared one)
//!     and bumps `lastmodifieddate` (companies, meetings: `hs_lastmodifieddate`), even when no value
//!     changes. Sources: `INTEGRATION` with `sourceId` = [`SANDBOX_APP_ID`] for API writes, `CRM_UI`
//!     with `updatedByUserId` = [`SANDBOX_USER_ID`] for the user control endpoints, `IMPORT` for
//!     seeds, `CALCULATED` for what HubSpot sets itself (id, dates, merged ids).
//! - Search: filter operators `EQ`, `NEQ`, `IN`, `NOT_IN`, `HAS_PROPERTY`, `NOT_HAS_PROPERTY`, and
//!   `GT`, `GTE`, `LT`, `LTE`, `BETWEEN` (`value`…`highValue`, inclusive) on number, date and datetime
//!   properties (`hs_object_id` is a number), compared numerically; datetime bounds may be epoch
//!   milliseconds (string or number) or ISO 8601. Sorts compare numbers by value and dates by
//!   instant. `after` + `limit` past 10,000 → `400`.
//! - App webhooks (HubSpot → the app), off until a target is set: contact creation, property
//!   change (subscribed properties, default [`DEFAULT_WEBHOOK_PROPERTIES`]), deletion (archive),
//!   merge and restore, by the app or a user, become events `{eventId, subscriptionId, portalId,
//!   appId, occurredAt, subscriptionType, attemptNumber, objectId, propertyName?, propertyValue?,
//!   changeSource}` (merge: plus `primaryObjectId, mergedObjectIds, newObjectId`), POSTed as JSON
//!   arrays of ≤ 100 within about 0.1 s, signed with `X-HubSpot-Signature-v3` over `POST` + the
//!   target URL + body + `X-HubSpot-Request-Timestamp` (real time) with the client secret. Failures
//!   (non-2xx, no answer in 5 s) are retried 3 times after 0.25, 0.5 and 1 s with `attemptNumber`
//!   1–3. See [`Sandbox::set_webhook_target`], [`Sandbox::webhook_deliveries`].
//! - Associations: `PUT /crm/objects/2026-03/{from}/{id}/associations/default/{to}/{toId}` and
//!   `POST /crm/associations/2026-03/{from}/{to}/batch/create` (contact ↔ company 279/280, primary
//!   1/2; meeting ↔ contact 200/199; meeting ↔ company 188/187). A contact has at most one primary
//!   company: a new one takes the label from the old.
//! - Properties: `GET /crm/properties/2026-03/{objectType}` and `…/{objectType}/{propertyName}`,
//!   listing the portal's typed properties (see `portal_properties.rs`); every write is checked
//!   against them.
//! - Control endpoints under `/_sandbox/` and a read-only HTML page at `/` for Playwright and humans.
//!
//! Used three ways: as a library by Slotline's Rust integration tests ([`Sandbox::spawn`]), as a
//! binary (`hubspot-sandbox`, see [`ServeOptions::from_env`]) by `make run` and the Playwright tests,
//! and embedded in another axum app through [`Sandbox::router`].
//!
//! ## In a Rust test
//! ```no_run
//! use hubspot_sandbox::{Fault, Sandbox, SandboxConfig};
//! # async fn example() {
//! let hub = Sandbox::spawn(SandboxConfig::default()).await;
//! // Give the app SLOTLINE_HUBSPOT_API_BASE = hub.base_url and SLOTLINE_HUBSPOT_AUTH_URL = hub.authorize_url().
//! // Where the app would send the browser, "click" Grant access and follow the redirect yourself:
//! let app_authorize_url = format!("{}?client_id=slotline-sandbox-client&redirect_uri=http://127.0.0.1:3000/cb&scope=oauth&state=s", hub.authorize_url());
//! let callback = hub.grant(&app_authorize_url).await; // http://127.0.0.1:3000/cb?code=…&state=s
//! hub.push_faults([Fault::TooManyRequests { retry_after: Some(1) }, Fault::ServerErrorAfterWrite]);
//! // … drive the app …
//! assert_eq!(hub.rate_limited_count(), 0);
//! let meetings = hub.meetings();
//! # let _ = (callback, meetings);
//! # }
//! ```
//! Time-dependent behaviour runs on a sandbox clock: [`Sandbox::expire_access_tokens`] and
//! [`Sandbox::advance_clock`] age tokens, codes and the search index without sleeping.
//!
//! For two-way sync tests, a HubSpot user's actions are Rust methods too
//! ([`Sandbox::user_create_contact`], [`Sandbox::user_update_contact`],
//! [`Sandbox::user_archive_contact`], [`Sandbox::user_restore_contact`],
//! [`Sandbox::user_merge_contacts`], [`Sandbox::seed_contacts`]), as are webhook settings and the
//! request accounting ([`Sandbox::max_requests_per_10s`], [`Sandbox::search_requests`],
//! [`Sandbox::requests_by_endpoint`]).
//!
//! ## Control endpoints (not HubSpot's; for Playwright and humans)
//! - `GET /` (also `/_sandbox`): read-only HTML page "HubSpot sandbox" with captioned tables of
//!   contacts (the first 500) with their companies, lifecycle stage, `lastmodifieddate` and merged
//!   ids (`data-testid="contact-row"`), archived contacts (`archived-contact-row`), companies
//!   (`company-row`), meetings (`meeting-row`), the last 200 webhook deliveries
//!   (`webhook-delivery-row`), token events (`token-event-row`), revocations (`revocation-row`) and
//!   the last 200 requests (`request-row`).
//! - `GET /_sandbox/state`: `{"contacts":[…],"archivedContacts":[…],"companies":[…],
//!   "archivedCompanies":[…],"meetings":[{…,"contactIds":[…]}],
//!   "associations":[{"fromType","fromId","toType","toId","typeIds":[…]}],"batchErrors":"400"|"207",
//!   "revocations":[…],"tokenEvents":[…],"rateLimited":n,"requests":n,"maxRequestsPer10s":n,
//!   "searchRequests":n,"requestsByEndpoint":{"GET /crm/objects/2026-03/contacts/{id}":n,…},
//!   "pendingFaults":n,"webhooks":{"targetUrl","properties"},"webhookDeliveries":[{"at","targetUrl",
//!   "attempt","events":n,"subscriptionTypes":[…],"status","error"}]}`. Lists hold live objects;
//!   merged-away ones are left out. `maxRequestsPer10s` is the most authenticated non-search `/crm`
//!   calls in any rolling 10 s (real time, refused ones included), `searchRequests` counts searches.
//! - `POST /_sandbox/webhooks` `{"targetUrl":"…"|null,"secret"?,"properties"?:[…]}` → `204`;
//!   omitted fields take the configured values, `null` turns delivery off.
//! - A HubSpot user's actions (no auth; HubSpot's error bodies on `400`/`404`/`409`; recorded as
//!   `CRM_UI` and raising webhook events): `POST /_sandbox/contacts {"properties":{…}}` → `201`,
//!   `PATCH /_sandbox/contacts/{id} {"properties":{…}}` → `200`, `DELETE /_sandbox/contacts/{id}` →
//!   `204`, `POST /_sandbox/contacts/{id}/restore` → `200`, `POST /_sandbox/contacts/merge
//!   {"primaryObjectId","objectIdToMerge"}` → `200`, each answering the object as the API does.
//! - `POST /_sandbox/contacts/seed {"count":10000,"properties"?:{…},"emailPrefix"?:"seed"}` → `201
//!   {"ids":[first,last]}`: a bulk import (no webhook events; `IMPORT` history) of contacts
//!   `seed-00001@example.com` … with first and last names; their create and modify dates are 1 ms
//!   apart ending at the import, and search sees them all as written at the import (after the lag).
//! - `POST /_sandbox/faults` `{"kind":"429"|"500"|"500_after_write"|"slow"|"401","count":N,
//!   "retryAfter":secs?,"delayMs":ms?}` → `204` (`count` defaults to 1, `delayMs` to 2000).
//! - `POST /_sandbox/chaos` `{"rate":0.3,"seed":7?,"kinds":["429","500",…]?,"delayMs":ms?}`;
//!   `{"rate":0}` turns it off → `204`.
//! - `POST /_sandbox/batch-errors` `{"mode":"400"|"207"}` → `204`: see [`BatchErrors`].
//! - `POST /_sandbox/revoke-refresh-tokens`, `POST /_sandbox/expire-access-tokens`,
//!   `POST /_sandbox/advance-clock` `{"seconds":N}`, `POST /_sandbox/reset` → `204`. A reset
//!   empties everything (objects, history, accounting, deliveries; retries in flight stop) and
//!   restores the configured settings, webhook target included.
//!
//! ## Where the sandbox is deliberately stricter or more explicit than HubSpot
//! HUBSPOT.md asks that the sandbox never be the only reason a test passes, so where HubSpot's
//! behaviour is unverified or lenient the sandbox picks the stricter reading:
//!
//! - **Denial.** HubSpot's guide says that when the user declines, *no* request is sent to
//!   `redirect_uri`. The sandbox's "Deny" button instead redirects with the RFC 6749 error
//!   (`?error=access_denied&error_description=The+user+declined+access&state=…`) so that an app can
//!   show it. Apps must work both ways: never wait for a denial callback, and handle an `error`
//!   callback if one comes.
//! - **Token response.** `hub_id` and `scopes` are left out of the token response unless
//!   [`SandboxConfig::token_response_has_hub_id`] is set, so clients must be able to introspect.
//! - **Property values** must be JSON strings (or `null`/`""` to clear) and fit the property's
//!   type: plain decimals for numbers, `true`/`false`, `YYYY-MM-DD` or midnight epoch milliseconds
//!   for dates, ISO 8601 or epoch milliseconds for datetimes, option values (not labels; `;`-separated
//!   for checkbox enumerations). Unknown and read-only (including calculated) properties and bad
//!   values are answered with `400 VALIDATION_ERROR`, listing every problem.
//! - **Scopes.** Reads (GET, search, properties) need `crm.objects.contacts.read`, writes need
//!   `crm.objects.contacts.write`; companies need `crm.objects.companies.read` / `.write` instead,
//!   and associations the write scope of both sides; otherwise `403 MISSING_SCOPES`.
//! - **Companies** are never deduplicated by domain on create, so a client that creates twice is
//!   caught; look companies up by domain through search (which lags).
//! - **Batch upsert** answers a batch with bad inputs with `400` and writes nothing by default;
//!   with [`BatchErrors::MultiStatus207`] it writes the good inputs and answers `207` with `errors`
//!   and `numErrors`. Its results come back in *reverse* input order, because HubSpot does not
//!   promise input order and a client must pair results by email.
//! - **Search** requires `after`, `limit`, `properties` and `sorts` (the spec marks them required),
//!   allows at most 5 filter groups × 6 filters and 200 results a page, and lags writes by
//!   [`SandboxConfig::search_lag`].
//! - **Rate limits** (off by default): a rolling window over authenticated `/crm` calls, *excluding*
//!   search (as HubSpot documents for its ten-secondly limit); search has its own
//!   ([`SandboxConfig::search_rate_limit`], HubSpot's is 5 per second), answered with
//!   `policyName: "SECONDLY"`.
//! - **Batch read** answers in reverse input order (pair results by id) and answers an id merged
//!   away with the record it became, once however many of its ids are asked for.
//! - **Webhook events**: a creation also raises `contact.propertyChange` for each subscribed
//!   property it sets; a merge raises only `contact.merge` (`objectId` = the new id). Events go out
//!   in write order but receivers must not rely on it; a retried batch carries the same
//!   `eventId`s. Company events are not raised.
//! - **Restore** of a contact whose email another live contact took meanwhile is a `409`; a restore
//!   bumps `lastmodifieddate` so that an incremental pull sees the contact again.

mod accounting;
mod association_endpoints;
mod associations;
mod auth;
mod authorize;
mod batch;
mod batch_archive;
mod batch_read;
mod config;
mod consent;
mod contacts;
mod control;
mod env;
mod errors;
mod faults;
mod form;
mod html;
mod ids;
mod json;
mod merge;
mod oauth_token;
mod object_endpoints;
mod object_kind;
mod objects;
mod ordering;
mod page;
mod portal_properties;
mod properties;
mod property_endpoints;
mod property_history;
mod property_registry;
mod rate_limit;
mod record;
mod router;
mod sandbox;
mod search;
mod seed;
mod snapshot;
mod state;
mod tokens;
mod user_actions;
mod user_endpoints;
mod value_formats;
mod webhook_delivery;
mod webhook_signature;
mod webhooks;
mod writes;

pub use authorize::AuthorizeError;
pub use config::{BatchErrors, SANDBOX_APP_ID, SANDBOX_USER_ID, SandboxConfig};
pub use env::{DEFAULT_ADDR, ServeOptions, parse_rate_limit};
pub use faults::{Chaos, Fault};
pub use sandbox::{RunningSandbox, Sandbox};
pub use sandbox_support::env::ConfigError;
pub use snapshot::{RecordedRequest, SandboxAssociation, SandboxMeeting, SandboxObject, TokenEvent, TokenEventKind};
pub use user_actions::UserActionError;
pub use webhooks::{DEFAULT_WEBHOOK_PROPERTIES, WebhookDelivery, WebhookSettings};

/// The HubSpot API release every path uses (`/oauth/{API_VERSION}/…`, `/crm/objects/{API_VERSION}/…`).
pub const API_VERSION: &str = "2026-03";
