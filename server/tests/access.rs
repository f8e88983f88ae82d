//! Log-in and sign-up under abuse: attempts limited per client IP, failed
//! log-ins slowing their account down, oversized passwords refused before
//! hashing. Clients are told apart by `X-Forwarded-For` from a trusted proxy.
use crate::helpers::{Backend, TestApp, browser, spawn_app_configured};
use app::functions::auth::{LogIn, SignUp};
use app::ssr::access::AccessLimits;
use hubspot_sandbox::SandboxConfig;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

async fn behind_a_proxy(limits: AccessLimits) -> TestApp {
    spawn_app_configured(Backend::Sqlite, SandboxConfig::default(), |config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        config.access_limits = limits;
    })
    .await
    .expect("SQLite always runs")
}

async fn log_in_from(app: &TestApp, client: Option<&str>, email: &str, password: &str) -> reqwest::Response {
    let mut request = browser()
        .post(format!("{}{}", app.address, LogIn::PATH))
        .header("Accept", "application/json")
        .form(&[("email", email), ("password", password)]);
    if let Some(ip) = client {
        request = request.header("X-Forwarded-For", ip);
    }
    request.send().await.expect("the server answers")
}

async fn sign_up_from(app: &TestApp, client: &str, slug: &str) -> StatusCode {
    let email = format!("{slug}@example.com");
    browser()
        .post(format!("{}{}", app.address, SignUp::PATH))
        .header("Accept", "application/json")
        .header("X-Forwarded-For", client)
        .form(&[
            ("form[name]", "Ada Lovelace"),
            ("form[email]", email.as_str()),
            ("form[slug]", slug),
            ("form[password]", "correct horse battery"),
            ("form[time_zone]", "Europe/Berlin"),
        ])
        .send()
        .await
        .expect("the server answers")
        .status()
}

const RIGHT: &str = "correct horse battery";

/// A server function that succeeded answers 200, or redirects.
fn went_through(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn log_ins_are_limited_per_client_ip() {
    let app = behind_a_proxy(AccessLimits {
        log_ins_per_minute: 3,
        sign_ups_per_hour: 100,
        ..AccessLimits::default()
    })
    .await;
    app.sign_up("ada").await;
    for n in 0..3 {
        let email = format!("nobody{n}@example.com");
        let answer = log_in_from(&app, Some("198.51.100.1"), &email, "wrong password").await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = log_in_from(&app, Some("198.51.100.1"), "ada@example.com", RIGHT).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert!(body.to_string().contains("Too many log-in attempts"), "{body}");

    let elsewhere = log_in_from(&app, Some("198.51.100.2"), "ada@example.com", RIGHT).await;
    assert!(went_through(elsewhere.status()));
    // The server's own machine is not limited per IP.
    for _ in 0..5 {
        let local = log_in_from(&app, None, "nobody@example.com", "wrong password").await;
        assert_eq!(local.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_log_ins_make_their_account_wait_from_any_network() {
    let app = behind_a_proxy(AccessLimits::default()).await;
    app.sign_up("ada").await;
    for n in 0..5 {
        let ip = format!("203.0.113.{n}");
        let answer = log_in_from(&app, Some(&ip), "ada@example.com", "guess").await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let held = log_in_from(&app, Some("203.0.113.99"), "ADA@example.com", RIGHT).await;
    assert_eq!(
        held.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let body: serde_json::Value = held.json().await.unwrap();
    assert!(body.to_string().contains("failed log-ins for this account"), "{body}");
    // Another account is not held.
    app.sign_up("grace").await;
    let other = log_in_from(&app, Some("203.0.113.99"), "grace@example.com", RIGHT).await;
    assert!(went_through(other.status()));

    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let after_the_wait = log_in_from(&app, Some("203.0.113.99"), "ada@example.com", RIGHT).await;
    assert!(went_through(after_the_wait.status()), "{}", after_the_wait.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_ups_are_limited_per_client_ip() {
    let app = behind_a_proxy(AccessLimits {
        log_ins_per_minute: 100,
        sign_ups_per_hour: 2,
        ..AccessLimits::default()
    })
    .await;
    assert!(went_through(sign_up_from(&app, "192.0.2.1", "ada").await));
    assert_eq!(
        sign_up_from(&app, "192.0.2.1", "ada").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "probing a taken address counts too"
    );
    assert_eq!(
        sign_up_from(&app, "192.0.2.1", "grace").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert!(went_through(sign_up_from(&app, "192.0.2.2", "grace").await));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_oversized_password_is_refused_before_hashing() {
    let app = behind_a_proxy(AccessLimits::default()).await;
    app.sign_up("ada").await;
    let huge = "x".repeat(1_025);
    let answer = log_in_from(&app, Some("198.51.100.7"), "ada@example.com", &huge).await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert!(body.to_string().contains("don’t match an account"), "{body}");
}
