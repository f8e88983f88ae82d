//! Secret-key authentication and the request record.

use reqwest::StatusCode;
use serde_json::json;
use stripe_sandbox::SandboxConfig;

use crate::helpers::{STRIPE_VERSION, TestApp, assert_error, session_form};

#[tokio::test]
async fn missing_or_wrong_keys_are_401() {
    let app = TestApp::spawn_with(SandboxConfig {
        secret_key: "sk_test_right_key_1234".to_owned(),
        ..SandboxConfig::default()
    })
    .await;
    let url = app.url("/v1/checkout/sessions");
    let without = app.http.post(&url).form(&session_form()).send().await.expect("POST");
    let body = assert_error(without, StatusCode::UNAUTHORIZED, "invalid_request_error", None).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("did not provide an API key"))
    );

    let wrong = app
        .http
        .post(&url)
        .bearer_auth("sk_test_wrong_key_9876")
        .form(&session_form())
        .send()
        .await
        .expect("POST");
    let body = assert_error(wrong, StatusCode::UNAUTHORIZED, "invalid_request_error", None).await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("sk_test_") && message.ends_with("9876") && !message.contains("wrong"));

    let basic = app
        .http
        .post(&url)
        .basic_auth("sk_test_right_key_1234", Some(""))
        .form(&session_form())
        .send()
        .await
        .expect("POST");
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    assert!(app.stripe.sessions().is_empty());

    assert_eq!(
        app.post("/v1/checkout/sessions", &session_form(), None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn requests_are_recorded_with_their_stripe_version() {
    let app = TestApp::spawn().await;
    app.post("/v1/checkout/sessions", &session_form(), Some("booking-b1"))
        .await;
    app.http.get(app.url("/v1/charges/ch_x")).send().await.expect("GET");
    let requests = app.stripe.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].status, 200);
    assert_eq!(requests[0].idempotency_key.as_deref(), Some("booking-b1"));
    assert_eq!(requests[0].stripe_version.as_deref(), Some(STRIPE_VERSION));
    assert_eq!((requests[1].status, requests[1].stripe_version.as_deref()), (401, None));
    let state = app.state().await;
    assert_eq!(state["requests"], 2);
    assert_eq!(state["stripeVersions"], json!([STRIPE_VERSION]));
}
