//! The durable job queue: emails leave through a real SMTP server, a job
//! outlives the worker that claimed it, and failures retry later.
use crate::helpers::TestApp;
use crate::on_both_databases;
use app::ssr::entities::job;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::email::Mailer;
use server::jobs::{JobContext, JobRunner};
use std::sync::Arc;
use std::time::Duration;

on_both_databases!(
    booking_emails_reach_both_sides_through_smtp_with_the_manage_link,
    a_job_claimed_by_a_worker_that_died_runs_exactly_once_after_its_lease,
    a_failing_job_is_retried_later_with_its_error_kept,
);

/// What the app's own jobs get, sending email through `smtp_url`.
pub(crate) fn context(app: &TestApp, smtp_url: &str) -> JobContext {
    let mailer = Mailer::new(
        Some(smtp_url),
        &app.config.data_dir.join("outbox"),
        &app.config.mail_from,
    )
    .unwrap();
    JobContext {
        db: app.state.db.clone(),
        mailer,
        public_url: app.config.public_url.clone(),
        secrets: app.state.secrets.clone(),
        hubspot: None,
        hubspot_api: None,
        hubspot_search_lag: std::time::Duration::ZERO,
        webhooks: server::webhooks::WebhookClient::new(true).unwrap(),
        webhook_first_retry: server::jobs::backoff::WEBHOOK_FIRST_RETRY,
        stripe: server::integrations::stripe::StripeClient::new(&app.config.stripe_api_base).unwrap(),
        retention: chrono::Duration::days(app.config.retention_days.into()),
    }
}

fn runner_with(app: &TestApp, smtp_url: &str, lease: chrono::Duration) -> JobRunner {
    JobRunner::new(
        context(app, smtp_url),
        Arc::new(app::ssr::jobs::JobsReady::default()),
        lease,
    )
}

async fn book_one(app: &TestApp) -> String {
    let host = app.sign_up("ada").await;
    app.create_event_type(&host, "intro", 30).await;
    let slot = app.first_free_slot("ada", "intro").await;
    app.book("ada", "intro", &slot, "grace@example.com").await.redirect()
}

async fn booking_emails_reach_both_sides_through_smtp_with_the_manage_link(app: TestApp) {
    let manage = book_one(&app).await;
    let token = crate::helpers::manage_parts(&manage).1;
    let queued = job::Entity::find().all(&app.state.db).await.unwrap();
    assert!(
        queued.iter().all(|j| !j.payload.contains(&token)),
        "the manage-link secret waits in the queue sealed, never in the clear"
    );
    assert_eq!(app.runner.run_until_idle().await.unwrap(), 2);
    let mails = app.smtp.wait_for(2, Duration::from_secs(10)).await;
    let to_invitee = mails
        .iter()
        .find(|m| m.rcpt_to == ["grace@example.com"])
        .expect("the invitee's email");
    let to_host = mails
        .iter()
        .find(|m| m.rcpt_to == ["ada@example.com"])
        .expect("the host's email");
    let unfolded = to_invitee.data.replace("=\r\n", "").replace("=3D", "=");
    assert!(
        unfolded.contains(&format!(
            "http://slotline.test{}",
            manage.trim_end_matches("&confirmed=1")
        )),
        "{unfolded}"
    );
    assert!(to_invitee.data.contains("METHOD:REQUEST"));
    assert!(to_host.data.contains("METHOD:REQUEST"));
    let jobs = job::Entity::find().all(&app.state.db).await.unwrap();
    assert!(jobs.iter().all(|j| j.status == job::DONE), "{jobs:?}");
    assert!(
        jobs.iter().all(|j| !j.payload.contains("manage_token")),
        "secrets are blanked once sent"
    );
}

async fn a_job_claimed_by_a_worker_that_died_runs_exactly_once_after_its_lease(app: TestApp) {
    book_one(&app).await;
    let dying = runner_with(&app, &app.smtp.url(), chrono::Duration::seconds(2));
    let claimed = dying.claim().await.unwrap().expect("a due job");
    let lease_ends = tokio::time::Instant::now() + Duration::from_secs(2);
    drop(dying); // the process dies before running it

    // While the lease lasts, the other job is claimable and this one is not.
    let other = app.runner.claim().await.unwrap().expect("the other job");
    assert_ne!(other.id, claimed.id);
    assert!(
        app.runner.claim().await.unwrap().is_none(),
        "a leased job is not claimed twice"
    );
    app.runner.execute(other).await.unwrap();

    tokio::time::sleep_until(lease_ends + Duration::from_millis(300)).await;
    assert_eq!(app.runner.run_until_idle().await.unwrap(), 1);
    assert_eq!(app.runner.run_until_idle().await.unwrap(), 0);

    assert_eq!(app.smtp.wait_for(2, Duration::from_secs(10)).await.len(), 2);
    let rerun = job::Entity::find_by_id(&claimed.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rerun.status, job::DONE);
    assert_eq!(rerun.attempts, 2);
}

async fn a_failing_job_is_retried_later_with_its_error_kept(app: TestApp) {
    book_one(&app).await;
    let unreachable = runner_with(&app, "smtp://127.0.0.1:9", chrono::Duration::seconds(60));
    assert_eq!(unreachable.run_until_idle().await.unwrap(), 2);
    let jobs = job::Entity::find().all(&app.state.db).await.unwrap();
    for j in &jobs {
        assert_eq!(j.status, job::PENDING);
        assert_eq!(j.attempts, 1);
        assert!(j.last_error.is_some());
        assert!(j.run_at > chrono::Utc::now(), "the retry waits");
        assert!(j.locked_by.is_none());
    }
    // Not due yet: nothing runs now, even with a working mailer.
    assert_eq!(app.runner.run_until_idle().await.unwrap(), 0);
    assert_eq!(job::Entity::find().count(&app.state.db).await.unwrap(), 2);
}
