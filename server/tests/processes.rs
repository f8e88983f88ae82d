//! Two server processes (the real binary) on one PostgreSQL and one Redis:
//! they share the job queue (every job runs exactly once) and the limits
//! (together they stay inside HubSpot's per-portal limit and the API's
//! per-user limit). The test's own server only sets the team up.
use crate::helpers::{Answer, Backend, TestApp, browser, call_at, spawn_app_configured};
use crate::hubspot_sync::connected;
use crate::support::server_process::ServerProcess;
use app::functions::bookings::Book;
use app::ssr::entities::job;
use app::ssr::services::bookings;
use chrono::{Duration as Days, Utc};
use hubspot_sandbox::SandboxConfig;
use sea_orm::EntityTrait;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// What HubSpot allows per 10 s in this test, and Slotline allows itself.
const HUBSPOT_LIMIT: u32 = 20;
const SYNCED_BOOKINGS: usize = 25;
const OTHER_HOSTS: usize = 5;
const BOOKINGS_PER_OTHER_HOST: usize = 95;

/// The Redis the machine runs; `None` (the test is skipped) when it does
/// not answer and CI did not ask for every service.
async fn redis_url() -> Option<String> {
    let url = std::env::var("SLOTLINE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    match server::shared_limits::SharedLimits::connect(&url, "probe").await {
        Ok(_) => Some(url),
        Err(error) if std::env::var("SLOTLINE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("Redis is required with SLOTLINE_REQUIRE_POSTGRES=1 but {url} does not answer: {error}")
        }
        Err(error) => {
            eprintln!("!!!!!!!! Redis tests SKIPPED: no server at {url} ({error}) !!!!!!!!");
            None
        }
    }
}

