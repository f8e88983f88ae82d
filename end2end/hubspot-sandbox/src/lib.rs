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
//!   upsert by email, read, update, search), companies (create, read, update, search) and meetings
//!   (create, read, update, search); creates may carry HUBSPOT_DEFINED associations, reads take
//!   `?associations=contacts,companies,meetings`.
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
//! ## Control endpoints (not HubSpot's; for Playwright and humans)
//! - `GET /` (also `/_sandbox`): read-only HTML page "HubSpot sandbox" with captioned tables of
//!   contacts with their companies (`data-testid="contact-row"`), companies (`company-row`),
//!   meetings (`meeting-row`), token events (`token-event-row`), revocations (`revocation-row`) and
//!   the last 200 requests (`request-row`).
//! - `GET /_sandbox/state`: `{"contacts":[…],"companies":[…],"meetings":[{…,"contactIds":[…]}],
//!   "associations":[{"fromType","fromId","toType","toId","typeIds":[…]}],"batchErrors":"400"|"207",
//!   "revocations":[…],"tokenEvents":[…],"rateLimited":n,"requests":n,"pendingFaults":n}`.
//! - `POST /_sandbox/faults` `{"kind":"429"|"500"|"500_after_write"|"slow"|"401","count":N,
//!   "retryAfter":secs?,"delayMs":ms?}` → `204` (`count` defaults to 1, `delayMs` to 2000).
//! - `POST /_sandbox/chaos` `{"rate":0.3,"seed":7?,"kinds":["429","500",…]?,"delayMs":ms?}`;
//!   `{"rate":0}` turns it off → `204`.
//! - `POST /_sandbox/batch-errors` `{"mode":"400"|"207"}` → `204`: see [`BatchErrors`].
//! - `POST /_sandbox/revoke-refresh-tokens`, `POST /_sandbox/expire-access-tokens`,
//!   `POST /_sandbox/advance-clock` `{"seconds":N}`, `POST /_sandbox/reset` → `204`.
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
//! - **Rate limit** (off by default): a rolling window over authenticated `/crm` calls, *excluding*
//!   search (as HubSpot documents for its ten-secondly limit); search itself is not limited.

mod association_endpoints;
mod associations;
mod auth;
mod authorize;
mod batch;
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
mod oauth_token;
mod object_endpoints;
mod object_kind;
mod objects;
mod page;
mod portal_properties;
mod properties;
mod property_endpoints;
mod property_registry;
mod rate_limit;
mod record;
mod router;
mod sandbox;
mod search;
mod snapshot;
mod state;
mod tokens;
mod value_formats;

pub use authorize::AuthorizeError;
pub use config::{BatchErrors, SANDBOX_APP_ID, SANDBOX_USER_ID, SandboxConfig};
pub use env::{ConfigError, DEFAULT_ADDR, ServeOptions, parse_rate_limit};
pub use faults::{Chaos, Fault};
pub use sandbox::{RunningSandbox, Sandbox};
pub use snapshot::{RecordedRequest, SandboxAssociation, SandboxMeeting, SandboxObject, TokenEvent, TokenEventKind};

/// The HubSpot API release every path uses (`/oauth/{API_VERSION}/…`, `/crm/objects/{API_VERSION}/…`).
pub const API_VERSION: &str = "2026-03";
