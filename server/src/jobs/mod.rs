//! The durable job queue's runner: claims due jobs from the `jobs` table,
//! runs them, and records the outcome with retries.
//!
//! Hand-written because no maintained crate queues on a SeaORM connection
//! with enqueue inside the caller's transaction (apalis and underway speak
//! sqlx pools of their own). It stays small: a claim is a conditional
//! UPDATE guarded by a lease, so a job whose worker died is claimed again
//! once its lease runs out; on PostgreSQL the candidate row is read with
//! `FOR UPDATE SKIP LOCKED` so several server processes share one queue.
pub mod backoff;
mod deliver_webhook;
mod revoke_hubspot_token;
mod send_booking_email;
mod send_hubspot_alert;
mod send_webhook_disabled_email;

use crate::email::Mailer;
use crate::integrations::hubspot::{HubspotApi, HubspotOAuth, sync};
use crate::webhooks::WebhookClient;
use app::ssr::crypto::SecretBox;
use app::ssr::entities::job;
use app::ssr::jobs::Job;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::sync::Arc;
use tokio::sync::{Notify, watch};

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
    pub hubspot_search_lag: std::time::Duration,
    pub webhooks: WebhookClient,
    /// The first retry of a failed webhook delivery; later ones triple it.
    pub webhook_first_retry: std::time::Duration,
}

#[derive(Clone)]
pub struct JobRunner {
    ctx: Arc<JobContext>,
    worker_id: String,
    lease: Duration,
    ready: Arc<Notify>,
}

/// A failure that retrying cannot fix: the job is failed at once.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Permanent(pub String);

/// A failure whose retry should wait this long (HubSpot's `Retry-After`).
#[derive(Debug, thiserror::Error)]
#[error("{1} (retrying in {secs}s)", secs = .0.num_seconds())]
pub struct RetryAfter(pub Duration, pub String);

/// Which run of its job this is.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    pub number: i32,
    /// No retry follows if this one fails.
    pub last: bool,
}

/// How one run of a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Retry,
    Failed,
}

impl JobRunner {
    pub fn new(ctx: JobContext, ready: Arc<Notify>, lease: Duration) -> Self {
        Self {
            ctx: Arc::new(ctx),
            worker_id: format!("{}-{}", std::process::id(), app::ssr::ids::new_id()),
            lease,
            ready,
        }
    }

    fn lease_free(now: DateTime<Utc>) -> Condition {
        Condition::any()
            .add(job::Column::LockedUntil.is_null())
            .add(job::Column::LockedUntil.lt(now))
    }

    /// A job waits while an older unfinished job shares its ordering key.
    fn first_of_its_key() -> sea_orm::sea_query::SimpleExpr {
        Expr::cust(
            "NOT EXISTS (SELECT 1 FROM jobs AS prior WHERE prior.ordering_key = jobs.ordering_key \
             AND prior.status = 'pending' AND prior.created_at < jobs.created_at)",
        )
    }

    async fn try_claim(
        &self,
        conn: &impl ConnectionTrait,
        skip_locked: bool,
    ) -> Result<Option<job::Model>, sea_orm::DbErr> {
        let now = Utc::now();
        let mut candidate = job::Entity::find()
            .filter(job::Column::Status.eq(job::PENDING))
            .filter(job::Column::RunAt.lte(now))
            .filter(Self::lease_free(now))
            .filter(Self::first_of_its_key())
            .order_by_asc(job::Column::RunAt)
            .limit(1);
        if skip_locked {
            candidate = candidate.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(found) = candidate.one(conn).await? else {
            return Ok(None);
        };
        let locked_until = now + self.lease;
        let claimed = job::Entity::update_many()
            .col_expr(job::Column::LockedBy, Expr::value(self.worker_id.clone()))
            .col_expr(job::Column::LockedUntil, Expr::value(locked_until))
            .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(&found.id))
            .filter(job::Column::Status.eq(job::PENDING))
            .filter(Self::lease_free(now))
            .exec(conn)
            .await?;
        Ok((claimed.rows_affected == 1).then(|| job::Model {
            attempts: found.attempts + 1,
            locked_by: Some(self.worker_id.clone()),
            locked_until: Some(locked_until),
            ..found
        }))
    }

