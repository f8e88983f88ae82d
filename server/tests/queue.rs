//! What the job queue survives: jobs that outlive their lease or their time
//! limit, jobs out of attempts or killing their process (dead, listed,
//! retried by hand), panicking jobs, and slow webhook receivers that must
//! not hold up booking emails.
use crate::helpers::TestApp;
use crate::jobs::context;
use crate::on_both_databases;
use crate::support::receiver::Receiver;
use crate::webhooks::add_webhook;
use app::ssr::entities::job;
use app::ssr::jobs::{Job, enqueue};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use server::jobs::{Attempt, JobContext, JobError, JobRunner, Outcome, Registry, RunJob, dead_jobs};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::time::Instant;

on_both_databases!(
    a_job_that_outlives_its_lease_runs_once_and_is_never_claimed_twice,
    a_job_past_its_time_limit_is_stopped_and_retried,
    a_job_out_of_attempts_is_dead_listed_and_retried_by_the_action,
    a_job_that_keeps_killing_its_process_is_dead_at_its_next_claim,
    a_panicking_job_fails_alone_and_the_workers_go_on,
    slow_webhook_receivers_never_delay_a_booking_email,
    one_webhook_gets_only_its_share_of_the_webhook_pool,
    a_job_of_a_kind_a_server_does_not_know_is_left_to_servers_that_do,
);

/// How often each test job (by its id) started, across every runner.
static STARTS: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Mutex::default);

fn starts(id: &str) -> usize {
    STARTS.lock().unwrap().get(id).copied().unwrap_or_default()
}

fn started(id: &str) {
    *STARTS.lock().unwrap().entry(id.to_owned()).or_default() += 1;
}

/// Sleeps, then succeeds.
#[derive(Serialize, Deserialize)]
struct Sleeps {
    id: String,
    millis: u64,
}

impl Job for Sleeps {
    const KIND: &'static str = "test_sleeps";
    const MAX_ATTEMPTS: i32 = 3;
}

impl RunJob for Sleeps {
    async fn run(&self, _: &JobContext, _: Attempt) -> Result<(), JobError> {
        started(&self.id);
        tokio::time::sleep(Duration::from_millis(self.millis)).await;
        Ok(())
    }
}

/// Never finishes within its half-second limit.
#[derive(Serialize, Deserialize)]
struct Hangs {
    id: String,
}

impl Job for Hangs {
    const KIND: &'static str = "test_hangs";
    const MAX_ATTEMPTS: i32 = 3;
}

impl RunJob for Hangs {
    const TIMEOUT: Duration = Duration::from_millis(500);

    async fn run(&self, _: &JobContext, _: Attempt) -> Result<(), JobError> {
        started(&self.id);
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    }
}

/// Fails every time, twice at most.
#[derive(Serialize, Deserialize)]
struct Fails {
    id: String,
}

impl Job for Fails {
    const KIND: &'static str = "test_fails";
    const MAX_ATTEMPTS: i32 = 2;
}

impl RunJob for Fails {
    async fn run(&self, _: &JobContext, _: Attempt) -> Result<(), JobError> {
        started(&self.id);
        Err(anyhow::anyhow!("the receiving system is down").into())
    }
}

#[derive(Serialize, Deserialize)]
struct Panics {
    id: String,
}

impl Job for Panics {
    const KIND: &'static str = "test_panics";
    const MAX_ATTEMPTS: i32 = 3;
}

impl RunJob for Panics {
    async fn run(&self, _: &JobContext, _: Attempt) -> Result<(), JobError> {
        started(&self.id);
        panic!("index out of bounds in a test job");
    }
}

/// A runner of the app's jobs and the test jobs above.
fn runner(app: &TestApp, lease: Duration) -> JobRunner {
    let registry = Registry::default()
        .with::<Sleeps>()
        .with::<Hangs>()
        .with::<Fails>()
        .with::<Panics>();
    JobRunner::with_registry(
        context(app, &app.smtp.url()),
        Arc::new(app::ssr::jobs::JobsReady::default()),
        chrono::Duration::from_std(lease).unwrap(),
        registry,
    )
}

fn new_id() -> String {
    app::ssr::ids::new_id()
}

async fn row(app: &TestApp, kind: &str) -> job::Model {
    job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the job's row")
}

