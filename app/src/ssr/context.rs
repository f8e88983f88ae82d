//! Shared server state, handed to server functions through Leptos context
//! and to axum handlers as router state.
use crate::error::AppError;
use crate::ssr::access::{AccessGuards, ClientIp};
use crate::ssr::crypto::SecretBox;
use crate::ssr::jobs::JobsReady;
use crate::ssr::services::hubspot::mappings::PropertySource;
use crate::ssr::services::payments::PaymentGateway;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Absolute base of links in emails and redirects, without a trailing slash.
    pub public_url: String,
    /// HubSpot app credentials are set, so teams can connect.
    pub hubspot_configured: bool,
    /// `SLOTLINE_WEBHOOK_ALLOW_PRIVATE=1`: webhooks may target loopback and
    /// private addresses.
    pub webhook_allow_private: bool,
    /// `SLOTLINE_OPERATOR_EMAILS`, lowercased: the people who run this
    /// server and alone set teams' plans until billing exists.
    pub operator_emails: Vec<String>,
}

impl AppConfig {
    pub fn is_operator(&self, email: &str) -> bool {
        let email = email.trim().to_lowercase();
        self.operator_emails.contains(&email)
    }

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
    pub jobs_ready: Arc<JobsReady>,
    /// Limits on log-in and sign-up attempts.
    pub access: Arc<AccessGuards>,
    /// HubSpot's property lists, when HubSpot is configured.
    pub hubspot_properties: Option<Arc<dyn PropertySource>>,
    /// Stripe, for the calls made while a person waits.
    pub payments: Arc<dyn PaymentGateway>,
}

/// The state a server function runs with.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The client of the request being served, as the server's edge put it in
/// the request; unspecified where there is none (a test calling directly).
pub fn client_ip() -> ClientIp {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientIp>().copied())
        .unwrap_or(ClientIp(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)))
}
