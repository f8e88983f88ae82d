//! `check_availability` over MCP: 31 days of free times of a host with
//! 2,000 bookings, asked through `rmcp`'s client over HTTP against the real
//! server (keys, rate limits and all). Prints p50 and p99 of 200 calls; the
//! goal is p99 < 20 ms, and the run fails above it.
//!
//! Run with `cargo bench -p server --bench mcp_availability`.
use app::domain::{BookingId, BookingSource, BookingStatus, Email, PersonName, TimeZoneName};
use app::ssr::entities::{booking, event_type, user};
use app::ssr::services::{api_keys, contacts};
use chrono::{Duration, Utc};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use server::config::Config;
use server::startup::Application;
use std::time::Instant;

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

    let host = user::Entity::find()
        .filter(user::Column::Slug.eq("demo"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo host"))?;
    let intro = event_type::Entity::find()
        .filter(event_type::Column::UserId.eq(&host.id))
        .filter(event_type::Column::Slug.eq("intro"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo event type"))?;
    let mut wide: event_type::ActiveModel = intro.into();
    wide.duration_min = Set(15);
    wide.min_notice_min = Set(0);
    wide.horizon_days = Set(365);
    let intro = wide.update(db).await?;

    // 2,000 bookings a half hour apart from tomorrow on: most of the next
    // 31 days are booked, the rest of them follow.
    let email = Email::parse("invitee@example.com").map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = PersonName::parse("Invitee").map_err(anyhow::Error::msg)?;
    let contact = contacts::upsert_from_booking(db, &host.team_id, &email, &name, None).await?;
    let first = (Utc::now() + Duration::days(1))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let zone = TimeZoneName::parse("Europe/Berlin").map_err(|e| anyhow::anyhow!("{e}"))?;
    for i in 0..BOOKINGS {
        let start = first + Duration::minutes(30 * i);
        let id = BookingId::generate();
        booking::ActiveModel {
            id: Set(id.clone()),
            host_id: Set(host.id.clone()),
            event_type_id: Set(intro.id.clone()),
            contact_id: Set(contact.model.id.clone()),
            start_at: Set(start),
            end_at: Set(start + Duration::minutes(15)),
            buffer_before_min: Set(0),
            buffer_after_min: Set(0),
            status: Set(BookingStatus::Confirmed),
            source: Set(BookingSource::Api),
            invitee_name: Set(name.as_str().to_owned()),
            invitee_email: Set(email.as_str().to_owned()),
            invitee_phone: Set(None),
            invitee_time_zone: Set(zone),
            notes: Set(None),
            answers: Set("[]".into()),
            manage_token_hash: Set(app::ssr::ids::hash_token(id.as_str())),
            cancel_reason: Set(None),
            cancelled_by: Set(None),
            previous_start_at: Set(None),
            previous_end_at: Set(None),
            sequence: Set(0),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
        }
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
