//! Webhook latency: from a booking's commit to its `booking.created`
//! delivery arriving at a receiver on loopback, over 1,000 bookings
//! (override with `WEBHOOK_BENCH_BOOKINGS`) made through the booking service
//! at a steady 20 a second (`WEBHOOK_BENCH_RATE`), with the server's real
//! job workers sending each booking's two emails and its webhook. Prints p50
//! and p99 (and a `BENCH_JSON` line for `make bench`); the goal is p99 ≤
//! 250 ms, and the run fails above it.
//!
//! The rate is steady because latency is only meaningful below capacity: a
//! queue fed faster than it drains grows without bound. Raise the rate to
//! find that capacity on a given machine.
//!
//! Run with `cargo bench -p server --bench webhook_latency` (about a minute).
use app::dto::{BookingForm, WebhookForm};
use app::ssr::entities::event_type;
use app::ssr::services::{bookings, webhooks};
use axum::body::Bytes;
use axum::extract::State;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, Set};
use server::config::Config;
use server::startup::Application;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[path = "support/allocator.rs"]
mod allocator;
#[path = "support/setting.rs"]
mod setting;
use setting::setting;
#[path = "support/bench_json.rs"]
mod bench_json;
#[path = "support/demo_intro.rs"]
mod demo_intro;
#[path = "support/latency.rs"]
mod latency;
use demo_intro::demo_intro;
use latency::Latency;

const GOAL_P99_MS: f64 = 250.0;

type Arrivals = Arc<Mutex<HashMap<String, Instant>>>;

async fn receive(State(arrivals): State<Arrivals>, body: Bytes) -> &'static str {
    let at = Instant::now();
    if let Ok(envelope) = serde_json::from_slice::<serde_json::Value>(&body)
        && let Some(id) = envelope["data"]["id"].as_str()
    {
        arrivals.lock().unwrap().insert(id.to_owned(), at);
    }
    "ok"
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let count: usize = setting("WEBHOOK_BENCH_BOOKINGS", 1_000);
    let rate: f64 = setting("WEBHOOK_BENCH_RATE", 20.0);
    let arrivals: Arrivals = Arc::default();
    let receiver = axum::Router::new()
        .fallback(axum::routing::post(receive))
        .with_state(arrivals.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let target = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let dir = std::env::temp_dir().join(format!("slotline-bench-{}", app::ssr::ids::new_id()));
    let config = Config {
        seed_demo: true,
        demo_password: Some("bench-password".into()),
        job_workers: 4,
        webhook_allow_private: true,
        ..Config::local(dir.clone())
    };
    let app = Application::build(config).await?;
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let db = &state.db;

    let (host, intro) = demo_intro(db).await?;
    // Short slots far ahead, so that 1,000 fit.
    let mut wide: event_type::ActiveModel = intro.into();
    wide.duration_min = Set(15);
    wide.min_notice_min = Set(0);
    wide.horizon_days = Set(365);
    wide.buffer_before_min = Set(0);
    wide.buffer_after_min = Set(0);
    let intro = wide.update(db).await?;
    let form = WebhookForm {
        target_url: target,
        events: [("booking.created".to_owned(), "on".to_owned())].into(),
        event_type_id: String::new(),
    };
    webhooks::create_manual(db, &state.secrets, true, &host, form)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let now = Utc::now();
    let window = bookings::SlotWindow {
        from: now,
        to: now + Duration::days(365),
        minutes: intro.duration_min as u32,
        exclude: None,
    };
    let slots = bookings::free_slots(db, &host, &intro, window, now)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    anyhow::ensure!(slots.len() >= count, "only {} free slots", slots.len());

    let bookable = bookings::Bookable::read(db, host.clone(), intro.clone()).await?;
    let mut committed = HashMap::with_capacity(count);
    let started = Instant::now();
    let mut pace = tokio::time::interval(std::time::Duration::from_secs_f64(1.0 / rate));
    for (i, start) in slots.iter().take(count).enumerate() {
        pace.tick().await;
        let created = bookings::create(
            db,
            &state.secrets,
            // The benchmark books one host's calendar as fast as it can.
            bookings::BookingLimits {
                per_email_per_hour: u32::MAX,
                per_host_per_hour: u32::MAX,
            },
            bookable.clone(),
            BookingForm {
                host: "demo".into(),
                event: "intro".into(),
                start: start.to_rfc3339(),
                time_zone: "Europe/Berlin".into(),
                name: format!("Invitee Number{i}"),
                email: format!("invitee{i}@example.com"),
                ..BookingForm::default()
            },
            app::domain::BookingSource::Page,
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        committed.insert(created.details.booking.id, Instant::now());
        app::ssr::jobs_ready(&state);
    }
    let booking_secs = started.elapsed().as_secs_f64();
    let deadline = Instant::now() + std::time::Duration::from_secs(120);
    while arrivals.lock().unwrap().len() < count && Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let arrived = arrivals.lock().unwrap().clone();
    let latencies: Vec<f64> = committed
        .iter()
        .filter_map(|(id, at)| {
            arrived
                .get(id.as_str())
                .map(|got| got.duration_since(*at).as_secs_f64() * 1_000.0)
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    anyhow::ensure!(
        latencies.len() == count,
        "only {} of {count} webhooks arrived",
        latencies.len()
    );
    let latency = Latency::of(latencies)?;
    let Latency {
        p50_ms, p99_ms, max_ms, ..
    } = latency;
    println!(
        "webhook_latency: {count} bookings at {rate}/s in {booking_secs:.1} s; commit → webhook received: p50 \
         {p50_ms:.1} ms, p99 {p99_ms:.1} ms, max {max_ms:.1} ms (goal p99 ≤ {GOAL_P99_MS} ms)"
    );
    bench_json::emit("webhook_latency", &latency)?;
    anyhow::ensure!(p99_ms <= GOAL_P99_MS, "p99 {p99_ms:.1} ms is above the goal");
    Ok(())
}