    /// Takes the next due job, if any, for this worker.
    pub async fn claim(&self) -> Result<Option<job::Model>, sea_orm::DbErr> {
        let db = &self.ctx.db;
        if db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = app::ssr::db::write_transaction(db).await?;
            let claimed = self.try_claim(&txn, true).await?;
            txn.commit().await?;
            Ok(claimed)
        } else {
            // One conditional UPDATE is atomic on SQLite; a read-then-write
            // transaction would only add lock upgrades that fail when busy.
            self.try_claim(db, false).await
        }
    }

    /// Runs a claimed job and records how it went.
    #[tracing::instrument(skip_all, fields(job.id = %claimed.id, job.kind = %claimed.kind, job.attempt = claimed.attempts))]
    pub async fn execute(&self, claimed: job::Model) -> Result<Outcome, sea_orm::DbErr> {
        let parsed: Result<Job, _> = serde_json::from_str(&claimed.payload);
        let result = match &parsed {
            Ok(job) => self.dispatch(job, &claimed).await,
            Err(e) => Err(anyhow::anyhow!("unreadable payload: {e}")),
        };
        let now = Utc::now();
        let redacted = parsed
            .as_ref()
            .ok()
            .and_then(|j| serde_json::to_string(&j.redacted()).ok());
        let (outcome, status, run_at, error) = match result {
            Ok(()) => (Outcome::Done, job::DONE, claimed.run_at, None),
            Err(e)
                if parsed.is_ok()
                    && claimed.attempts < claimed.max_attempts
                    && e.downcast_ref::<Permanent>().is_none() =>
            {
                let delay = e
                    .downcast_ref::<RetryAfter>()
                    .map(|r| r.0)
                    .unwrap_or_else(|| backoff::delay(claimed.attempts as u32));
                tracing::warn!(
                    error = format!("{e:#}"),
                    retry_in_s = delay.num_seconds(),
                    "job failed; will retry"
                );
                (Outcome::Retry, job::PENDING, now + delay, Some(format!("{e:#}")))
            }
            Err(e) => {
                tracing::error!(error = format!("{e:#}"), "job failed for good");
                (Outcome::Failed, job::FAILED, claimed.run_at, Some(format!("{e:#}")))
            }
        };
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(status))
            .col_expr(job::Column::RunAt, Expr::value(run_at))
            .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(job::Column::UpdatedAt, Expr::value(now));
        if let Some(error) = error {
            update = update.col_expr(
                job::Column::LastError,
                Expr::value(error.chars().take(2_000).collect::<String>()),
            );
        }
        if outcome != Outcome::Retry
            && let Some(payload) = redacted
        {
            update = update.col_expr(job::Column::Payload, Expr::value(payload));
        }
        update
            .filter(job::Column::Id.eq(&claimed.id))
            .filter(job::Column::LockedBy.eq(&self.worker_id))
            .exec(&self.ctx.db)
            .await?;
        Ok(outcome)
    }

    async fn dispatch(&self, job: &Job, claimed: &job::Model) -> anyhow::Result<()> {
        let run = Attempt {
            number: claimed.attempts,
            last: claimed.attempts >= claimed.max_attempts,
        };
        match job {
            Job::SendBookingEmail {
                booking_id,
                notice,
                recipient,
                manage_token_sealed,
            } => {
                send_booking_email::run(
                    &self.ctx,
                    booking_id,
                    *notice,
                    *recipient,
                    manage_token_sealed.as_deref(),
                )
                .await
            }
            Job::SyncBookingToHubspot {
                team_id,
                booking_id,
                action,
            } => sync::run(&self.ctx, team_id, booking_id, *action, run).await,
            Job::SendHubspotAlert { team_id, problem } => send_hubspot_alert::run(&self.ctx, team_id, problem).await,
            Job::RevokeHubspotToken { refresh_token_sealed } => {
                revoke_hubspot_token::run(&self.ctx, refresh_token_sealed).await
            }
            Job::DeliverWebhook { delivery_id } => deliver_webhook::run(&self.ctx, delivery_id, run).await,
            Job::SendWebhookDisabledEmail { webhook_id } => {
                send_webhook_disabled_email::run(&self.ctx, webhook_id).await
            }
        }
    }

    /// Claims and runs one job; false when none was due.
    pub async fn run_one(&self) -> Result<bool, sea_orm::DbErr> {
        match self.claim().await? {
            Some(claimed) => {
                self.execute(claimed).await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Runs due jobs until none is left; returns how many ran. Tests use it
    /// to drain the queue deterministically.
    pub async fn run_until_idle(&self) -> Result<usize, sea_orm::DbErr> {
        let mut count = 0;
        while self.run_one().await? {
            count += 1;
        }
        Ok(count)
    }

    /// Starts `workers` loops that run jobs until `stop` turns true.
    pub fn spawn_workers(&self, workers: usize, stop: watch::Receiver<bool>) -> Vec<tokio::task::JoinHandle<()>> {
        (0..workers)
            .map(|_| {
                let runner = self.clone();
                let mut stop = stop.clone();
                tokio::spawn(async move {
                    while !*stop.borrow() {
                        match runner.run_one().await {
                            Ok(true) => continue,
                            Ok(false) => {}
                            Err(error) => tracing::error!(error = %error, "job queue unavailable"),
                        }
                        tokio::select! {
                            () = runner.ready.notified() => {}
                            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                            _ = stop.changed() => {}
                        }
                    }
                })
            })
            .collect()
    }
}
