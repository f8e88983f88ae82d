//! Fifty invitees booking at once, on SQLite and on PostgreSQL: the real
//! server in-process with its job workers, 50 hosts seeded through the
//! sign-up and event-type services (each with a team, weekday hours and a
//! 30-minute event type), and two scenarios, each a burst of 50 bookings
//! released together over HTTP, every request timing itself:
//!
//! - *across hosts*: one booking on each of the 50 hosts;
//! - *one host*: all 50 on the first host, at 50 different free times, so
//!   that they queue on that host's schedule lock.
//!
//! Each scenario runs 5 rounds (`BOOKING_BURST_ROUNDS`) on times still free
//! when the round starts, after one uncounted warm-up burst. Before each
//! burst the job queue (the previous bookings' emails) is left to drain:
//! every burst meets a quiet server, and its own emails go out meanwhile.
//! Rate limits are raised out of the way.
//!
//! The bookings are posted as the booking page posts them: the form to the
//! `Book` server function (`POST /api/book`). That is the path of every
//! invitee; `POST /api/v1/bookings` is an integrator's, booking through the
//! same service behind an API key. The shared client keeps connections
//! alive, as the invitee's browser has one open from loading the page.
//!
//! Prints p50/p99 per scenario and database as a table and as `BENCH_JSON`
//! lines (`make bench` collects them). The goal is p99 ≤ 50 ms across hosts
//! on PostgreSQL: the verdict is printed, and the run fails on it only with
//! `BOOKING_BURST_ENFORCE=1`.
//!
//! PostgreSQL gets a database of its own on the server at
//! `SLOTLINE_TEST_POSTGRES_URL`, dropped afterwards. The default,
//! `postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable`, reaches
//! it as a server on the same machine is reached, without TLS (over
//! loopback, TLS made p99 about a quarter higher). When that server does not
//! answer, PostgreSQL is skipped with a note, or the run fails with
//! `SLOTLINE_REQUIRE_POSTGRES=1`.
//!
//! Run with `cargo bench -p server --bench booking_burst` (about 30 s).
use app::ssr::entities::{event_type, job, user};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use server::config::Config;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Barrier;

#[path = "support/allocator.rs"]
mod allocator;
#[path = "support/setting.rs"]
mod setting;
use setting::setting;
#[path = "support/bench_json.rs"]
mod bench_json;
#[path = "support/book_on_page.rs"]
mod book_on_page;
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

const HOSTS: usize = 50;
const GOAL_P99_MS: f64 = 50.0;
const EVENT: &str = "intro";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    AcrossHosts,
    OneHost,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Self::AcrossHosts => "across_hosts",
            Self::OneHost => "one_host",
        }
    }
}

struct Figure {
    backend: Backend,
    scenario: Scenario,
    latency: Latency,
}

type Host = (user::Model, event_type::Model);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = setting("BOOKING_BURST_ROUNDS", 5);
    let enforce = std::env::var("BOOKING_BURST_ENFORCE").is_ok_and(|v| v == "1");

    let sqlite_dir = scratch_dir();
    let sqlite_url = format!("sqlite://{}/slotline.db?mode=rwc", sqlite_dir.display());
    let mut figures = measure(Backend::Sqlite, sqlite_url, sqlite_dir, rounds).await?;
    if let Some(postgres) = ScratchPostgres::create("booking_burst").await? {
        let measured = measure(Backend::Postgres, postgres.url.clone(), scratch_dir(), rounds).await;
        postgres.drop_database().await?;
        figures.extend(measured?);
    }

    println!("booking_burst: {HOSTS} bookings at once over HTTP, {rounds} rounds per scenario");
    println!(
        "{:<10} {:<14} {:>8} {:>8} {:>8} {:>6}",
        "database", "scenario", "p50 ms", "p99 ms", "max ms", "n"
    );
    for Figure {
        backend,
        scenario,
        latency,
    } in &figures
    {
        println!(
            "{:<10} {:<14} {:>8.1} {:>8.1} {:>8.1} {:>6}",
            backend.name(),
            scenario.name(),
            latency.p50_ms,
            latency.p99_ms,
            latency.max_ms,
            latency.n
        );
    }
    for figure in &figures {
        let name = format!("booking_burst.{}.{}", figure.backend.name(), figure.scenario.name());
        bench_json::emit(&name, &figure.latency)?;
    }

    let goal = figures
        .iter()
        .find(|f| f.backend == Backend::Postgres && f.scenario == Scenario::AcrossHosts);
    match goal {
        Some(Figure { latency, .. }) if latency.p99_ms <= GOAL_P99_MS => println!(
            "booking_burst: goal met: p99 across hosts on PostgreSQL {:.1} ms ≤ {GOAL_P99_MS} ms",
            latency.p99_ms
        ),
        Some(Figure { latency, .. }) => {
            println!(
                "booking_burst: goal missed: p99 across hosts on PostgreSQL {:.1} ms > {GOAL_P99_MS} ms",
                latency.p99_ms
            );
            anyhow::ensure!(!enforce, "the goal is enforced (BOOKING_BURST_ENFORCE=1)");
        }
        None => println!("booking_burst: goal not checked: PostgreSQL was not measured"),
    }
    Ok(())
}

