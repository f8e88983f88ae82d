//! Outgoing webhooks: signing and sending deliveries.
pub mod client;
pub mod signature;

pub use client::{Sent, WebhookClient};
