//! Everything only the server runs: state, database entities, services and
//! the job queue. Server functions call into this; pages never do.
pub mod access;
pub mod auth;
pub mod context;
pub mod crypto;
pub mod db;
pub mod entities;
pub mod free_email;
pub mod ids;
pub mod jobs;
pub mod metrics;
pub mod outbox;
pub mod phone;
pub mod services;
pub mod time_fmt;

pub use context::{AppConfig, AppState};

/// Tells the job workers that a committed transaction enqueued work.
pub fn jobs_ready(state: &AppState) {
    state.jobs_ready.notify();
}
