//! The control endpoints and the sandbox page.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, form, json};

#[tokio::test]
async fn state_and_page_show_what_the_app_did() {
    let app = TestApp::spawn().await;
    let (session, intent) = app.paid_session().await;
    let open = app.create_session().await;
    app.post(
        "/v1/refunds",
        &form(&[("payment_intent", &intent), ("amount", "500")]),
        None,
    )
    .await;

    let state = app.state().await;
    assert_eq!(state["sessions"][0]["id"], session.as_str());
    assert_eq!(state["sessions"][1]["id"], open.as_str());
    assert_eq!(state["paymentIntents"][0]["id"], intent.as_str());
    assert_eq!(state["charges"][0]["amount_refunded"], 500);
    assert_eq!(state["refunds"][0]["amount"], 500);
    let types: Vec<&str> = state["events"]
        .as_array()
        .map(|events| events.iter().filter_map(|e| e["type"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        types,
        ["checkout.session.completed", "refund.created", "charge.refunded"]
    );
    assert_eq!(state["events"][0]["delivery"], "no_endpoint");
    assert_eq!(state["requests"], 3);
    assert_eq!(state["recentRequests"][0]["path"], "/v1/refunds");
    assert_eq!(state["pendingFaults"], 0);

    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<title>Stripe sandbox</title>") && html.contains("<caption>"));
    assert_eq!(html.matches(r#"data-testid="session-row""#).count(), 2);
    assert_eq!(html.matches(r#"data-testid="payment-row""#).count(), 1);
    assert_eq!(html.matches(r#"data-testid="refund-row""#).count(), 1);
    assert_eq!(html.matches(r#"data-testid="event-row""#).count(), 3);
    assert_eq!(html.matches(r#"data-testid="request-row""#).count(), 3);
    assert!(html.contains("Intro call &lt;30 min&gt;") && !html.contains("<30 min>"));
    assert!(html.contains("€25.00") && html.contains("€5.00"));
}

#[tokio::test]
async fn faults_are_checked_and_queued() {
    let app = TestApp::spawn().await;
    let bad = app.control("faults", &json!({"kind": "418"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let too_many = app.control("faults", &json!({"kind": "500", "count": 1_000_000})).await;
    assert_eq!(too_many.status(), StatusCode::BAD_REQUEST);
    let queued = app.control("faults", &json!({"kind": "429", "count": 2})).await;
    assert_eq!(queued.status(), StatusCode::NO_CONTENT);
    app.control("faults", &json!({"kind": "refund_pending"})).await;
    assert_eq!(app.stripe.pending_faults(), 3);
    for _ in 0..2 {
        assert_eq!(
            app.get("/v1/charges/ch_x").await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    assert_eq!(app.get("/v1/charges/ch_x").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.stripe.pending_faults(), 1, "the refund fault waits for a refund");
}

#[tokio::test]
async fn reset_empties_everything_and_restores_the_settings() {
    let app = TestApp::spawn().await;
    app.paid_session().await;
    app.stripe.set_webhook(Some("http://127.0.0.1:9/hook".to_owned()), None);
    app.stripe.hold_events();
    app.control("advance-clock", &json!({"seconds": 3600})).await;
    let response = app.http.post(app.url("/_sandbox/reset")).send().await.expect("POST");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(app.stripe.sessions().is_empty() && app.stripe.events().is_empty());
    assert!(app.stripe.payment_intents().is_empty() && app.stripe.requests().is_empty());
    assert_eq!(app.stripe.webhook_settings().url, None);
    let drift = app.stripe.now() - chrono::Utc::now();
    assert!(drift.num_seconds().abs() < 5, "the clock is real again");
    let state = json(app.http.get(app.url("/_sandbox/state")).send().await.expect("GET")).await;
    assert_eq!(state["webhooks"], json!({"url": null, "held": false}));
    let bad = app.control("advance-clock", &json!({"seconds": -1})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}
