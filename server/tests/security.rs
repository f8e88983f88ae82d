//! What protects a browser on a public server: cross-site writes refused,
//! and the headers every answer carries.
use crate::helpers::{Backend, TestApp, browser, spawn_app, spawn_app_configured};
use app::functions::auth::{GetCurrentUser, LogIn};
use hubspot_sandbox::SandboxConfig;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

async fn sqlite() -> TestApp {
    spawn_app(Backend::Sqlite).await.expect("SQLite always runs")
}

async fn log_in_from(app: &TestApp, client: &reqwest::Client, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = client
        .post(format!("{}{}", app.address, LogIn::PATH))
        .header("Accept", "application/json")
        .form(&[("email", "ada@example.com"), ("password", "correct horse battery")]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the server answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_log_in_posted_from_another_site_is_refused() {
    let app = sqlite().await;
    app.sign_up("ada").await;
    let own = app.address.clone();
    for headers in [
        vec![("Origin", "https://evil.example")],
        // A sibling subdomain, which `SameSite=Lax` alone would let through.
        vec![("Origin", "http://evil.127.0.0.1.nip.io")],
        vec![("Origin", "null")],
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![("Sec-Fetch-Site", "same-site")],
    ] {
        let client = browser();
        let response = log_in_from(&app, &client, &headers).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(response.headers().get("set-cookie").is_none(), "{headers:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
        assert!(app.call::<GetCurrentUser>(&client, &[]).await.ok().is_null());
    }
    // The same log-in from Slotline's own page goes through.
    let client = browser();
    let response = log_in_from(
        &app,
        &client,
        &[("Origin", own.as_str()), ("Sec-Fetch-Site", "same-origin")],
    )
    .await;
    assert_ne!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.call::<GetCurrentUser>(&client, &[]).await.ok()["slug"], "ada");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_key_authenticated_api_is_not_bound_to_the_origin() {
    let app = sqlite().await;
    let client = app.pro_owner("ada").await;
    let key = app.api_key(&client).await;
    let response = app
        .api(reqwest::Method::POST, "/api/v1/hooks", &key)
        .header("Origin", "https://zapier.com")
        .json(&serde_json::json!({"targetUrl": "http://127.0.0.1:9/hook", "event": "booking.created"}))
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_allow_only_their_own_scripts_and_no_framing() {
    let app = sqlite().await;
    for path in ["/login", "/no-such-host/no-such-event-type-here"] {
        let response = reqwest::get(format!("{}{path}", app.address)).await.unwrap();
        let headers = response.headers().clone();
        let policy = headers["content-security-policy"].to_str().unwrap().to_owned();
        let html = response.text().await.unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"));
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: the hydration script carries the policy's nonce"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("default-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin");
        assert!(headers.get("strict-transport-security").is_none(), "not over http");
    }
    let second = reqwest::get(format!("{}/login", app.address)).await.unwrap();
    let first = reqwest::get(format!("{}/login", app.address)).await.unwrap();
    assert_ne!(
        first.headers()["content-security-policy"],
        second.headers()["content-security-policy"],
        "a nonce is used once"
    );
    let api = reqwest::get(format!("{}/api/openapi.json", app.address)).await.unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert!(api.headers().contains_key("content-security-policy"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_https_deployment_asks_browsers_to_stay_on_https() {
    let app = spawn_app_configured(Backend::Sqlite, SandboxConfig::default(), |config| {
        config.public_url = "https://slotline.example".into();
    })
    .await
    .expect("SQLite always runs");
    let response = reqwest::get(format!("{}/healthz", app.address)).await.unwrap();
    let hsts = response.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
}
