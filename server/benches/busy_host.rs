//! A host's history must not slow its page or its bookings. Two hosts on
//! one server, on SQLite and on PostgreSQL: one new, one with 20,000 past
//! bookings over the last three years (`BUSY_HOST_HISTORY`), made and
//! booked then. Each is measured the same way, one request at a time,
//! alternating between the two:
//!
//! - *page*: the booking page's data with its free times
//!   (`POST /api/booking_page`, as the page asks for a month);
//! - *booking*: the page's form posted to `Book` (`POST /api/book`), which
//!   re-checks the slot and the hourly limits under the host's lock.
//!
//! Prints p50/p99 per database, host and request, and the busy host's
//! p50 as a ratio of the new host's, as a table and as `BENCH_JSON` lines
//! (`make bench` collects them). The goal is a ratio of at most 1.5: what
//! a request reads grows with the weeks it shows, not with the years behind
//! it. The verdict is printed; the run fails on it only with
//! `BUSY_HOST_ENFORCE=1`.
//!
//! Run with `cargo bench -p server --bench busy_host` (about a minute).
use app::domain::{BookingSource, Email, PersonName};
use app::functions::bookings::BookingPage;
use app::ssr::entities::{booking, event_type, user};
use app::ssr::services::contacts;
use chrono::{Duration, Utc};
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveValue, DatabaseConnection, EntityTrait};
use server::config::Config;
use std::time::Instant;

#[path = "support/allocator.rs"]
mod allocator;
#[path = "support/setting.rs"]
mod setting;
use setting::setting;
#[path = "support/bench_json.rs"]
mod bench_json;
#[path = "support/book_on_page.rs"]
mod book_on_page;
#[path = "support/booking_row.rs"]
mod booking_row;
#[path = "support/latency.rs"]
mod latency;
use latency::Latency;
#[path = "support/hosts.rs"]
mod hosts;
use hosts::{free_starts, seed_host};
#[path = "support/in_process.rs"]
mod in_process;
use in_process::{scratch_dir, with_server};
#[path = "support/scratch_postgres.rs"]
mod scratch_postgres;
use scratch_postgres::ScratchPostgres;

const EVENT: &str = "intro";
const GOAL_RATIO: f64 = 1.5;
/// Rows per insert: within both databases' limits on bound values.
const CHUNK: usize = 500;

type Host = (user::Model, event_type::Model);

/// One request's timings on both hosts of one database.
struct Figure {
    backend: &'static str,
    request: &'static str,
    new: Latency,
    busy: Latency,
}

