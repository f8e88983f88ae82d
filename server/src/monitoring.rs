//! Prometheus metrics, served at `GET /metrics` when `SLOTLINE_METRICS=1`.
//! Each place records through the `metrics` facade as things happen (HTTP
//! requests, bookings, job runs, webhook deliveries, HubSpot calls);
//! `metrics-exporter-prometheus` renders them. The queue's gauges (jobs
//! waiting, running and dead by kind, the oldest waiting job's age) are
//! read from the jobs table at each scrape, so every process reports the
//! shared queue the same way.
use crate::jobs::Registry;
use app::ssr::entities::job;
use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use std::sync::OnceLock;

pub const HTTP_REQUESTS: &str = "slotline_http_requests_total";
pub const HTTP_DURATION: &str = "slotline_http_request_duration_seconds";
pub const JOB_RUNS: &str = "slotline_job_runs_total";
pub const JOB_DURATION: &str = "slotline_job_duration_seconds";
pub const JOB_WAIT: &str = "slotline_job_wait_seconds";
pub const JOBS: &str = "slotline_jobs";
pub const JOB_OLDEST_WAITING: &str = "slotline_job_oldest_waiting_seconds";
pub const WEBHOOK_DELIVERIES: &str = "slotline_webhook_deliveries_total";
pub const HUBSPOT_REQUESTS: &str = "slotline_hubspot_requests_total";
pub const HUBSPOT_LIMITER_WAIT: &str = "slotline_hubspot_limiter_wait_seconds";

/// From a millisecond to a minute: requests take milliseconds, jobs and
/// the limiter's waits up to seconds, queued jobs can wait for minutes.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use (a process has one
/// global recorder, however many servers it starts, as tests do).
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
                .and_then(|builder| builder.install_recorder())
                .expect("the Prometheus recorder is the process's only one");
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(HTTP_REQUESTS, "HTTP requests answered, by method, route and status.");
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Time to answer, by method and route."
    );
    describe_counter!(
        app::ssr::metrics::BOOKINGS_CREATED,
        "Bookings confirmed, by where they were made."
    );
    describe_counter!(JOB_RUNS, "Job runs, by kind and outcome (done, retried, dead).");
    describe_histogram!(
        JOB_DURATION,
        metrics::Unit::Seconds,
        "How long a job run took, by kind."
    );
    describe_histogram!(
        JOB_WAIT,
        metrics::Unit::Seconds,
        "How long a due job waited for a worker, by kind."
    );
    describe_gauge!(JOBS, "Jobs in the queue, by kind and state (waiting, running, dead).");
    describe_gauge!(
        JOB_OLDEST_WAITING,
        metrics::Unit::Seconds,
        "Age of the oldest due job still waiting, by kind."
    );
    describe_counter!(WEBHOOK_DELIVERIES, "Webhook delivery attempts, by result.");
    describe_counter!(HUBSPOT_REQUESTS, "HubSpot API calls, by HTTP status (or network).");
    describe_histogram!(
        HUBSPOT_LIMITER_WAIT,
        metrics::Unit::Seconds,
        "Time HubSpot calls waited for the per-portal rate limiter."
    );
}

/// A span of time in seconds, as metrics record it; none before zero.
pub fn seconds(span: chrono::Duration) -> f64 {
    span.to_std().map_or(0.0, |d| d.as_secs_f64())
}

/// The text a scrape answers: the queue's gauges read now, then every metric.
pub async fn render(db: &impl ConnectionTrait) -> Result<String, DbErr> {
    let handle = handle();
    record_queue(db).await?;
    handle.run_upkeep();
    Ok(handle.render())
}

/// Counts of jobs by kind matching `filter`.
async fn count_by_kind(db: &impl ConnectionTrait, filter: sea_orm::Condition) -> Result<HashMap<String, i64>, DbErr> {
    let rows: Vec<(String, i64)> = job::Entity::find()
        .select_only()
        .column(job::Column::Kind)
        .column_as(job::Column::Id.count(), "count")
        .filter(filter)
        .group_by(job::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Sets the queue's gauges from the jobs table, every registered kind
/// included, so that a kind whose jobs are gone reads zero.
async fn record_queue(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    use sea_orm::Condition;
    let now = Utc::now();
    let pending = Condition::all().add(job::Column::Status.eq(job::PENDING));
    let running = count_by_kind(db, pending.clone().add(job::Column::LockedUntil.gt(now))).await?;
    let waiting = count_by_kind(
        db,
        pending.add(
            Condition::any()
                .add(job::Column::LockedUntil.is_null())
                .add(job::Column::LockedUntil.lte(now)),
        ),
    )
    .await?;
    let dead = count_by_kind(db, Condition::all().add(job::Column::Status.eq(job::DEAD))).await?;
    let oldest: Vec<(String, Option<DateTime<Utc>>)> = job::Entity::find()
        .select_only()
        .column(job::Column::Kind)
        .column_as(job::Column::RunAt.min(), "oldest")
        .filter(job::Column::Status.eq(job::PENDING))
        .filter(job::Column::RunAt.lte(now))
        .group_by(job::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let oldest: HashMap<String, Option<DateTime<Utc>>> = oldest.into_iter().collect();
    for kind in Registry::default().kinds() {
        for (state, counts) in [("waiting", &waiting), ("running", &running), ("dead", &dead)] {
            let count = counts.get(kind).copied().unwrap_or(0);
            metrics::gauge!(JOBS, "kind" => kind, "state" => state).set(count as f64);
        }
        let age = oldest.get(kind).copied().flatten().map_or(0.0, |at| seconds(now - at));
        metrics::gauge!(JOB_OLDEST_WAITING, "kind" => kind).set(age);
    }
    Ok(())
}
