//! `check_availability` over MCP: 31 days of free times of a host with
//! 2,000 bookings, asked through `rmcp`'s client over HTTP against the real
//! server (keys, rate limits and all). Prints p50 and p99 of 200 calls; the
//! goal is p99 < 20 ms, and the run fails above it.
//!
//! Run with `cargo bench -p server --bench mcp_availability`.
use app::domain::{BookingId, BookingSource, Email, PersonName};
use app::ssr::entities::event_type;
use app::ssr::services::{api_keys, contacts};
use chrono::{Duration, Utc};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use sea_orm::{ActiveModelTrait, Set};
use server::config::Config;
use server::startup::Application;
use std::time::Instant;

#[path = "support/allocator.rs"]
mod allocator;
#[path = "support/booking_row.rs"]
mod booking_row;
#[path = "support/demo_intro.rs"]
mod demo_intro;
use demo_intro::demo_intro;

const GOAL_P99_MS: f64 = 20.0;
const BOOKINGS: i64 = 2_000;
const CALLS: usize = 200;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("slotline-bench-{}", app::ssr::ids::new_id()));
    let config = Config {
        seed_demo: true,
        demo_password: Some("bench-password".into()),
        api_requests_per_minute: 100_000,
        ..Config::local(dir.clone())
    };
    let app = Application::build(config).await?;
    let address = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let db = &state.db;

    let (host, intro) = demo_intro(db).await?;
    let mut wide: event_type::ActiveModel = intro.into();
    wide.duration_min = Set(15);
    wide.min_notice_min = Set(0);
    wide.horizon_days = Set(365);
    let intro = wide.update(db).await?;

    // 2,000 bookings a half hour apart from tomorrow on: most of the next
    // 31 days are booked, the rest of them follow.
    let email = Email::parse("invitee@example.com").map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = PersonName::parse("Invitee").map_err(anyhow::Error::msg)?;
    let contact = contacts::upsert_from_booking(db, &host.team_id, &email, &name, None, "booking").await?;
    let first = (Utc::now() + Duration::days(1))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    for i in 0..BOOKINGS {
        let start = first + Duration::minutes(30 * i);
        let id = BookingId::generate();
        booking_row::confirmed(
            &id,
            (&host, &intro),
            (&contact.model.id, &email, &name),
            start,
            15,
            BookingSource::Api,
        )?
        .insert(db)
        .await?;
    }
    let key = api_keys::create(db, &host, "Benchmark", "", &Default::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .key;

    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(format!("{address}/mcp")).auth_header(key),
    );
    let client = ClientConfig::default().serve(transport).await?;
    let today = Utc::now().date_naive();
    let arguments = serde_json::json!({
        "eventTypeId": intro.id.to_string(),
        "from": today.to_string(),
        "to": (today + Duration::days(30)).to_string(),
        "timeZone": "America/New_York",
    });
    let arguments = arguments.as_object().cloned().unwrap_or_default();
    let mut millis = Vec::with_capacity(CALLS);
    let mut slots = 0;
    for round in 0..CALLS + 20 {
        let started = Instant::now();
        let result = client
            .call_tool(CallToolRequestParams::new("check_availability").with_arguments(arguments.clone()))
            .await?;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        anyhow::ensure!(result.is_error != Some(true), "check_availability failed: {result:?}");
        slots = result
            .structured_content
            .as_ref()
            .map_or(0, |v| v["slots"].as_array().map_or(0, Vec::len));
        // The first 20 warm the connection and the database's caches.
        if round >= 20 {
            millis.push(elapsed);
        }
    }
    client.cancel().await?;
    millis.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&millis, 50.0), percentile(&millis, 99.0));
    println!(
        "check_availability over MCP, 31 days, host with {BOOKINGS} bookings ({slots} free slots): \
         p50 {p50:.1} ms, p99 {p99:.1} ms over {CALLS} calls (goal: p99 < {GOAL_P99_MS} ms)"
    );
    let _ = std::fs::remove_dir_all(&dir);
    anyhow::ensure!(
        p99 < GOAL_P99_MS,
        "p99 {p99:.1} ms is over the goal of {GOAL_P99_MS} ms"
    );
    Ok(())
}
