//! Integration tests: a real sandbox on a free port, driven over HTTP with reqwest, one file per area.

mod associations;
mod companies;
mod contacts;
mod control;
mod faults;
mod helpers;
mod meetings;
mod oauth;
mod properties;
mod rate_limit;
mod search;
