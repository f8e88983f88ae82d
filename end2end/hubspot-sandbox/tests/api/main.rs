//! Integration tests: a real sandbox on a free port, driven over HTTP with reqwest, one file per area.

mod accounting;
mod archive;
mod associations;
mod batch_read;
mod companies;
mod contacts;
mod control;
mod faults;
mod helpers;
mod meetings;
mod merge;
mod oauth;
mod properties;
mod rate_limit;
mod search;
mod search_ranges;
mod user_actions;
mod webhooks;
