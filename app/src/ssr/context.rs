//! Shared server state, handed to server functions through Leptos context
//! and to axum handlers as router state.
use crate::error::AppError;
use crate::ssr::crypto::SecretBox;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Absolute base of links in emails and redirects, without a trailing slash.
    pub public_url: String,
    /// HubSpot app credentials are set, so teams can connect.
    pub hubspot_configured: bool,
    /// `SLOTLINE_WEBHOOK_ALLOW_PRIVATE=1`: webhooks may target loopback and
    /// private addresses.
    pub webhook_allow_private: bool,
}

impl AppConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<AppConfig>,
    /// Seals secrets stored in the database (OAuth tokens).
    pub secrets: SecretBox,
    /// Woken after a transaction enqueued jobs, so workers start at once.
    pub jobs_ready: Arc<Notify>,
}

/// The state a server function runs with.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
