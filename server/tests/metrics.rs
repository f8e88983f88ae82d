//! `GET /metrics` with `SLOTLINE_METRICS=1`: after a booking it reports
//! the booking counter, job run histograms by kind, the queue's gauges and
//! HTTP latency by route; without the setting there is no such page.
use crate::helpers::{Answer, Backend, spawn_app, spawn_app_configured};
use hubspot_sandbox::SandboxConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scrape_after_a_booking_shows_bookings_jobs_and_http_latency_by_route() {
    let app = spawn_app_configured(Backend::Sqlite, SandboxConfig::default(), |config| {
        config.metrics = true;
    })
    .await
    .expect("SQLite always runs");
    let host = app.sign_up("ada").await;
    app.create_event_type(&host, "intro", 30).await;
    let start = app.first_free_slot("ada", "intro").await;
    assert!(matches!(
        app.book("ada", "intro", &start, "grace@example.com").await,
        Answer::Redirect(_)
    ));
    app.drain_jobs().await;

    let response = reqwest::get(format!("{}/metrics", app.address)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "Prometheus's text format"
    );
    let text = response.text().await.unwrap();
    for expected in [
        "# TYPE slotline_bookings_created_total counter",
        "slotline_bookings_created_total{source=\"page\"}",
        "# TYPE slotline_job_duration_seconds histogram",
        "slotline_job_duration_seconds_bucket{kind=\"send_booking_email\",le=\"0.1\"}",
        "slotline_job_runs_total{kind=\"send_booking_email\",outcome=\"done\"}",
        "slotline_jobs{kind=\"send_booking_email\",state=\"waiting\"} 0",
        "slotline_jobs{kind=\"deliver_webhook\",state=\"dead\"} 0",
        "slotline_job_oldest_waiting_seconds{kind=\"send_booking_email\"} 0",
        "# TYPE slotline_http_request_duration_seconds histogram",
        "slotline_http_requests_total{method=\"POST\",route=\"/api/book\",status=\"200\"}",
        "slotline_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/book\",le=\"+Inf\"}",
    ] {
        assert!(text.contains(expected), "{expected} is missing from\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_the_setting_there_is_no_metrics_page() {
    let app = spawn_app(Backend::Sqlite).await.expect("SQLite always runs");
    let response = reqwest::get(format!("{}/metrics", app.address)).await.unwrap();
    assert_eq!(response.status(), 404);
}
