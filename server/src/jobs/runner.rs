//! The durable job queue's runner: claims due jobs from the `jobs` table,
//! runs each in a task of its own under a renewed lease and a time limit,
//! and records the outcome with retries.
//!
//! Hand-written because no maintained crate queues on a SeaORM connection
//! with enqueue inside the caller's transaction (apalis and underway speak
//! sqlx pools of their own). A claim is a conditional UPDATE guarded by a
//! lease, so a job whose worker died is claimed again once its lease runs
//! out; on PostgreSQL the candidate row is read with `FOR UPDATE SKIP
//! LOCKED`, so several server processes share one queue.
use super::registry::{Kind, Registry};
use super::{Attempt, JobContext, JobError, backoff};
use anyhow::anyhow;
use app::ssr::entities::job;
use app::ssr::jobs::{JobsReady, Queue};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LockBehavior, LockType, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, UpdateMany, Value,
};
use std::sync::Arc;
use tokio::sync::watch;
use tokio::time::Instant;

#[derive(Clone)]
pub struct JobRunner {
    ctx: Arc<JobContext>,
    registry: Arc<Registry>,
    worker_id: String,
    lease: Duration,
    ready: Arc<JobsReady>,
}

/// The update that records how a run of a job ended.
struct Finished(UpdateMany<job::Entity>);

/// How one run of a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Retry,
    /// Out of attempts or failed for good: never claimed again unless retried by hand.
    Dead,
}

impl JobRunner {
    pub fn new(ctx: JobContext, ready: Arc<JobsReady>, lease: Duration) -> Self {
        Self::with_registry(ctx, ready, lease, Registry::default())
    }

