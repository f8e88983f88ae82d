//! A job outlives the server process that enqueued it: the real binary is
//! killed before it runs the job, and a new process runs it exactly once.
use crate::helpers::{Backend, fresh_database};
use crate::support::server_process::ServerProcess;
use crate::support::smtp_sink::SmtpSink;
use app::ssr::entities::job;
use sea_orm::EntityTrait;
use std::time::Duration;

async fn start(database_url: &str, data_dir: &std::path::Path, smtp: &SmtpSink, workers: u32) -> ServerProcess {
    let demo = [("SLOTLINE_SEED_DEMO", "1".to_owned())];
    ServerProcess::start(database_url, data_dir, &smtp.url(), workers, &demo).await
}

async fn a_job_survives_the_death_of_its_process(backend: Backend) {
    let Some((database, url)) = fresh_database(backend).await else {
        return;
    };
    let smtp = SmtpSink::start().await;

    // The first process takes the booking but runs no jobs, then is killed.
    let mut first = start(&url, &database.dir, &smtp, 0).await;
    let db = server::startup::connect(&url, 2).await.unwrap();
    first.book_demo(&db, "grace@example.com").await;
    first.kill();
    assert_eq!(job::Entity::find().all(&db).await.unwrap().len(), 2);
    assert!(smtp.messages().is_empty(), "nothing was sent before the kill");

    // A new process picks the jobs up and runs each exactly once.
    let _second = start(&url, &database.dir, &smtp, 2).await;
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