impl Figure {
    /// The busy host's p50 as a ratio of the new host's.
    fn ratio(&self) -> f64 {
        self.busy.p50_ms / self.new.p50_ms
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let history: usize = setting("BUSY_HOST_HISTORY", 20_000);
    let requests: usize = setting("BUSY_HOST_REQUESTS", 40);
    let enforce = std::env::var("BUSY_HOST_ENFORCE").is_ok_and(|v| v == "1");

    let sqlite_dir = scratch_dir();
    let sqlite_url = format!("sqlite://{}/slotline.db?mode=rwc", sqlite_dir.display());
    let mut figures = measure("sqlite", sqlite_url, sqlite_dir, history, requests).await?;
    if let Some(postgres) = ScratchPostgres::create("busy_host").await? {
        let measured = measure("postgres", postgres.url.clone(), scratch_dir(), history, requests).await;
        postgres.drop_database().await?;
        figures.extend(measured?);
    }

    println!("busy_host: a new host and one with {history} past bookings, {requests} requests each");
    println!(
        "{:<32} {:>8} {:>8} {:>8} {:>6}",
        "figure", "p50 ms", "p99 ms", "max ms", "n"
    );
    let mut missed = Vec::new();
    for figure in &figures {
        let name = format!("{}.{}", figure.backend, figure.request);
        for (host, latency) in [("new", &figure.new), ("busy", &figure.busy)] {
            println!(
                "{:<32} {:>8.2} {:>8.2} {:>8.2} {:>6}",
                format!("{}.{host}.{}", figure.backend, figure.request),
                latency.p50_ms,
                latency.p99_ms,
                latency.max_ms,
                latency.n
            );
        }
        if figure.ratio() > GOAL_RATIO {
            missed.push(name);
        }
    }
    for figure in &figures {
        let (backend, request) = (figure.backend, figure.request);
        bench_json::emit(&format!("busy_host.{backend}.new.{request}"), &figure.new)?;
        bench_json::emit(&format!("busy_host.{backend}.busy.{request}"), &figure.busy)?;
        let ratio = figure.ratio();
        println!("busy_host: {backend}.{request}: the busy host's p50 is {ratio:.2}× the new host's");
        bench_json::emit(
            &format!("busy_host.{backend}.{request}.ratio"),
            &serde_json::json!({ "ratio": ratio }),
        )?;
    }
    if missed.is_empty() {
        println!("busy_host: goal met: every ratio ≤ {GOAL_RATIO}");
    } else {
        println!("busy_host: goal missed (ratio > {GOAL_RATIO}): {}", missed.join(", "));
        anyhow::ensure!(!enforce, "the goal is enforced (BUSY_HOST_ENFORCE=1)");
    }
    Ok(())
}

/// Both hosts' figures on a server against `database_url`, which is fresh.
async fn measure(
    backend: &'static str,
    database_url: String,
    dir: std::path::PathBuf,
    history: usize,
    requests: usize,
) -> anyhow::Result<Vec<Figure>> {
    let config = Config {
        database_url,
        job_workers: 1,
        access_limits: book_on_page::unlimited(),
        ..Config::local(dir)
    };
    with_server(config, |base, db| async move {
        let new = seed_host(&db, "new-host", "New Host", EVENT).await?;
        let busy = seed_host(&db, "busy-host", "Busy Host", EVENT).await?;
        seed_history(&db, &busy, history).await?;
        time_both(backend, &db, &base, [&new, &busy], requests).await
    })
    .await
}

/// `count` past bookings of `host`, spread evenly over the three years
/// before now, each made a day before it took place.
async fn seed_history(db: &DatabaseConnection, (host, event): &Host, count: usize) -> anyhow::Result<()> {
    let email = Email::parse("regular@example.com")?;
    let name = PersonName::parse("Regular Invitee").map_err(anyhow::Error::msg)?;
    let contact = contacts::upsert_from_booking(db, &host.team_id, &email, &name, None, "booking").await?;
    let now = Utc::now();
    let span = Duration::days(3 * 365).num_minutes();
    let step = span / i64::try_from(count.max(1))?;
    let rows: Vec<booking::ActiveModel> = (0..count)
        .map(|i| {
            let start = now - Duration::minutes(span - step * i64::try_from(i)?);
            let mut row = booking_row::confirmed(
                &app::domain::BookingId::generate(),
                (host, event),
                (&contact.model.id, &email, &name),
                start,
                30,
                BookingSource::Page,
            )?;
            row.created_at = ActiveValue::Set(start - Duration::days(1));
            Ok(row)
        })
        .collect::<anyhow::Result<_>>()?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(CHUNK).collect();
        booking::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Times `requests` page reads and bookings on each host, taking turns.
async fn time_both(
    backend: &'static str,
    db: &DatabaseConnection,
    base: &str,
    hosts: [&Host; 2],
    requests: usize,
) -> anyhow::Result<Vec<Figure>> {
    let client = book_on_page::client()?;
    let starts = [
        free_starts(db, hosts[0], requests).await?,
        free_starts(db, hosts[1], requests).await?,
    ];
    // Opens the client's connection and warms the caches.
    for host in hosts {
        time_page(&client, base, host).await?;
    }
    let mut pages = [Vec::new(), Vec::new()];
    let mut bookings = [Vec::new(), Vec::new()];
    for (round, times) in starts[0].iter().zip(&starts[1]).enumerate() {
        for (at, (host, start)) in hosts.iter().zip([times.0, times.1]).enumerate() {
            pages[at].push(time_page(&client, base, host).await?);
            let request = book_on_page::request(
                &client,
                base,
                (&host.0.slug, EVENT),
                *start,
                ("Invitee Number", &format!("invitee{round}-{at}@example.com")),
            );
            bookings[at].push(book_on_page::send_timed(request).await?);
        }
    }
    let [new_pages, busy_pages] = pages;
    let [new_bookings, busy_bookings] = bookings;
    Ok(vec![
        Figure {
            backend,
            request: "page",
            new: Latency::of(new_pages)?,
            busy: Latency::of(busy_pages)?,
        },
        Figure {
            backend,
            request: "booking",
            new: Latency::of(new_bookings)?,
            busy: Latency::of(busy_bookings)?,
        },
    ])
}

/// Loads the booking page's data for `host`'s event, with its free times.
async fn time_page(client: &reqwest::Client, base: &str, (host, _): &Host) -> anyhow::Result<f64> {
    let started = Instant::now();
    let response = client
        .post(format!("{base}{}", BookingPage::PATH))
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[
            ("query[host]", host.slug.as_str()),
            ("query[event]", EVENT),
            ("query[time_zone]", "America/New_York"),
        ])
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    let millis = started.elapsed().as_secs_f64() * 1_000.0;
    anyhow::ensure!(status.is_success(), "the booking page's data ({status}): {body}");
    Ok(millis)
}
