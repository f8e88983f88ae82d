//! Shared server state, handed to server functions through Leptos context
//! and to axum handlers as router state.
use crate::error::AppError;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Absolute base of links in emails and redirects, without a trailing slash.
    pub public_url: String,
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
