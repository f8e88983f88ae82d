//! # Stripe sandbox
//!
//! A stateful, in-memory stand-in for the parts of Stripe's API that Slotline uses for paid event
//! types, written from `shared/STRIPE.md` alone: it shares no code or types with Slotline's Stripe
//! client, so that a test passing against it says something about the client (a stand-in built
//! from the client's own structs would agree with the client by construction). One account, test
//! mode (`livemode: false`), events rendered for [`API_VERSION`].
//!
//! ## API (Stripe's, under `/v1`)
//! Every call needs `Authorization: Bearer <secret key>` (default [`DEFAULT_SECRET_KEY`]); a
//! missing or wrong key → `401`. POST bodies are `application/x-www-form-urlencoded` with bracket
//! names (`line_items[0][price_data][currency]=usd`, `metadata[booking_id]=…`, `expand[]=…`); a
//! JSON (or any other non-form) body → `400`. GETs read `expand[]` from the query. Answers are
//! Stripe's JSON with a `Request-Id: req_…` header; errors are
//! `{"error":{"type","code"?,"message","param"?}}`:
//! `400 parameter_missing` / `parameter_unknown` (any name the endpoint does not take) /
//! `parameter_invalid_integer` / `parameter_invalid_empty` (`name=` for a required one), `400`
//! without a code for other bad values (with `param`), `401`, `404 resource_missing`
//! (`No such checkout.session: 'cs_…'`), `409 idempotency_key_in_use`, `429 rate_limit`, `500
//! api_error`. Unknown paths and methods → `404` in the same shape. A `Stripe-Version` header is
//! recorded (see `stripeVersions` in the state), never checked.
//!
//! - `POST /v1/checkout/sessions`: `mode=payment`; `line_items[N][price_data][currency]`
//!   (lower-case three letters, one currency for all), `[unit_amount]` (minor units, 0–99999999,
//!   total > 0), `[product_data][name]`, `line_items[N][quantity]` (1–999999), N counting up from 0;
//!   `success_url` (http(s), may contain `{CHECKOUT_SESSION_ID}`); optional `cancel_url`,
//!   `client_reference_id` (≤ 200 chars), `customer_email`, `metadata[…]` and
//!   `payment_intent_data[metadata][…]` (≤ 50 keys of ≤ 40 chars, values ≤ 500 chars), `expires_at`
//!   (unix seconds, 30 min to 24 h after the sandbox clock, inclusive; default 24 h) and
//!   `expand[]`. → `200 {"id":"cs_test_…","object":"checkout.session","amount_subtotal",
//!   "amount_total","cancel_url","client_reference_id","created","currency","customer_details":null,
//!   "customer_email","expires_at","livemode":false,"metadata":{…},"mode":"payment",
//!   "payment_intent":null,"payment_method_types":["card"],"payment_status":"unpaid",
//!   "status":"open","success_url","url":"<origin>/checkout/cs_test_…"}`. Once paid: `status:
//!   "complete"`, `payment_status: "paid"`, `payment_intent: "pi_…"`, `customer_details: {"email",
//!   "name":null}`, `url: null`; once expired: `status: "expired"`, `url: null`.
//! - `GET /v1/checkout/sessions/{id}` (`?expand[]=payment_intent` inlines the PaymentIntent when
//!   set, `expand[]=payment_intent.latest_charge` its charge too; other paths → `400`).
//! - `POST /v1/checkout/sessions/{id}/expire` (no parameters but `expand[]`): open → `200` with the
//!   session expired and `checkout.session.expired` raised; complete or already expired → `400`
//!   (`Only Checkout Sessions with a status in ["open"] can be expired…`, no code).
//! - `GET /v1/payment_intents/{id}` (`?expand[]=latest_charge`) → `{"id":"pi_…","object":
//!   "payment_intent","amount","amount_received","capture_method":"automatic","created","currency",
//!   "customer":null,"description":null,"latest_charge":"ch_…","livemode":false,"metadata":{…from
//!   payment_intent_data[metadata]},"payment_method_types":["card"],"status":"succeeded"}`.
//! - `GET /v1/charges/{id}` → `{"id":"ch_…","object":"charge","amount","amount_captured",
//!   "amount_refunded","billing_details":{"email","name":null},"captured":true,"created","currency",
//!   "livemode":false,"metadata":{},"paid":true,"payment_intent":"pi_…","payment_method_details":
//!   {"type":"card","card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2034,
//!   "funding":"credit","country":"US"}},"refunded","status":"succeeded"}`.
//! - `POST /v1/refunds`: `payment_intent` (or `charge`), optional `amount` (default: what is left),
//!   `metadata[…]`, `reason` (`duplicate`|`fraudulent`|`requested_by_customer`) → `200 {"id":"re_…",
//!   "object":"refund","amount","charge","created","currency","failure_reason":null,"metadata",
//!   "payment_intent","reason","status":"succeeded"|"pending"|"failed"}`. Unknown ids → `404`;
//!   `amount` ≤ 0 or more than is left → `400` (`param: "amount"`, no code); nothing left → `400
//!   charge_already_refunded`. Succeeded and pending refunds add to the charge's `amount_refunded`
//!   (`refunded` once it reaches `amount`).
//! - `GET /v1/refunds/{id}`.
//!
//! **Idempotency** (POSTs with `Idempotency-Key`, ≤ 255 chars): the same key with the same path
//! and decoded parameters (in any order; `expand[]` order counts) within 24 h (sandbox clock)
//! replays the saved answer — status, body, `Request-Id` — with `Idempotent-Replayed: true`, even a
//! `500` and even if the object changed since; other parameters or path → `400`
//! (`type: "idempotency_error"`); a repeat while the first still runs → `409`
//! (`code: "idempotency_key_in_use"`). Answers with a 4xx other than `402` (validation, `404`,
//! `429`) are not saved: the key stays free. Without a key nothing is deduplicated.
//!
//! **Hosted checkout** (`url`): `GET /checkout/{id}` is an accessible page (`<h1>Pay for
//! {product}</h1>`, line items, total in `data-testid="stripe-amount"`, e.g. `$25.00`/`€9.50`, a
//! "Pay {amount}" button `data-testid="stripe-pay"` and, with a `cancel_url`, a "Cancel" button
//! `data-testid="stripe-cancel"`); a paid session shows "Payment complete"
//! (`data-testid="stripe-complete"`), an expired one "Checkout expired"
//! (`data-testid="stripe-expired"`), an unknown one a `404` page. "Pay" (`POST
//! /checkout/{id}/pay`) creates a succeeded PaymentIntent and a Visa ·4242 Charge, completes the
//! session, raises `checkout.session.completed` and redirects `303` to `success_url` with
//! `{CHECKOUT_SESSION_ID}` replaced (a second "Pay" redirects there again; an expired session →
//! `410` page). "Cancel" (`POST /checkout/{id}/cancel`) redirects `303` to `cancel_url`; the session
//! stays open (on a paid or expired session it redirects back to the page, which says so).
//!
//! **Expiry**: open sessions whose `expires_at` has passed on the sandbox clock expire (raising
//! `checkout.session.expired`, `request.id: null`) when the clock is advanced, before any read or
//! payment, and within 50 ms as real time passes.
//!
//! **Webhooks** (off until a URL is set): events `{"id":"evt_…","object":"event","api_version":
//! API_VERSION,"created","data":{"object":{…the object when raised},"previous_attributes"?},
//! "livemode":false,"pending_webhooks":1 (0 on a redelivery of a delivered event),"request":{"id":
//! "req_…"|null,"idempotency_key":…|null},"type"}` — `checkout.session.completed`,
//! `checkout.session.expired`, `refund.created`, `charge.refunded` (succeeded and pending refunds),
//! `refund.failed`, `refund.updated` (settling a pending refund; `previous_attributes.status`) —
//! POSTed as JSON with `Stripe-Signature: t=<real unix seconds>,v1=<hex HMAC-SHA256 of
//! "{t}.{body}" keyed by the whole whsec_… secret>`, each event on its own within ~50 ms, retried
//! after 0.1, 0.2 and 0.4 s on a non-2xx or no answer within 2 s (4 attempts, each recorded). Events
//! are kept even without a URL (`delivery: "no_endpoint"`). See [`Sandbox::set_webhook`],
//! [`Sandbox::redeliver`], [`Sandbox::hold_events`].
//!
//! Used three ways: as a library by Slotline's Rust integration tests ([`Sandbox::spawn`]), as a
//! binary (`stripe-sandbox`, see [`ServeOptions::from_env`]: `STRIPE_SANDBOX_ADDR`,
//! `STRIPE_SANDBOX_SECRET_KEY`, `STRIPE_SANDBOX_PUBLIC_URL`, `STRIPE_SANDBOX_WEBHOOK_URL`,
//! `STRIPE_SANDBOX_WEBHOOK_SECRET`) by `make run` and the Playwright tests, and embedded in
//! another axum app through [`Sandbox::router`].
//!
//! ## In a Rust test
//! ```no_run
//! use std::time::Duration;
//! use stripe_sandbox::{Fault, Sandbox, SandboxConfig};
//! # async fn example() {
//! let stripe = Sandbox::spawn(SandboxConfig {
//!     webhook_url: Some("http://127.0.0.1:3000/integrations/stripe/webhook".to_owned()),
//!     ..SandboxConfig::default()
//! })
//! .await;
//! // Give the app SLOTLINE_STRIPE_API_BASE = stripe.base_url, the key stripe.config().secret_key
//! // and the signing secret stripe.config().webhook_secret; let it create a Checkout Session, then:
//! let session = stripe.sessions().pop().expect("the app created a session");
//! let redirect = stripe.pay(&session.id).expect("open"); // success_url, id filled in
//! stripe.push_fault(Fault::RefundFailed, 1);
//! stripe.advance_clock(Duration::from_secs(3600));
//! let completed = stripe.events_of_type("checkout.session.completed");
//! stripe.redeliver(&completed[0].id).expect("delivered twice");
//! # let _ = redirect;
//! # }
//! ```
//!
//! ## Control endpoints (not Stripe's; no auth; for Playwright and humans)
//! - `GET /` (also `/_sandbox`): read-only HTML page "Stripe sandbox" with captioned tables of
//!   sessions (`data-testid="session-row"`), payments (`payment-row`), refunds (`refund-row`), events
//!   newest first (`event-row`) and the last 200 API requests (`request-row`).
//! - `GET /_sandbox/state` → `{"now","sessions":[…Stripe JSON],"paymentIntents":[…],"charges":[…],
//!   "refunds":[…],"events":[{"id","type","created","objectId","delivery":"no_endpoint"|"held"|
//!   "pending"|"delivered"|"failed","attempts":[{"at","url","signedAt","redelivery","status",
//!   "error"}],"event":{…as sent}}],"requests":n,"recentRequests":[{"at","method","path","status",
//!   "idempotencyKey","stripeVersion","replayed"}],"stripeVersions":[…],"pendingFaults":n,
//!   "webhooks":{"url","held"}}`.
//! - `POST /_sandbox/reset` → `204`: everything emptied, clock back to real time, webhook settings
//!   as configured; deliveries still retrying stop.
//! - `POST /_sandbox/webhooks {"url":"…"|null,"secret"?}` → `204` (no `url` turns delivery off, no
//!   `secret` keeps the configured one).
//! - `POST /_sandbox/checkout/sessions/{id}/pay` → `200 {"redirectUrl","session"}`;
//!   `POST /_sandbox/checkout/sessions/{id}/cancel` → `200 {"redirectUrl":cancel_url|null}`;
//!   unknown → `404`, paid or expired → `409` `{"message"}`.
//! - `POST /_sandbox/events/{id}/redeliver {"signedSecondsAgo"?:N,"secret"?:"…"}` (body optional)
//!   → `204`: the same event (id and body) again to the current URL, optionally signed as if `N` s
//!   ago or with another secret; `404` unknown, `409` no URL.
//! - `POST /_sandbox/events/hold` → `204`: later events are recorded, not sent;
//!   `POST /_sandbox/events/release {"order":"created"|"reverse"}` → `204` sends them. Redelivering
//!   a held event sends it alone, so any order can be produced.
//! - `POST /_sandbox/faults {"kind","count"?:1,"delayMs"?:2000}` → `204`: `500`, `429`, `slow`
//!   (the next API calls) and `refund_500`, `refund_failure`, `refund_pending` (the next valid
//!   refund creations); see [`Fault`].
//! - `POST /_sandbox/refunds/{id}/settle {"status":"succeeded"|"failed"}` → `200` refund.
//! - `POST /_sandbox/advance-clock {"seconds":N}` → `204`.
//!
//! ## Where the sandbox is stricter or more explicit than Stripe (or STRIPE.md is silent)
//! - Only `Authorization: Bearer` counts (Stripe also takes the key as a Basic-auth user name).
//! - Parameters it does not implement (`line_items[N][price]`, `payment_intent_data[description]`,
//!   …) are refused as `parameter_unknown`, and any parameter sent twice without `[]` → `400`.
//! - Currencies must already be lower case; `expires_at` bounds are exact whole seconds against the
//!   sandbox clock (ask for 31 minutes, not exactly 30).
//! - Only the event types above are raised (no `payment_intent.*` or `charge.succeeded`), as if the
//!   endpoint subscribed to just those. Signatures carry one `v1` and use real time, so an
//!   advanced sandbox clock never makes them stale.
//! - Refund failure is synchronous (`status: "failed"` at once, `refund.created` then
//!   `refund.failed`) under `refund_failure`; `refund_pending` refunds stay pending until settled.

