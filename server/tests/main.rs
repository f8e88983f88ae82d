//! Integration tests: the real server on a random port against a fresh
//! database — SQLite always, PostgreSQL when `SLOTLINE_TEST_POSTGRES_URL`'s
//! server answers (see `helpers`).
mod access;
mod agent_api;
mod api;
mod auth;
mod availability;
mod booking_limits;
mod bookings;
mod contact_sync;
mod database;
mod email_delivery;
mod helpers;
mod hubspot_connect;
mod hubspot_mapping;
mod hubspot_sync;
mod jobs;
mod mcp;
mod metrics;
mod migration;
mod outbound;
mod passwords;
mod payments;
mod process_restart;
mod processes;
mod questions;
mod queue;
mod retention;
mod secret_rotation;
mod secrets_in_logs;
mod security;
mod support;
mod webhooks;