/// Both scenarios on a server against `database_url`, which is fresh.
async fn measure(
    backend: Backend,
    database_url: String,
    dir: std::path::PathBuf,
    rounds: usize,
) -> anyhow::Result<Vec<Figure>> {
    let config = Config {
        database_url,
        // As `server` runs by default: each burst's emails go out meanwhile.
        job_workers: 4,
        access_limits: book_on_page::unlimited(),
        ..Config::local(dir)
    };
    with_server(config, |base, db| async move {
        run_scenarios(backend, &db, &base, rounds).await
    })
    .await
}

async fn run_scenarios(
    backend: Backend,
    db: &DatabaseConnection,
    base: &str,
    rounds: usize,
) -> anyhow::Result<Vec<Figure>> {
    let mut bursts = Bursts {
        db,
        base,
        hosts: seed_hosts(db).await?,
        client: book_on_page::client()?,
        fired: 0,
    };
    // Opens the client's connections and warms the database's caches.
    bursts.fire(Scenario::AcrossHosts).await?;
    let (mut across, mut one) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        across.extend(bursts.fire(Scenario::AcrossHosts).await?);
        one.extend(bursts.fire(Scenario::OneHost).await?);
    }
    Ok(vec![
        Figure {
            backend,
            scenario: Scenario::AcrossHosts,
            latency: Latency::of(across)?,
        },
        Figure {
            backend,
            scenario: Scenario::OneHost,
            latency: Latency::of(one)?,
        },
    ])
}

/// Bursts of bookings at the seeded hosts of one server.
struct Bursts<'a> {
    db: &'a DatabaseConnection,
    base: &'a str,
    hosts: Vec<Host>,
    client: reqwest::Client,
    /// Bursts so far, which number each burst's invitees.
    fired: usize,
}

impl Bursts<'_> {
    /// Books `scenario`'s 50 free times at once, once the queue is quiet;
    /// answers each booking's time from request to answer, in milliseconds.
    async fn fire(&mut self, scenario: Scenario) -> anyhow::Result<Vec<f64>> {
        wait_for_quiet_queue(self.db).await?;
        let mut starts = Vec::with_capacity(HOSTS);
        match scenario {
            Scenario::AcrossHosts => {
                for host in &self.hosts {
                    starts.push((host, free_starts(self.db, host, 1).await?[0]));
                }
            }
            Scenario::OneHost => {
                let host = &self.hosts[0];
                for start in free_starts(self.db, host, HOSTS).await? {
                    starts.push((host, start));
                }
            }
        }
        self.fired += 1;
        let barrier = Arc::new(Barrier::new(starts.len()));
        let requests: Vec<_> = starts
            .iter()
            .enumerate()
            .map(|(i, ((host, _), start))| {
                let request = book_on_page::request(
                    &self.client,
                    self.base,
                    (&host.slug, EVENT),
                    *start,
                    (
                        &format!("Invitee Number{i}"),
                        &format!("invitee{}-{i}@example.com", self.fired),
                    ),
                );
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    book_on_page::send_timed(request).await
                })
            })
            .collect();
        let mut millis = Vec::with_capacity(requests.len());
        for request in requests {
            millis.push(request.await??);
        }
        Ok(millis)
    }
}

/// `host-00` … `host-49`, signed up as a host does, each with event type `intro`.
async fn seed_hosts(db: &DatabaseConnection) -> anyhow::Result<Vec<Host>> {
    let mut hosts = Vec::with_capacity(HOSTS);
    for n in 0..HOSTS {
        hosts.push(seed_host(db, &format!("host-{n:02}"), &format!("Host Number{n}"), EVENT).await?);
    }
    Ok(hosts)
}

/// Waits until no job is left to run, so that a burst does not compete with
/// the one before it.
async fn wait_for_quiet_queue(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let pending = job::Entity::find()
            .filter(job::Column::Status.eq(job::PENDING))
            .count(db)
            .await?;
        if pending == 0 {
            return Ok(());
        }
        anyhow::ensure!(Instant::now() < deadline, "{pending} jobs still pending after a minute");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
