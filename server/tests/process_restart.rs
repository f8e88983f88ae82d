//! A job outlives the server process that enqueued it: the real binary is
//! killed before it runs the job, and a new process runs it exactly once.
use crate::helpers::{Backend, fresh_database};
use crate::support::smtp_sink::SmtpSink;
use app::ssr::entities::job;
use sea_orm::EntityTrait;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(database_url: &str, data_dir: &std::path::Path, smtp: &SmtpSink, workers: u32) -> (Server, String) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("SLOTLINE_DATABASE_URL", database_url)
        .env("SLOTLINE_DATA_DIR", data_dir)
        .env("SLOTLINE_SECRET_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
        .env("SLOTLINE_SMTP_URL", smtp.url())
        .env("SLOTLINE_SEED_DEMO", "1")
        .env("SLOTLINE_JOB_WORKERS", workers.to_string())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting the server binary");
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return (server, base);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become healthy");
}

async fn a_job_survives_the_death_of_its_process(backend: Backend) {
    let Some((database, url)) = fresh_database(backend).await else {
        return;
    };
    let smtp = SmtpSink::start().await;

    // The first process takes the booking but runs no jobs, then is killed.
    let (mut first, base) = start(&url, &database.dir, &smtp, 0).await;
    let db = server::startup::connect(&url).await.unwrap();
    let slot = {
        use app::ssr::services::booking_page::{PageQuery, load};
        let page = load(&db, "demo", "intro", PageQuery::default()).await.unwrap();
        let day = page.days.iter().find(|d| d.has_slots).unwrap().date.clone();
        let query = PageQuery {
            month: Some(page.month.clone()),
            date: Some(day),
            ..PageQuery::default()
        };
        load(&db, "demo", "intro", query).await.unwrap().slots[0].start.clone()
    };
    use leptos::server_fn::ServerFn;
    let booked = crate::helpers::browser()
        .post(format!("{base}{}", app::functions::bookings::Book::PATH))
        .form(&[
            ("form[host]", "demo"),
            ("form[event]", "intro"),
            ("form[start]", &slot),
            ("form[time_zone]", "UTC"),
            ("form[name]", "Grace Hopper"),
            ("form[email]", "grace@example.com"),
            ("form[phone]", ""),
            ("form[notes]", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(booked.headers().contains_key("location"), "the booking was made");
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    assert_eq!(job::Entity::find().all(&db).await.unwrap().len(), 2);
    assert!(smtp.messages().is_empty(), "nothing was sent before the kill");

    // A new process picks the jobs up and runs each exactly once.
    let (_second, _) = start(&url, &database.dir, &smtp, 2).await;
    assert_eq!(smtp.wait_for(2, Duration::from_secs(20)).await.len(), 2);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(smtp.messages().len(), 2, "no job ran twice");
    let jobs = job::Entity::find().all(&db).await.unwrap();
    assert!(
        jobs.iter().all(|j| j.status == job::DONE && j.attempts == 1),
        "{jobs:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_job_survives_the_death_of_its_process_on_sqlite() {
    a_job_survives_the_death_of_its_process(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_job_survives_the_death_of_its_process_on_postgres() {
    a_job_survives_the_death_of_its_process(Backend::Postgres).await;
}
