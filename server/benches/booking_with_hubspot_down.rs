//! Booking latency while HubSpot is healthy, slow and failing. The demo
//! host's team is connected to the HubSpot sandbox and the server's job
//! workers sync every booking to it, while invitees book the demo's `intro`
//! through the booking page's `Book` server function over HTTP, one after
//! another at a steady 10 a second, 100 per phase
//! (`HUBSPOT_DOWN_BENCH_BOOKINGS`):
//!
//! - *healthy*: the sandbox answers at once;
//! - *slow*: every CRM call takes 5 s (inside the client's 15 s timeout, so
//!   the workers wait it out);
//! - *failing*: every CRM call answers 500, and the syncs retry.
//!
//! A booking commits its sync job and answers; only the workers call
//! HubSpot. Prints p50/p99 per phase, as a table and as `BENCH_JSON` lines
//! (`make bench` collects them). The goal is the one
//! `bookings_never_wait_for_a_slow_or_failing_hubspot` (server/tests) checks:
//! no booking while HubSpot is slow or failing takes 1.5 s longer than the
//! slowest healthy one (a booking that waited would take HubSpot's 5 s). The
//! run fails above it, and when a phase made no CRM call (it would have
//! measured nothing).
//!
//! Run with `cargo bench -p server --bench booking_with_hubspot_down` (about
//! 30 s).
use app::ssr::services::bookings::{self, SlotWindow};
use chrono::{DateTime, Utc};
use hubspot_sandbox::{Chaos, Fault, RunningSandbox, Sandbox, SandboxConfig};
use server::config::{Config, HubspotSettings};
use server::startup::Application;
use std::time::{Duration, Instant};

#[path = "support/allocator.rs"]
mod allocator;
#[path = "support/setting.rs"]
mod setting;
use setting::setting;
#[path = "support/bench_json.rs"]
mod bench_json;
#[path = "support/book_on_page.rs"]
mod book_on_page;
#[path = "support/demo_intro.rs"]
mod demo_intro;
#[path = "support/hubspot_connect.rs"]
mod hubspot_connect;
#[path = "support/latency.rs"]
mod latency;
use latency::Latency;

const RATE_PER_SEC: f64 = 10.0;
const SLOW: Duration = Duration::from_secs(5);
/// How much longer than the slowest healthy booking one may take.
const MARGIN_MS: f64 = 1_500.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let per_phase: usize = setting("HUBSPOT_DOWN_BENCH_BOOKINGS", 100);
    let sandbox = Sandbox::spawn(SandboxConfig::default()).await;
    let dir = std::env::temp_dir().join(format!("slotline-bench-{}", app::ssr::ids::new_id()));
    let config = Config {
        seed_demo: true,
        demo_password: Some("bench-password".into()),
        job_workers: 4,
        hubspot: Some(HubspotSettings {
            client_id: sandbox.config().client_id.clone(),
            client_secret: sandbox.config().client_secret.clone(),
            api_base: sandbox.base_url.clone(),
            auth_url: sandbox.authorize_url(),
            requests_per_10s: 100,
            // The sandbox's search shows writes at once.
            search_lag: Duration::from_millis(200),
            // The server's default.
            request_timeout: Duration::from_secs(15),
            pull_interval: Duration::from_secs(600),
        }),
        // One host takes every booking, from one address.
        access_limits: book_on_page::unlimited(),
        ..Config::local(dir.clone())
    };
    let app = Application::build(config.clone()).await?;
    let base = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    hubspot_connect::connect_demo(&state, &config, &sandbox).await?;
    let (host, intro) = demo_intro::demo_intro(&state.db).await?;

    let now = Utc::now();
    let window = SlotWindow {
        from: now,
        to: now + chrono::Duration::days(intro.horizon_days.into()),
        minutes: intro.duration_min as u32,
        exclude: None,
    };
    let free = bookings::free_slots(&state.db, &host, &intro, window, now)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    anyhow::ensure!(
        free.len() >= 3 * per_phase,
        "only {} free times for {} bookings",
        free.len(),
        3 * per_phase
    );
    let mut free = free.into_iter();
    let client = book_on_page::client()?;
    let mut phases = Vec::new();
    for (phase, fault) in [
        ("healthy", None),
        ("slow", Some(Fault::Slow(SLOW))),
        ("failing", Some(Fault::ServerError)),
    ] {
        sandbox.set_chaos(fault.map(|fault| Chaos {
            rate: 1.0,
            kinds: vec![fault],
            seed: Some(1),
        }));
        let began = sandbox.now();
        let mut millis = Vec::with_capacity(per_phase);
        let mut pace = tokio::time::interval(Duration::from_secs_f64(1.0 / RATE_PER_SEC));
        for (i, start) in free.by_ref().take(per_phase).enumerate() {
            pace.tick().await;
            let request = book_on_page::request(
                &client,
                &base,
                ("demo", "intro"),
                start,
                ("Grace Hopper", &format!("{phase}{i}@example.com")),
            );
            millis.push(book_on_page::send_timed(request).await?);
        }
        anyhow::ensure!(
            crm_called_between(&sandbox, began, sandbox.now()).await,
            "no HubSpot call was made while HubSpot was {phase}"
        );
        phases.push((phase, Latency::of(millis)?));
    }
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "booking_with_hubspot_down: {per_phase} bookings per phase at {RATE_PER_SEC}/s over HTTP, \
         HubSpot synced by the job workers"
    );
    println!("{:<9} {:>8} {:>8} {:>8}", "HubSpot", "p50 ms", "p99 ms", "max ms");
    for (phase, latency) in &phases {
        println!(
            "{phase:<9} {:>8.1} {:>8.1} {:>8.1}",
            latency.p50_ms, latency.p99_ms, latency.max_ms
        );
    }
    for (phase, latency) in &phases {
        bench_json::emit(&format!("booking_with_hubspot_down.{phase}"), latency)?;
    }
    let bound = phases[0].1.max_ms + MARGIN_MS;
    let waited: Vec<_> = phases[1..]
        .iter()
        .filter(|(_, latency)| latency.max_ms > bound)
        .map(|(phase, latency)| format!("{phase} (max {:.1} ms)", latency.max_ms))
        .collect();
    anyhow::ensure!(
        waited.is_empty(),
        "goal missed: bookings waited for HubSpot: {} (goal: all under {bound:.1} ms)",
        waited.join(", ")
    );
    println!(
        "booking_with_hubspot_down: goal met: every booking while HubSpot was slow or failing took under \
         {bound:.1} ms (the slowest healthy one + {MARGIN_MS} ms)"
    );
    Ok(())
}

/// Whether a CRM call arrived at the sandbox in `[from, to]`. The sandbox
/// records a call once it has answered it, so a slow phase's calls show
/// up 5 s late: this waits up to 30 s for one.
async fn crm_called_between(sandbox: &RunningSandbox, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let called = sandbox
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/crm") && (from..=to).contains(&r.at));
        if called || Instant::now() > deadline {
            return called;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
