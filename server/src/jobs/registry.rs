//! The one list of job kinds the runner knows, and how it runs a stored
//! payload of each: parsed into its type, run in a task of its own.
use super::{Attempt, JobContext, JobError, RunJob};
use anyhow::Context;
use app::ssr::jobs::{
    ApplyHubspotContactEvents, CheckHubspotConnections, DeliverWebhook, ExpireCheckoutHold, HandleStripeEvent, Job,
    PullHubspotContacts, PurgeExpiredData, PushContactToHubspot, ReconcileHubspotContacts, RefundPayment,
    RevokeHubspotToken, SendBookingEmail, SendHubspotAlert, SendPasswordReset, SendWebhookDisabledEmail,
    SyncBookingToHubspot,
};
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

type Run = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;

/// How the runner handles one kind.
#[derive(Clone, Copy)]
pub(super) struct Kind {
    pub run: fn(Arc<JobContext>, String, Attempt) -> Run,
    /// The payload without its secrets, for the row once the job is over.
    pub redact: fn(&str) -> Option<String>,
    pub timeout: Duration,
}

#[derive(Clone)]
pub struct Registry {
    kinds: HashMap<&'static str, Kind>,
}

impl Default for Registry {
    /// Every job kind Slotline runs.
    fn default() -> Self {
        Self { kinds: HashMap::new() }
            .with::<SendBookingEmail>()
            .with::<SyncBookingToHubspot>()
            .with::<SendHubspotAlert>()
            .with::<RevokeHubspotToken>()
            .with::<DeliverWebhook>()
            .with::<SendWebhookDisabledEmail>()
            .with::<SendPasswordReset>()
            .with::<PurgeExpiredData>()
            .with::<CheckHubspotConnections>()
            .with::<PushContactToHubspot>()
            .with::<ApplyHubspotContactEvents>()
            .with::<PullHubspotContacts>()
            .with::<ReconcileHubspotContacts>()
            .with::<ExpireCheckoutHold>()
            .with::<HandleStripeEvent>()
            .with::<RefundPayment>()
    }
}

impl Registry {
    /// Adds a kind (tests add kinds of their own).
    pub fn with<J: RunJob>(mut self) -> Self {
        self.kinds.insert(
            J::KIND,
            Kind {
                run: run::<J>,
                redact: redact::<J>,
                timeout: J::TIMEOUT,
            },
        );
        self
    }

    /// Every kind this server runs.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.kinds.keys().copied().collect()
    }

    pub(super) fn get(&self, kind: &str) -> Option<Kind> {
        self.kinds.get(kind).copied()
    }
}

fn run<J: RunJob>(ctx: Arc<JobContext>, payload: String, attempt: Attempt) -> Run {
    Box::pin(async move {
        let job: J = serde_json::from_str(&payload)
            .context("unreadable payload")
            .map_err(JobError::Permanent)?;
        job.run(&ctx, attempt).await
    })
}

fn redact<J: Job>(payload: &str) -> Option<String> {
    let job: J = serde_json::from_str(payload).ok()?;
    serde_json::to_string(&job.redacted()).ok()
}
