//! Sessions expire when the sandbox clock passes their `expires_at`, raising
//! `checkout.session.expired`.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use stripe_sandbox::{CheckoutError, SandboxConfig, SessionStatus};

use crate::helpers::{TestApp, json, session_form, with};
use crate::receiver::Receiver;

#[tokio::test]
async fn a_session_expires_when_the_clock_passes_expires_at() {
    let receiver = Receiver::spawn(0).await;
    let app = TestApp::spawn_with(SandboxConfig {
        webhook_url: Some(receiver.url.clone()),
        ..SandboxConfig::default()
    })
    .await;
    let at = app.stripe.now().timestamp() + 31 * 60;
    let session = app
        .create_session_with(&with(session_form(), "expires_at", &at.to_string()))
        .await;
    let id = session["id"].as_str().expect("id");

    app.stripe.advance_clock(Duration::from_secs(30 * 60));
    assert_eq!(app.stripe.session(id).map(|s| s.status), Some(SessionStatus::Open));
    let response = app.control("advance-clock", &json!({"seconds": 120})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.stripe.session(id).map(|s| s.status), Some(SessionStatus::Expired));

    let read = json(app.get(&format!("/v1/checkout/sessions/{id}")).await).await;
    assert_eq!((&read["status"], &read["url"]), (&json!("expired"), &json!(null)));
    assert_eq!(app.stripe.pay(id), Err(CheckoutError::Expired));

    let request = receiver.wait_for(1).await.remove(0);
    request.assert_valid(&app.stripe.config().webhook_secret);
    let event = request.event();
    assert_eq!(event["type"], "checkout.session.expired");
    assert_eq!(event["data"]["object"]["id"], id);
    assert_eq!(event["data"]["object"]["status"], "expired");
    assert_eq!(event["request"]["id"], json!(null));
    assert_eq!(app.stripe.events().len(), 1, "expired once");
}

#[tokio::test]
async fn by_default_sessions_last_a_day() {
    let app = TestApp::spawn().await;
    let id = app.create_session().await;
    let (paid, _) = app.paid_session().await;
    app.stripe.advance_clock(Duration::from_secs(24 * 3600 - 60));
    assert_eq!(app.stripe.session(&id).map(|s| s.status), Some(SessionStatus::Open));
    app.stripe.advance_clock(Duration::from_secs(60));
    assert_eq!(app.stripe.session(&id).map(|s| s.status), Some(SessionStatus::Expired));
    assert_eq!(
        app.stripe.session(&paid).map(|s| s.status),
        Some(SessionStatus::Complete),
        "paid sessions stay complete"
    );
    assert_eq!(app.stripe.events_of_type("checkout.session.expired").len(), 1);
}
