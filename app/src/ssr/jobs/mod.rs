//! Background jobs as types: each kind is a payload struct implementing
//! [`Job`] (its name, attempt limit, ordering and concurrency keys), queued
//! by [`enqueue`] or a [`JobBatch`] inside the caller's transaction, so a
//! job exists exactly when the change it follows committed. The server crate runs them: each
//! kind's `run` is a file under `server/src/jobs/`, registered in one list.
mod kinds;

pub use kinds::{
    ApplyHubspotContactEvents, BookingNotice, CheckHubspotConnections, DeliverWebhook, ExpireCheckoutHold,
    HandleStripeEvent, MergedContacts, NoticeRecipient, PullHubspotContacts, PurgeExpiredData, PushContactToHubspot,
    REFUND_ATTEMPTS, ReconcileHubspotContacts, RefundPayment, RevokeHubspotToken, SendBookingEmail, SendHubspotAlert,
    SendPasswordReset, SendWebhookDisabledEmail, SyncAction, SyncBookingToHubspot, WEBHOOK_ATTEMPTS, contacts_key,
    hubspot_key,
};

use crate::ssr::entities::job;
use crate::ssr::ids::new_id;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Notify;

/// Wakes job workers after a transaction queued jobs: one idle worker of
/// each pool, rather than all of them. A worker that claims a job wakes a
/// peer of its pool in turn, so a pool's workers join in while jobs remain,
/// and a burst of bookings does not send every worker looking at once.
#[derive(Debug, Default)]
pub struct JobsReady {
    pools: [Notify; Queue::ALL.len()],
}

impl JobsReady {
    pub fn notify(&self) {
        for pool in &self.pools {
            pool.notify_one();
        }
    }

    /// What wakes the workers of `queue`'s pool.
    pub fn pool(&self, queue: Queue) -> &Notify {
        match queue {
            Queue::Default => &self.pools[0],
            Queue::Webhooks => &self.pools[1],
        }
    }
}

/// Which pool of workers runs a job: webhook deliveries wait on receivers
/// Slotline does not control, so they never hold up emails or HubSpot sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    Default,
    Webhooks,
}

impl Queue {
    pub const ALL: [Queue; 2] = [Queue::Default, Queue::Webhooks];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => job::QUEUE_DEFAULT,
            Self::Webhooks => job::QUEUE_WEBHOOKS,
        }
    }
}

/// One kind of background job; its payload is the implementing type.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Stored in `jobs.kind`; never renamed once jobs of it may be queued.
    const KIND: &'static str;
    /// Runs before the job is dead (counting runs its process did not survive).
    const MAX_ATTEMPTS: i32;
    const QUEUE: Queue = Queue::Default;

    /// Jobs with the same key run one after another, oldest first.
    fn ordering_key(&self) -> Option<String> {
        None
    }

    /// Jobs with the same key run at most [`job::CONCURRENCY_CAP`] at once,
    /// across every worker and process.
    fn concurrency_key(&self) -> Option<String> {
        None
    }

    /// The payload kept once the job is over: secrets removed.
    fn redacted(self) -> Self {
        self
    }
}

/// Adds a job to the queue on `db`, which should be the transaction of the
/// change that causes it.
pub async fn enqueue<J: Job>(db: &impl ConnectionTrait, job: &J) -> Result<(), DbErr> {
    row(job, new_id(), Utc::now())?.insert(db).await?;
    Ok(())
}

/// Jobs gathered while a change is published, queued together in one
/// statement: a booking's emails, syncs and deliveries cost one round trip.
#[derive(Default)]
pub struct JobBatch(Vec<job::ActiveModel>);

impl JobBatch {
    pub fn push<J: Job>(&mut self, job: &J) -> Result<(), DbErr> {
        self.0.push(row(job, new_id(), Utc::now())?);
        Ok(())
    }

    /// Queues every gathered job on `db`, the transaction of the change.
    pub async fn enqueue(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        if !self.0.is_empty() {
            job::Entity::insert_many(self.0).exec_without_returning(db).await?;
        }
        Ok(())
    }
}

/// Adds a job to the queue on `db` that waits until `run_at`.
pub async fn enqueue_at<J: Job>(db: &impl ConnectionTrait, job: &J, run_at: DateTime<Utc>) -> Result<(), DbErr> {
    row(job, new_id(), run_at)?.insert(db).await?;
    Ok(())
}

/// Queues `job` under the fixed `id` to run at `run_at`, unless a job with
/// that id exists already (queued, run or dead): however many processes
/// schedule it, it runs once. True when this call queued it.
pub async fn schedule_once<J: Job>(
    db: &impl ConnectionTrait,
    job: &J,
    id: String,
    run_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = job::Entity::insert(row(job, id, run_at)?)
        .on_conflict(OnConflict::column(job::Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

fn row<J: Job>(job: &J, id: String, run_at: DateTime<Utc>) -> Result<job::ActiveModel, DbErr> {
    let now = Utc::now();
    let payload = serde_json::to_string(job).map_err(|e| DbErr::Custom(format!("job payload: {e}")))?;
    Ok(job::ActiveModel {
        id: Set(id),
        kind: Set(J::KIND.to_owned()),
        payload: Set(payload),
        status: Set(job::PENDING.to_owned()),
        attempts: Set(0),
        max_attempts: Set(J::MAX_ATTEMPTS),
        run_at: Set(run_at),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        ordering_key: Set(job.ordering_key()),
        queue: Set(J::QUEUE.as_str().to_owned()),
        concurrency_key: Set(job.concurrency_key()),
        created_at: Set(now),
        updated_at: Set(now),
    })
}
