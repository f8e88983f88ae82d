//! Background jobs, the way crates.io runs them: each kind is a payload type
//! (`app::ssr::jobs`) whose [`RunJob::run`] lives in a file of its own
//! here, registered in [`registry`]; [`runner`] claims, runs and records
//! them. Adding a job is its payload, its file and one registry line.
mod apply_hubspot_contact_events;
pub mod backoff;
mod check_hubspot_connections;
mod contact_sync_steps;
mod dead;
mod deliver_webhook;
mod expire_checkout_hold;
mod handle_stripe_event;
mod hubspot_session;
mod pull_hubspot_contacts;
mod purge_expired_data;
mod push_contact_to_hubspot;
mod reconcile_hubspot_contacts;
mod refund_payment;
mod registry;
mod revoke_hubspot_token;
mod runner;
mod send_booking_email;
mod send_hubspot_alert;
mod send_password_reset;
mod send_webhook_disabled_email;
mod stripe_access;
mod sync_booking_to_hubspot;

pub use dead::{DeadJob, dead_jobs, dismiss_dead, retry_dead};
pub use registry::Registry;
pub use runner::{JobRunner, Outcome};

use crate::email::Mailer;
use crate::integrations::hubspot::{HubspotApi, HubspotOAuth};
use crate::integrations::stripe::StripeClient;
use crate::webhooks::WebhookClient;
use app::ssr::crypto::SecretBox;
use app::ssr::jobs::Job;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// What jobs need to do their work.
pub struct JobContext {
    pub db: DatabaseConnection,
    pub mailer: Mailer,
    pub public_url: String,
    pub secrets: SecretBox,
    pub hubspot: Option<Arc<HubspotOAuth>>,
    /// HubSpot's CRM API, paced per portal.
    pub hubspot_api: Option<Arc<HubspotApi>>,
    /// How long HubSpot's search takes to show a new object.
    pub hubspot_search_lag: Duration,
    pub webhooks: WebhookClient,
    /// The first retry of a failed webhook delivery; later ones triple it.
    pub webhook_first_retry: Duration,
    /// Stripe's API; each call takes the team's key.
    pub stripe: StripeClient,
    /// How long finished jobs, events, deliveries and the sync log are kept.
    pub retention: chrono::Duration,
}

/// How a job kind does its work.
pub trait RunJob: Job {
    /// A run still going after this long is stopped and counts as failed.
    const TIMEOUT: Duration = Duration::from_secs(120);

    fn run(&self, ctx: &JobContext, attempt: Attempt) -> impl Future<Output = Result<(), JobError>> + Send;
}

/// Which run of its job this is.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    pub number: i32,
    /// No retry follows if this one fails.
    pub last: bool,
}

/// Why a run failed, and so what happens next; the cause is kept.
#[derive(Debug)]
pub enum JobError {
    /// Retried after the queue's back-off.
    Retry(anyhow::Error),
    /// Retried after this long (HubSpot's `Retry-After`, the webhook schedule).
    RetryAfter(Duration, anyhow::Error),
    /// Retrying cannot help: the job is dead at once.
    Permanent(anyhow::Error),
}

impl JobError {
    pub fn permanent(cause: impl Into<anyhow::Error>) -> Self {
        Self::Permanent(cause.into())
    }

    pub fn retry_after(wait: Duration, cause: impl Into<anyhow::Error>) -> Self {
        Self::RetryAfter(wait, cause.into())
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Retry(cause) | Self::Permanent(cause) => write!(f, "{cause:#}"),
            Self::RetryAfter(wait, cause) => write!(f, "{cause:#} (retrying in {}s)", wait.as_secs()),
        }
    }
}

// Not `std::error::Error`, like `anyhow::Error`: a job's `?` turns any cause
// into a retry, and `JobError` itself is never wrapped again.
impl From<anyhow::Error> for JobError {
    fn from(cause: anyhow::Error) -> Self {
        Self::Retry(cause)
    }
}

impl From<app::error::AppError> for JobError {
    fn from(cause: app::error::AppError) -> Self {
        Self::Retry(cause.into())
    }
}

impl From<app::ssr::services::bookings::BookingError> for JobError {
    fn from(cause: app::ssr::services::bookings::BookingError) -> Self {
        Self::Retry(cause.into())
    }
}

impl From<sea_orm::DbErr> for JobError {
    fn from(cause: sea_orm::DbErr) -> Self {
        Self::Retry(cause.into())
    }
}
