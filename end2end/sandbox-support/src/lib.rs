//! # Sandbox support
//!
//! Shared plumbing for Slotline's test-double crates, `hubspot-sandbox` and `stripe-sandbox`: what
//! any stand-in for a third-party API needs and neither service defines. Nothing here knows HubSpot
//! or Stripe; each sandbox keeps its own API, state and pages and builds them from these parts:
//!
//! - [`serve`]: the binary's serve loop (logging, bind, graceful stop on Ctrl-C or SIGTERM) and a
//!   sandbox served on a free local port for tests.
//! - [`env`](mod@env): reading `*_SANDBOX_*` environment variables, with errors that name the variable.
//! - [`html`]: escaping, the page shell and captioned tables.
//! - [`state`]: the clock tests move, the request log and a lock that survives a panicking test.
//! - [`delivery`]: the skeleton of a webhook delivery task.
//! - [`http`]: bearer credentials and http(s) URLs.

pub mod delivery;
pub mod env;
pub mod html;
pub mod http;
pub mod serve;
pub mod state;