/// The first `count` free start times of `host`'s `event`, as RFC 3339.
async fn free_starts(app: &TestApp, host: &str, event: &str, count: usize) -> Vec<String> {
    let bookings::Bookable { host, event, .. } = bookings::find_public_event(&app.state.db, host, event).await.unwrap();
    let now = Utc::now();
    let window = bookings::SlotWindow {
        from: now,
        to: now + Days::days(60),
        minutes: event.duration_min as u32,
        exclude: None,
    };
    let slots = bookings::free_slots(&app.state.db, &host, &event, window, now)
        .await
        .unwrap();
    assert!(slots.len() >= count, "{} free slots", slots.len());
    slots.iter().take(count).map(|s| app::ssr::time_fmt::iso(*s)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_processes_on_one_postgres_share_the_queue_and_the_limits() {
    let Some(redis) = redis_url().await else {
        return;
    };
    let prefix = format!("slotline-test-{}", app::ssr::ids::new_id());
    let Some(app) = spawn_app_configured(Backend::Postgres, SandboxConfig::default(), |_| {}).await else {
        return;
    };
    app.hubspot
        .set_rate_limit(Some((HUBSPOT_LIMIT, Duration::from_secs(10))));
    let mut env = app.hubspot_env();
    env.extend([
        ("SLOTLINE_HUBSPOT_REQUESTS_PER_10S", HUBSPOT_LIMIT.to_string()),
        ("SLOTLINE_REDIS_URL", redis),
        ("SLOTLINE_REDIS_PREFIX", prefix),
        // The load below books each host far beyond a public form's hourly limit.
        ("SLOTLINE_BOOKINGS_PER_HOST_PER_HOUR", "1000".to_owned()),
    ]);
    let database = &app.config.database_url;
    let start = |n: usize| {
        let dir = app.config.data_dir.join(format!("process{n}"));
        let smtp = app.smtp.url();
        let env = env.clone();
        async move { ServerProcess::start(database, &dir, &smtp, 4, &env).await }
    };
    let (first, second) = (start(1).await, start(2).await);
    let servers = [first.base.clone(), second.base.clone()];
    let second = second.base.clone();

    // The API's per-user limit holds across both processes.
    let ada = connected(&app).await;
    let key = app.api_key(&ada).await;
    let began = tokio::time::Instant::now();
    for n in 0..60 {
        let status = browser()
            .get(format!("{}/api/v1/me", servers[n % 2]))
            .header("X-API-Key", &key)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200, "request {n}");
    }
    // The allowance refills one request a second, so a slow machine may
    // have earned a few more by now; past those, the next is refused.
    let refilled = began.elapsed().as_secs() + 1;
    let mut statuses = Vec::new();
    for _ in 0..=refilled {
        let status = browser()
            .get(format!("{second}/api/v1/me"))
            .header("X-API-Key", &key)
            .send()
            .await
            .unwrap()
            .status();
        statuses.push(status);
        if status == 429 {
            break;
        }
    }
    assert_eq!(
        statuses.last().copied(),
        Some(reqwest::StatusCode::TOO_MANY_REQUESTS),
        "past 60 requests in a minute, whichever process answers: {statuses:?}"
    );

    // 500 bookings, half through each process; Ada's reach HubSpot.
    let mut plan: Vec<(String, String)> = free_starts(&app, "ada", "intro", SYNCED_BOOKINGS)
        .await
        .into_iter()
        .map(|start| ("ada".to_owned(), start))
        .collect();
    for n in 0..OTHER_HOSTS {
        let host = format!("host{n}");
        let client = app.sign_up(&host).await;
        app.create_event_type(&client, "intro", 30).await;
        for start in free_starts(&app, &host, "intro", BOOKINGS_PER_OTHER_HOST).await {
            plan.push((host.clone(), start));
        }
    }
    let total = plan.len();
    assert_eq!(total, 500);
    let permits = Arc::new(tokio::sync::Semaphore::new(8));
    let mut booked = tokio::task::JoinSet::new();
    for (n, (host, start)) in plan.into_iter().enumerate() {
        let server = servers[n % 2].clone();
        let permits = permits.clone();
        booked.spawn(async move {
            let _permit = permits.acquire().await.unwrap();
            let email = format!("invitee{n}@example.com");
            let fields = [
                ("form[host]", host.as_str()),
                ("form[event]", "intro"),
                ("form[start]", start.as_str()),
                ("form[time_zone]", "Europe/Berlin"),
                ("form[name]", "Grace Hopper"),
                ("form[email]", email.as_str()),
                ("form[phone]", ""),
                ("form[notes]", ""),
            ];
            matches!(call_at::<Book>(&server, &browser(), &fields).await, Answer::Redirect(_))
        });
    }
    let made = booked.join_all().await.into_iter().filter(|ok| *ok).count();
    assert_eq!(made, total, "every booking was made");

    // Every email once: two per booking, one to each invitee.
    app.smtp.wait_for(2 * total, Duration::from_secs(120)).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let pending = app.pending_jobs().await;
        if pending == 0 {
            break;
        }
        assert!(tokio::time::Instant::now() < until, "{pending} jobs still pending");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails_now = app.smtp.messages();
    assert_eq!(mails_now.len(), 2 * total, "no email was sent twice");
    let mut per_invitee: HashMap<String, usize> = HashMap::new();
    for mail in mails_now.iter().filter(|m| m.rcpt_to[0].starts_with("invitee")) {
        *per_invitee.entry(mail.rcpt_to[0].clone()).or_default() += 1;
    }
    assert_eq!(per_invitee.len(), total);
    assert!(per_invitee.values().all(|&n| n == 1), "one confirmation per invitee");
    let jobs = job::Entity::find().all(&app.state.db).await.unwrap();
    assert!(jobs.iter().all(|j| j.status == job::DONE), "every job ran to its end");
    assert!(
        jobs.iter().any(|j| j.kind == "purge_expired_data"),
        "a process with job workers schedules the daily purge"
    );

    // Both processes' HubSpot calls together stayed inside HubSpot's limit.
    assert_eq!(app.hubspot.meetings().len(), SYNCED_BOOKINGS);
    assert_eq!(
        app.hubspot.rate_limited_count(),
        0,
        "HubSpot's limiter never refused a call"
    );
}