mod auth;
mod checkout;
mod config;
mod control;
mod env;
mod errors;
mod events;
mod expand;
mod faults;
mod hosted_page;
mod html;
mod idempotency;
mod ids;
mod money;
mod page;
mod params;
mod payment;
mod payment_endpoints;
mod record;
mod refund;
mod refund_endpoints;
mod refunding;
mod router;
mod sandbox;
mod session;
mod session_endpoints;
mod session_params;
mod signature;
mod state;
mod webhook_delivery;

pub use checkout::CheckoutError;
pub use config::{DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, SandboxConfig};
pub use env::{DEFAULT_ADDR, ServeOptions};
pub use events::{DeliveryAttempt, DeliveryStatus, Event, RedeliverError, ReleaseOrder, Signing, WebhookSettings};
pub use faults::Fault;
pub use payment::{CARD_BRAND, CARD_LAST4, Charge, PaymentIntent};
pub use record::RecordedRequest;
pub use refund::{Refund, RefundStatus};
pub use refunding::SettleError;
pub use sandbox::{RunningSandbox, Sandbox};
pub use sandbox_support::env::ConfigError;
pub use session::{CheckoutSession, LineItem, SessionStatus};

/// The Stripe API release the sandbox answers as (STRIPE.md's), named in every event's
/// `api_version`.
pub const API_VERSION: &str = "2026-07-29.dahlia";