async fn a_job_that_outlives_its_lease_runs_once_and_is_never_claimed_twice(app: TestApp) {
    let job = Sleeps {
        id: new_id(),
        millis: 6_000,
    };
    enqueue(&app.state.db, &job).await.unwrap();
    // A two-second lease: without renewal it would run out three times over.
    let first = runner(&app, Duration::from_secs(2));
    let second = runner(&app, Duration::from_secs(2));
    let claimed = first.claim().await.unwrap().expect("a due job");
    let running = tokio::spawn(async move { first.execute(claimed).await });
    let until = Instant::now() + Duration::from_millis(6_500);
    while Instant::now() < until && !running.is_finished() {
        assert!(
            second.claim().await.unwrap().is_none(),
            "a running job's renewed lease keeps other workers off it"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(running.await.unwrap().unwrap(), Outcome::Done);
    assert_eq!(starts(&job.id), 1, "the job ran once");
    let done = row(&app, Sleeps::KIND).await;
    assert_eq!((done.status.as_str(), done.attempts), (job::DONE, 1));
}

async fn a_job_past_its_time_limit_is_stopped_and_retried(app: TestApp) {
    let job = Hangs { id: new_id() };
    enqueue(&app.state.db, &job).await.unwrap();
    let runner = runner(&app, Duration::from_secs(60));
    let claimed = runner.claim().await.unwrap().expect("a due job");
    let began = Instant::now();
    assert_eq!(runner.execute(claimed).await.unwrap(), Outcome::Retry);
    assert!(began.elapsed() < Duration::from_secs(5), "stopped at its limit");
    let stopped = row(&app, Hangs::KIND).await;
    assert_eq!(stopped.status, job::PENDING);
    assert!(stopped.locked_by.is_none());
    let error = stopped.last_error.unwrap();
    assert!(error.contains("time limit"), "{error}");
}

async fn a_job_out_of_attempts_is_dead_listed_and_retried_by_the_action(app: TestApp) {
    let job = Fails { id: new_id() };
    enqueue(&app.state.db, &job).await.unwrap();
    let runner = runner(&app, Duration::from_secs(60));
    assert_eq!(runner.run_until_idle().await.unwrap(), 1);
    app.make_pending_jobs_due().await;
    assert_eq!(runner.run_until_idle().await.unwrap(), 1);
    app.make_pending_jobs_due().await;
    assert_eq!(runner.run_until_idle().await.unwrap(), 0, "a dead job is never claimed");
    assert_eq!(starts(&job.id), 2);

    let dead = dead_jobs(&app.state.db).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].kind.as_str(), dead[0].attempts), (Fails::KIND, 2));
    let error = dead[0].last_error.as_deref().unwrap();
    assert!(error.contains("the receiving system is down"), "{error}");

    // The operator's action: `server jobs retry <id>`.
    server::admin::jobs(&app.state.db, &["retry".to_owned(), dead[0].id.clone()])
        .await
        .unwrap();
    assert!(dead_jobs(&app.state.db).await.unwrap().is_empty());
    let again = row(&app, Fails::KIND).await;
    assert_eq!((again.status.as_str(), again.attempts), (job::PENDING, 0));
    assert_eq!(runner.run_until_idle().await.unwrap(), 1);
    assert_eq!(starts(&job.id), 3, "the retried job ran again");
}

async fn a_job_that_keeps_killing_its_process_is_dead_at_its_next_claim(app: TestApp) {
    let job = Sleeps {
        id: new_id(),
        millis: 0,
    };
    enqueue(&app.state.db, &job).await.unwrap();
    // Its three runs each claimed it and then took the process down with
    // them: the attempts are used up, the last lease ran out, nothing was
    // recorded.
    job::Entity::update_many()
        .col_expr(job::Column::Attempts, Expr::value(Sleeps::MAX_ATTEMPTS))
        .col_expr(job::Column::LockedBy, Expr::value("a-process-that-died"))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    let runner = runner(&app, Duration::from_secs(60));
    assert!(runner.claim().await.unwrap().is_none(), "not run a fourth time");
    assert_eq!(starts(&job.id), 0);
    let dead = dead_jobs(&app.state.db).await.unwrap();
    assert_eq!(dead.len(), 1);
    let error = dead[0].last_error.as_deref().unwrap();
    assert!(error.contains("never finished"), "{error}");

    server::admin::jobs(&app.state.db, &["retry".to_owned(), "--all".to_owned()])
        .await
        .unwrap();
    assert_eq!(runner.run_until_idle().await.unwrap(), 1);
    assert_eq!(starts(&job.id), 1);
    assert_eq!(row(&app, Sleeps::KIND).await.status, job::DONE);

    // A dead job the operator gives up on: `server jobs dismiss <id>`.
    let doomed = Sleeps {
        id: new_id(),
        millis: 0,
    };
    enqueue(&app.state.db, &doomed).await.unwrap();
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(job::DEAD))
        .filter(job::Column::Status.eq(job::PENDING))
        .exec(&app.state.db)
        .await
        .unwrap();
    let dead = dead_jobs(&app.state.db).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(
        server::admin::jobs(&app.state.db, &["dismiss".to_owned(), "nope".to_owned()])
            .await
            .is_err()
    );
    server::admin::jobs(&app.state.db, &["dismiss".to_owned(), dead[0].id.clone()])
        .await
        .unwrap();
    assert!(dead_jobs(&app.state.db).await.unwrap().is_empty());
    assert_eq!(
        row(&app, Sleeps::KIND).await.status,
        job::DONE,
        "only the dead job went"
    );
}