    pub fn with_registry(ctx: JobContext, ready: Arc<JobsReady>, lease: Duration, registry: Registry) -> Self {
        Self {
            ctx: Arc::new(ctx),
            registry: Arc::new(registry),
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
    fn first_of_its_key() -> SimpleExpr {
        Expr::cust(
            "NOT EXISTS (SELECT 1 FROM jobs AS prior WHERE prior.ordering_key = jobs.ordering_key \
             AND prior.status = 'pending' AND prior.created_at < jobs.created_at)",
        )
    }

    /// A job waits while its concurrency key's cap of jobs is running.
    fn under_its_cap(now: DateTime<Utc>) -> SimpleExpr {
        let running = Alias::new("running");
        let count = Query::select()
            .expr(Func::count(Expr::col((running.clone(), job::Column::Id))))
            .from_as(job::Entity, running.clone())
            .and_where(
                Expr::col((running.clone(), job::Column::ConcurrencyKey))
                    .equals((job::Entity, job::Column::ConcurrencyKey)),
            )
            .and_where(Expr::col((running.clone(), job::Column::Status)).eq(job::PENDING))
            .and_where(Expr::col((running, job::Column::LockedUntil)).gt(now))
            .to_owned();
        Expr::col((job::Entity, job::Column::ConcurrencyKey))
            .is_null()
            .or(SimpleExpr::SubQuery(None, Box::new(count.into())).lt(job::CONCURRENCY_CAP))
    }

    async fn try_claim(
        &self,
        conn: &impl ConnectionTrait,
        skip_locked: bool,
        queue: Option<Queue>,
    ) -> Result<Option<job::Model>, DbErr> {
        // Concurrency keys found at their cap during this claim.
        let mut full: Vec<String> = Vec::new();
        loop {
            let now = Utc::now();
            // Only kinds this server knows: during a rolling upgrade an
            // older process leaves a newer kind to the newer processes.
            let mut candidate = job::Entity::find()
                .filter(job::Column::Kind.is_in(self.registry.kinds()))
                .filter(job::Column::Status.eq(job::PENDING))
                .filter(job::Column::RunAt.lte(now))
                .filter(Self::lease_free(now))
                .filter(Self::first_of_its_key())
                .filter(Self::under_its_cap(now))
                .order_by_asc(job::Column::RunAt)
                .limit(1);
            if let Some(queue) = queue {
                candidate = candidate.filter(job::Column::Queue.eq(queue.as_str()));
            }
            if !full.is_empty() {
                candidate = candidate.filter(
                    Condition::any()
                        .add(job::Column::ConcurrencyKey.is_null())
                        .add(job::Column::ConcurrencyKey.is_not_in(full.clone())),
                );
            }
            if skip_locked {
                candidate = candidate.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
            }
            let Some(found) = candidate.one(conn).await? else {
                return Ok(None);
            };
            if found.attempts >= found.max_attempts {
                // Every run of it so far ended with its process (or was
                // never recorded): running it again could kill this one.
                Self::bury(conn, &found, now).await?;
                continue;
            }
            if let (Some(key), true) = (&found.concurrency_key, skip_locked) {
                // PostgreSQL: claims of one key take turns, so each counts
                // the claims committed before it (SQLite's write lock
                // already serializes the UPDATE below).
                conn.query_one_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtext($1))",
                    [Value::from(key.clone())],
                ))
                .await?;
            }
            let locked_until = now + self.lease;
            let claimed = job::Entity::update_many()
                .col_expr(job::Column::LockedBy, Expr::value(self.worker_id.clone()))
                .col_expr(job::Column::LockedUntil, Expr::value(locked_until))
                .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
                .col_expr(job::Column::UpdatedAt, Expr::value(now))
                .filter(job::Column::Id.eq(&found.id))
                .filter(job::Column::Status.eq(job::PENDING))
                .filter(Self::lease_free(now))
                .filter(Self::under_its_cap(now))
                .exec(conn)
                .await?;
            if claimed.rows_affected == 1 {
                return Ok(Some(job::Model {
                    attempts: found.attempts + 1,
                    locked_by: Some(self.worker_id.clone()),
                    locked_until: Some(locked_until),
                    ..found
                }));
            }
            match found.concurrency_key {
                Some(key) => full.push(key),
                // Another worker took it first.
                None => return Ok(None),
            }
        }
    }

    /// Marks a job whose attempts are used up, though no run recorded it, dead.
    async fn bury(conn: &impl ConnectionTrait, found: &job::Model, now: DateTime<Utc>) -> Result<(), DbErr> {
        let unfinished = format!(
            "run {} of {} never finished: its process stopped while it ran",
            found.attempts, found.max_attempts
        );
        let error = match &found.last_error {
            Some(earlier) => format!("{earlier}; then {unfinished}"),
            None => unfinished,
        };
        tracing::error!(job.id = %found.id, job.kind = %found.kind, error, "job is dead");
        job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(job::DEAD))
            .col_expr(job::Column::LastError, Expr::value(error))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(&found.id))
            .filter(job::Column::Status.eq(job::PENDING))
            .filter(Self::lease_free(now))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Takes the next due job of any pool, if any, for this worker.
    pub async fn claim(&self) -> Result<Option<job::Model>, DbErr> {
        self.record_and_claim(None, None).await
    }

    /// Records a finished job, when given, and claims the next due job of
    /// `queue` (any pool for `None`): on PostgreSQL in one bookkeeping
    /// transaction, so a busy worker's turn costs one commit, not two.
    async fn record_and_claim(
        &self,
        finished: Option<&Finished>,
        queue: Option<Queue>,
    ) -> Result<Option<job::Model>, DbErr> {
        let db = &self.ctx.db;
        if db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = bookkeeping_transaction(db).await?;
            if let Some(finished) = finished {
                finished.0.clone().exec(&txn).await?;
            }
            let claimed = self.try_claim(&txn, true, queue).await?;
            txn.commit().await?;
            Ok(claimed)
        } else {
            if let Some(finished) = finished {
                finished.0.clone().exec(db).await?;
            }
            // One conditional UPDATE is atomic on SQLite; a read-then-write
            // transaction would only add lock upgrades that fail when busy.
            self.try_claim(db, false, queue).await
        }
    }

    /// Writes how a job ended, on its own.
    async fn record(&self, finished: Finished) -> Result<(), DbErr> {
        let db = &self.ctx.db;
        if db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = bookkeeping_transaction(db).await?;
            finished.0.exec(&txn).await?;
            txn.commit().await
        } else {
            finished.0.exec(db).await.map(drop)
        }
    }

    /// Runs a claimed job and records how it went.
    pub async fn execute(&self, claimed: job::Model) -> Result<Outcome, DbErr> {
        let (outcome, finished) = self.run(claimed).await;
        self.record(finished).await?;
        Ok(outcome)
    }

    /// Runs a claimed job: how it went, and the update that records it.
    #[tracing::instrument(skip_all, fields(job.id = %claimed.id, job.kind = %claimed.kind, job.attempt = claimed.attempts))]
    async fn run(&self, claimed: job::Model) -> (Outcome, Finished) {
        let attempt = Attempt {
            number: claimed.attempts,
            last: claimed.attempts >= claimed.max_attempts,
        };
        let kind = self.registry.get(&claimed.kind);
        let started = std::time::Instant::now();
        let waited = crate::monitoring::seconds(Utc::now() - claimed.run_at);
        metrics::histogram!(crate::monitoring::JOB_WAIT, "kind" => claimed.kind.clone()).record(waited);
        let result = match kind {
            Some(kind) => self.supervise(&claimed, kind, attempt).await,
            None => Err(JobError::Permanent(anyhow!(
                "no job kind \"{}\" is registered in this server",
                claimed.kind
            ))),
        };
        metrics::histogram!(crate::monitoring::JOB_DURATION, "kind" => claimed.kind.clone())
            .record(started.elapsed().as_secs_f64());
        let now = Utc::now();
        let (outcome, run_at, error) = match result {
            Ok(()) => (Outcome::Done, claimed.run_at, None),
            Err(error @ JobError::Permanent(_)) => (Outcome::Dead, claimed.run_at, Some(error)),
            Err(error) if attempt.last => (Outcome::Dead, claimed.run_at, Some(error)),
            Err(error) => {
                let delay = match &error {
                    JobError::RetryAfter(wait, _) => Duration::from_std(*wait).unwrap_or(Duration::hours(1)),
                    _ => backoff::delay(u32::try_from(claimed.attempts).unwrap_or(0)),
                };
                (Outcome::Retry, now + delay, Some(error))
            }
        };
        match (&outcome, &error) {
            (Outcome::Retry, Some(error)) => tracing::warn!(
                error = %error,
                retry_in_s = (run_at - now).num_seconds(),
                "job failed; will retry"
            ),
            (Outcome::Dead, Some(error)) => tracing::error!(error = %error, "job failed for good; it is dead"),
            _ => {}
        }
        let (status, label) = match outcome {
            Outcome::Done => (job::DONE, "done"),
            Outcome::Retry => (job::PENDING, "retried"),
            Outcome::Dead => (job::DEAD, "dead"),
        };
        metrics::counter!(crate::monitoring::JOB_RUNS, "kind" => claimed.kind.clone(), "outcome" => label).increment(1);
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(status))
            .col_expr(job::Column::RunAt, Expr::value(run_at))
            .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(job::Column::UpdatedAt, Expr::value(now));
        if let Some(error) = error {
            update = update.col_expr(
                job::Column::LastError,
                Expr::value(error.to_string().chars().take(2_000).collect::<String>()),
            );
        }
        // A finished job's secrets are no longer needed; a dead one keeps
        // its (sealed) payload so that a retry by hand can still do its work.
        if outcome == Outcome::Done
            && let Some(payload) = kind.and_then(|k| (k.redact)(&claimed.payload))
        {
            update = update.col_expr(job::Column::Payload, Expr::value(payload));
        }
        let update = update
            .filter(job::Column::Id.eq(&claimed.id))
            .filter(job::Column::LockedBy.eq(&self.worker_id));
        (outcome, Finished(update))
    }

    /// Runs the job in a task of its own, so that a panic fails only this
    /// job, and renews its lease every third of it while it works. The job
    /// is stopped at its kind's time limit, and also when its lease could
    /// not be renewed and five sixths of it have passed: it never outlives
    /// the lease it holds, so no other worker can claim it while it runs.
    async fn supervise(&self, claimed: &job::Model, kind: Kind, attempt: Attempt) -> Result<(), JobError> {
        let lease = self.lease.to_std().unwrap_or(std::time::Duration::from_secs(60));
        let fence = lease - lease / 6;
        let started = Instant::now();
        let mut task = tokio::spawn((kind.run)(self.ctx.clone(), claimed.payload.clone(), attempt));
        let mut renewed_at = started;
        let mut renewals = tokio::time::interval_at(started + lease / 3, lease / 3);
        let time_limit = tokio::time::sleep(kind.timeout);
        tokio::pin!(time_limit);
        loop {
            tokio::select! {
                joined = &mut task => return match joined {
                    Ok(result) => result,
                    Err(error) if error.is_panic() => Err(JobError::Retry(anyhow!(
                        "the job panicked: {}",
                        panic_message(error.into_panic())
                    ))),
                    Err(error) => Err(JobError::Retry(anyhow!(error).context("the job's task ended"))),
                },
                () = &mut time_limit => {
                    task.abort();
                    return Err(JobError::Retry(anyhow!(
                        "stopped after {} s, the time limit of {} jobs",
                        kind.timeout.as_secs(),
                        claimed.kind
                    )));
                }
                () = tokio::time::sleep_until(renewed_at + fence) => {
                    task.abort();
                    return Err(JobError::Retry(anyhow!("stopped before its lease ran out: the lease could not be renewed")));
                }
                _ = renewals.tick() => {
                    let asked = Instant::now();
                    match self.renew(&claimed.id).await {
                        Ok(true) => renewed_at = asked,
                        Ok(false) => {
                            task.abort();
                            return Err(JobError::Retry(anyhow!("stopped: its lease was lost to another worker")));
                        }
                        Err(error) => tracing::warn!(error = %error, "renewing a job's lease failed; will try again"),
                    }
                }
            }
        }
    }

    /// Extends this worker's lease on a job; false when it no longer holds it.
    async fn renew(&self, id: &str) -> Result<bool, DbErr> {
        let renewed = job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(Utc::now() + self.lease))
            .filter(job::Column::Id.eq(id))
            .filter(job::Column::Status.eq(job::PENDING))
            .filter(job::Column::LockedBy.eq(&self.worker_id))
            .exec(&self.ctx.db)
            .await?;
        Ok(renewed.rows_affected == 1)
    }

    /// Claims and runs one job of any pool; false when none was due.
    pub async fn run_one(&self) -> Result<bool, DbErr> {
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
    pub async fn run_until_idle(&self) -> Result<usize, DbErr> {
        let mut count = 0;
        while self.run_one().await? {
            count += 1;
        }
        Ok(count)
    }

    /// Starts `workers` loops per pool that run jobs until `stop` turns true.
    pub fn spawn_workers(&self, workers: usize, stop: watch::Receiver<bool>) -> Vec<tokio::task::JoinHandle<()>> {
        Queue::ALL
            .into_iter()
            .flat_map(|queue| self.spawn_pool(queue, workers, stop.clone()))
            .collect()
    }

    /// Starts `workers` loops that run the jobs of one pool until `stop` turns true.
    pub fn spawn_pool(
        &self,
        queue: Queue,
        workers: usize,
        stop: watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        (0..workers)
            .map(|_| {
                let runner = self.clone();
                let mut stop = stop.clone();
                tokio::spawn(async move {
                    // The last job's outcome, written with the next claim.
                    let mut finished: Option<Finished> = None;
                    while !*stop.borrow() {
                        // Listening before looking, so that work queued
                        // while this worker finds none still wakes it.
                        let woken = runner.ready.pool(queue).notified();
                        tokio::pin!(woken);
                        woken.as_mut().enable();
                        match runner.record_and_claim(finished.as_ref(), Some(queue)).await {
                            Ok(claimed) => {
                                finished = None;
                                if let Some(claimed) = claimed {
                                    // More may be due: an idle peer looks while this one works.
                                    runner.ready.pool(queue).notify_one();
                                    finished = Some(runner.run(claimed).await.1);
                                    continue;
                                }
                            }
                            // The outcome is kept and written with the next claim.
                            Err(error) => tracing::error!(error = %error, "job queue unavailable"),
                        }
                        tokio::select! {
                            () = woken => {}
                            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                            _ = stop.changed() => {}
                        }
                    }
                    if let Some(finished) = finished
                        && let Err(error) = runner.record(finished).await
                    {
                        tracing::error!(error = %error, "recording a job's outcome failed; it runs again once its lease is over");
                    }
                })
            })
            .collect()
    }
}

/// A PostgreSQL transaction for the queue's own bookkeeping (claims and
/// outcomes) that commits without waiting for its WAL flush. A crash of
/// PostgreSQL can lose the last fraction of a second of it, which at worst
/// runs a job again, as a crash of this process during a job does anyway;
/// a job's own writes and every booking still wait for the flush. A
/// burst's jobs otherwise synced the disk four times for every sync of
/// its bookings.
async fn bookkeeping_transaction(db: &sea_orm::DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    let txn = app::ssr::db::write_transaction(db).await?;
    txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF").await?;
    Ok(txn)
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}
