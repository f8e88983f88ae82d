#![recursion_limit = "512"]
//! Slotline's server: configuration, HTTP, the job runner and email.
//! `main.rs` only wires these together; tests build the same
//! [`startup::Application`] on a random port.
pub mod admin;
pub mod agent;
pub mod api;
pub mod config;
pub mod email;
pub mod http;
pub mod integrations;
pub mod jobs;
pub mod mcp;
pub mod monitoring;
pub mod shared_limits;
pub mod startup;
pub mod telemetry;
pub mod webhooks;
