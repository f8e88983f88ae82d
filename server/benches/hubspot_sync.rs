//! Sync throughput against HubSpot's rate limit: 1,000 bookings (override
//! with `HUBSPOT_BENCH_BOOKINGS`) synced to the sandbox, which enforces 100
//! requests per 10 s per portal like a strict HubSpot. Prints the request
//! rate as a fraction of that limit (goal: at least 0.9) and how many
//! requests the limiter rejected (goal: none), also as a `BENCH_JSON` line
//! for `make bench`.
//!
//! Run with `cargo bench -p server --bench hubspot_sync`. It takes about
//! 3½ minutes at 1,000 bookings: the limit, not Slotline, sets the pace.
use app::domain::{Email, PersonName};
use app::ssr::entities::external_link;
use app::ssr::jobs::{SyncAction, SyncBookingToHubspot, enqueue};
use app::ssr::services::contacts;
use chrono::{Duration, Utc};
use hubspot_sandbox::{Sandbox, SandboxConfig};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::config::{Config, HubspotSettings};
use server::startup::Application;
use std::time::Instant;

#[path = "support/allocator.rs"]
mod allocator;
#[path = "support/setting.rs"]
mod setting;
use setting::setting;
#[path = "support/bench_json.rs"]
mod bench_json;
#[path = "support/booking_row.rs"]
mod booking_row;
#[path = "support/hubspot_connect.rs"]
mod hubspot_connect;
use hubspot_connect::connect_demo;

const LIMIT: u32 = 100;
const WINDOW_SECS: f64 = 10.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bookings: usize = setting("HUBSPOT_BENCH_BOOKINGS", 1_000);
    let sandbox = Sandbox::spawn(SandboxConfig {
        rate_limit: Some((LIMIT, std::time::Duration::from_secs(10))),
        ..SandboxConfig::default()
    })
    .await;
    let dir = std::env::temp_dir().join(format!("slotline-bench-{}", app::ssr::ids::new_id()));
    let settings = HubspotSettings {
        client_id: sandbox.config().client_id.clone(),
        client_secret: sandbox.config().client_secret.clone(),
        api_base: sandbox.base_url.clone(),
        auth_url: sandbox.authorize_url(),
        requests_per_10s: LIMIT,
        search_lag: std::time::Duration::from_millis(200),
        request_timeout: std::time::Duration::from_secs(15),
        pull_interval: std::time::Duration::from_secs(600),
    };
    let config = Config {
        seed_demo: true,
        demo_password: Some("bench-password".into()),
        hubspot: Some(settings),
        ..Config::local(dir.clone())
    };
    let application = Application::build(config.clone()).await?;
    let state = application.state().clone();
    let runner = application.runner();
    let db = state.db.clone();

    let host = connect_demo(&state, &config, &sandbox).await?;

    // The bookings themselves, with their sync jobs, as booking would leave them.
    let event = app::ssr::entities::event_type::Entity::find()
        .filter(app::ssr::entities::event_type::Column::UserId.eq(&host.id))
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("an event type"))?;
    let first = Utc::now() + Duration::days(1);
    for i in 0..bookings {
        let email = Email::parse(&format!("invitee{i}@example.com"))?;
        let name = PersonName::parse(&format!("Invitee Number{i}")).map_err(anyhow::Error::msg)?;
        let txn = app::ssr::db::write_transaction(&db).await?;
        let contact_id = contacts::upsert_from_booking(&txn, &host.team_id, &email, &name, None, "booking")
            .await?
            .model
            .id;
        let start = first + Duration::minutes(30 * i as i64);
        let id = app::domain::BookingId::generate();
        booking_row::confirmed(
            &id,
            (&host, &event),
            (&contact_id, &email, &name),
            start,
            30,
            app::domain::BookingSource::Page,
        )?
        .insert(&txn)
        .await?;
        let job = SyncBookingToHubspot {
            team_id: host.team_id.clone(),
            booking_id: id,
            action: SyncAction::Created,
        };
        enqueue(&txn, &job).await?;
        txn.commit().await?;
    }

    let requests_before = sandbox.requests().len();
    let started = Instant::now();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = runner.spawn_workers(8, stopped);
    loop {
        let synced = external_link::Entity::find()
            .filter(external_link::Column::RemoteKind.eq("meeting"))
            .filter(external_link::Column::RemoteId.is_not_null())
            .count(&db)
            .await?;
        if synced as usize == bookings {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(true);
    for worker in workers {
        let _ = worker.await;
    }
    let requests = sandbox.requests().len() - requests_before;
    let rate = requests as f64 / elapsed;
    let allowed = f64::from(LIMIT) / WINDOW_SECS;
    println!("hubspot_sync: {bookings} bookings, {requests} HubSpot requests in {elapsed:.1} s");
    println!(
        "hubspot_sync: {rate:.2} requests/s = {:.3} of the limit ({allowed:.0}/s)",
        rate / allowed
    );
    let rejected = sandbox.rate_limited_count();
    println!("hubspot_sync: {rejected} requests rejected by HubSpot's limiter");
    bench_json::emit(
        "hubspot_sync",
        &serde_json::json!({
            "fraction_of_limit": rate / allowed,
            "rejected": rejected,
            "requests_per_s": rate,
            "n": bookings,
        }),
    )?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