async fn a_panicking_job_fails_alone_and_the_workers_go_on(app: TestApp) {
    let panics = Panics { id: new_id() };
    enqueue(&app.state.db, &panics).await.unwrap();
    let runner = runner(&app, Duration::from_secs(60));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = runner.spawn_workers(1, stopped);
    let until = Instant::now() + Duration::from_secs(10);
    while starts(&panics.id) == 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = Sleeps {
        id: new_id(),
        millis: 0,
    };
    enqueue(&app.state.db, &after).await.unwrap();
    while starts(&after.id) == 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(starts(&after.id), 1, "the worker went on to the next job");
    assert!(workers.iter().all(|w| !w.is_finished()), "no worker died");
    let failed = row(&app, Panics::KIND).await;
    assert_eq!(failed.status, job::PENDING, "retried later like any failure");
    let error = failed.last_error.unwrap();
    assert!(error.contains("panicked: index out of bounds in a test job"), "{error}");
    stop.send(true).unwrap();
}

/// A signed-up Pro host with an event type, and `hooks` webhooks hearing every event.
async fn host_with_webhooks(app: &TestApp, hooks: usize, receiver: &Receiver) -> reqwest::Client {
    let client = app.pro_owner("busy").await;
    app.create_event_type(&client, "intro", 30).await;
    let all = ["booking.created", "contact.created"];
    for _ in 0..hooks {
        add_webhook(app, &client, &receiver.url, &all, "").await;
    }
    client
}

async fn add_contact(app: &TestApp, client: &reqwest::Client, email: &str) {
    app.call::<app::functions::contacts::AddContact>(
        client,
        &[
            ("form[name]", "Queued Person"),
            ("form[email]", email),
            ("form[phone]", ""),
            ("form[company]", ""),
            ("form[notes]", ""),
        ],
    )
    .await
    .ok();
}

async fn slow_webhook_receivers_never_delay_a_booking_email(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.answer_after(Duration::from_secs(9));
    let client = host_with_webhooks(&app, 20, &receiver).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // As many workers per pool as a server runs by default.
    let workers = app.runner.spawn_workers(4, stopped);
    // Twenty deliveries ahead of the booking, each answered after 9 s.
    add_contact(&app, &client, "first@example.com").await;
    let until = Instant::now() + Duration::from_secs(10);
    while receiver.received().is_empty() && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!receiver.received().is_empty(), "the slow deliveries are under way");

    let slot = app.first_free_slot("busy", "intro").await;
    let booked_at = Instant::now();
    app.book("busy", "intro", &slot, "grace@example.com").await.redirect();
    let mails = app.smtp.wait_for(2, Duration::from_secs(2)).await;
    let waited = booked_at.elapsed();
    assert!(
        mails.iter().any(|m| m.rcpt_to == ["grace@example.com"]),
        "the confirmation went out within 2 s although the webhook pool is busy ({waited:?})"
    );
    assert!(waited < Duration::from_secs(2), "{waited:?}");
    stop.send(true).unwrap();
    for worker in workers {
        worker.abort();
    }
}

async fn one_webhook_gets_only_its_share_of_the_webhook_pool(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.answer_after(Duration::from_millis(1_500));
    let client = host_with_webhooks(&app, 1, &receiver).await;
    for n in 0..6 {
        add_contact(&app, &client, &format!("person{n}@example.com")).await;
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = app.runner.spawn_workers(4, stopped);
    let until = Instant::now() + Duration::from_secs(20);
    while receiver.received().len() < 6 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(receiver.received().len(), 6, "every delivery arrived");
    assert_eq!(
        receiver.most_in_flight(),
        job::CONCURRENCY_CAP as usize,
        "four free workers, but one webhook gets at most its cap at once"
    );
    stop.send(true).unwrap();
    for worker in workers {
        worker.abort();
    }
}

async fn a_job_of_a_kind_a_server_does_not_know_is_left_to_servers_that_do(app: TestApp) {
    let job = Sleeps {
        id: new_id(),
        millis: 0,
    };
    enqueue(&app.state.db, &job).await.unwrap();
    // The app's own runner, as an older process would be, has no test kinds.
    assert!(app.runner.claim().await.unwrap().is_none());
    assert_eq!(row(&app, Sleeps::KIND).await.status, job::PENDING);
    assert_eq!(runner(&app, Duration::from_secs(60)).run_until_idle().await.unwrap(), 1);
    assert_eq!(starts(&job.id), 1);
}
