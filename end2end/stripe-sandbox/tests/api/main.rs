//! Integration tests: a real sandbox on a free port, driven over HTTP with reqwest, one file per area.

mod auth;
mod control;
mod expiry;
mod form_encoding;
mod helpers;
mod hosted_page;
mod idempotency;
mod receiver;
mod refunds;
mod sessions;
mod webhooks;
