//! A log-in flood: 500 concurrent log-ins with wrong passwords, each from
//! its own client IP (as `X-Forwarded-For` from a trusted proxy), against
//! the real server binary, while the demo host logs in with the right
//! password from yet another address. Prints the server's peak memory
//! growth and how long the host took to get in; fails when memory grows by
//! more than 200 MB or the host could not log in within 30 s.
//!
//! Password hashes run one per core behind a short queue (`HashingGate`),
//! so the flood is answered 429 past it instead of holding 19 MiB per
//! Argon2 hash. The host retries as a browser user would when told to wait.
//!
//! Memory is measured from a server that has served 64 pages and a log-in,
//! so that opening its database pool (a fixed cost of any load) is not
//! counted as the flood's; the start-up figure is printed too.
//!
//! Run with `cargo bench -p server --bench login_flood` (Linux: it reads the
//! server's memory from `/proc`).
use leptos::server_fn::ServerFn;
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const ATTEMPTS: usize = 500;
const BUDGET_MB: f64 = 200.0;
const DEMO_PASSWORD: &str = "a-demo-password-for-the-flood";

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn log_in(client: &reqwest::Client, base: &str, from: &str, email: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{base}{}", app::functions::auth::LogIn::PATH))
        .header("Accept", "application/json")
        .header("X-Forwarded-For", from)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("the server answers")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("slotline-login-flood-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_server"))
        .env(
            "SLOTLINE_DATABASE_URL",
            format!("sqlite://{}/slotline.db?mode=rwc", dir.display()),
        )
        .env("SLOTLINE_DATA_DIR", &dir)
        .env("SLOTLINE_SECRET_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
        .env("SLOTLINE_SEED_DEMO", "1")
        .env("SLOTLINE_DEMO_PASSWORD", DEMO_PASSWORD)
        .env("SLOTLINE_TRUSTED_PROXIES", "127.0.0.1/32")
        .env("SLOTLINE_JOB_WORKERS", "1")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let pid = server.id();
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build()?;
    let mut healthy = false;
    for _ in 0..200 {
        if http
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::ensure!(healthy, "the server did not start");
    let cold = rss_kib(pid);
    // The baseline is a server that has served some traffic: its database
    // pool open (each SQLite connection keeps its own page cache and
    // allocator arena, whatever the load) and a log-in done.
    let warm_up: Vec<_> = (0..64)
        .map(|_| {
            let (http, base) = (http.clone(), base.clone());
            tokio::spawn(async move { http.get(format!("{base}/demo/intro")).send().await.map(|r| r.status()) })
        })
        .collect();
    for request in warm_up {
        request.await??;
    }
    log_in(&http, &base, "192.0.2.1", "demo@slotline.test", "warm-up guess").await;
    let baseline = rss_kib(pid);

    let peak = Arc::new(AtomicU64::new(baseline));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let started = Instant::now();
    let flood: Vec<_> = (0..ATTEMPTS)
        .map(|n| {
            let (http, base) = (http.clone(), base.clone());
            tokio::spawn(async move {
                let from = format!("10.{}.{}.{}", n / 65_536, (n / 256) % 256, n % 256);
                let email = format!("nobody{n}@example.com");
                log_in(&http, &base, &from, &email, "not the password")
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();

    // The host, meanwhile, from an address of their own.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let host = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut host_in = None;
    let mut host_tries = 0;
    while Instant::now() < deadline {
        host_tries += 1;
        let answer = log_in(&host, &base, "203.0.113.50", "demo@slotline.test", DEMO_PASSWORD).await;
        if answer.status().is_success() || answer.status().is_redirection() {
            host_in = Some(started.elapsed());
            break;
        }
        let wait = answer
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        tokio::time::sleep(Duration::from_millis(250).min(Duration::from_secs(wait))).await;
    }

    let mut statuses = BTreeMap::new();
    for attempt in flood {
        *statuses.entry(attempt.await?).or_insert(0) += 1;
    }
    let flood_took = started.elapsed();
    sampler.abort();
    let grown_mb = peak.load(Ordering::Relaxed).saturating_sub(baseline) as f64 / 1024.0;
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);

    println!("login_flood: {ATTEMPTS} wrong log-ins answered in {flood_took:.2?}: {statuses:?} (status: count)");
    println!(
        "login_flood: server memory grew by {grown_mb:.1} MB at its peak (budget {BUDGET_MB} MB; {:.1} MB after serving \
         64 pages and a log-in, {:.1} MB at start)",
        baseline as f64 / 1024.0,
        cold as f64 / 1024.0
    );
    match host_in {
        Some(took) => println!("login_flood: the host logged in after {took:.2?} ({host_tries} tries)"),
        None => println!("login_flood: the host could not log in within 30 s ({host_tries} tries)"),
    }
    anyhow::ensure!(grown_mb <= BUDGET_MB, "memory grew past the budget");
    anyhow::ensure!(host_in.is_some(), "the host could not log in during the flood");
    Ok(())
}
