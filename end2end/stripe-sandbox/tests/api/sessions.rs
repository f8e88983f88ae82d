//! Checkout Sessions through the API: retrieve (with expansion), `expires_at` bounds, expire, and
//! the PaymentIntent and Charge a payment leaves.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_error, form, json, session_form, with};

#[tokio::test]
async fn a_session_reads_back_and_expands_its_payment() {
    let app = TestApp::spawn().await;
    let created = app.create_session_with(&session_form()).await;
    let id = created["id"].as_str().expect("id");
    let path = format!("/v1/checkout/sessions/{id}");
    assert_eq!(json(app.get(&path).await).await, created);

    app.stripe.pay(id).expect("pay");
    let session = json(app.get(&path).await).await;
    let intent_id = session["payment_intent"].as_str().expect("pi id").to_owned();
    assert!(intent_id.starts_with("pi_"));
    assert_eq!(
        (&session["status"], &session["payment_status"], &session["url"]),
        (&json!("complete"), &json!("paid"), &json!(null))
    );
    assert_eq!(session["customer_details"]["email"], "jane@example.com");

    let expanded = json(app.get(&format!("{path}?expand[]=payment_intent")).await).await;
    let intent = &expanded["payment_intent"];
    assert_eq!(intent["id"], intent_id.as_str());
    assert_eq!(intent["object"], "payment_intent");
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(intent["metadata"], json!({"booking_id": "b1"}));
    assert!(intent["latest_charge"].as_str().is_some_and(|c| c.starts_with("ch_")));

    let deeper = json(app.get(&format!("{path}?expand[0]=payment_intent.latest_charge")).await).await;
    assert_eq!(
        deeper["payment_intent"]["latest_charge"]["payment_method_details"]["card"]["last4"],
        "4242"
    );

    let bad = app.get(&format!("{path}?expand[]=customer")).await;
    let error = assert_error(bad, StatusCode::BAD_REQUEST, "invalid_request_error", None).await;
    assert_eq!(error["error"]["param"], "expand");

    let missing = app.get("/v1/checkout/sessions/cs_test_nope").await;
    let error = assert_error(
        missing,
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        Some("resource_missing"),
    )
    .await;
    assert_eq!(error["error"]["message"], "No such checkout.session: 'cs_test_nope'");
}

#[tokio::test]
async fn the_payment_intent_and_charge_carry_the_payment() {
    let app = TestApp::spawn().await;
    let (_, intent_id) = app.paid_session().await;
    let intent = json(app.get(&format!("/v1/payment_intents/{intent_id}")).await).await;
    assert_eq!(
        (intent["amount"].as_i64(), intent["currency"].as_str()),
        (Some(2500), Some("eur"))
    );
    let charge_id = intent["latest_charge"].as_str().expect("charge").to_owned();
    let charge = json(app.get(&format!("/v1/charges/{charge_id}")).await).await;
    assert_eq!(charge["object"], "charge");
    assert_eq!(charge["amount"], 2500);
    assert_eq!(charge["currency"], "eur");
    assert_eq!(charge["payment_intent"], intent_id.as_str());
    assert_eq!(charge["payment_method_details"]["type"], "card");
    assert_eq!(charge["payment_method_details"]["card"]["brand"], "visa");
    assert_eq!(charge["payment_method_details"]["card"]["last4"], "4242");
    assert_eq!(
        (charge["refunded"].as_bool(), charge["amount_refunded"].as_i64()),
        (Some(false), Some(0))
    );
    let expanded = json(
        app.get(&format!("/v1/payment_intents/{intent_id}?expand[]=latest_charge"))
            .await,
    )
    .await;
    assert_eq!(expanded["latest_charge"]["id"], charge_id.as_str());
    for path in ["/v1/payment_intents/pi_nope", "/v1/charges/ch_nope"] {
        assert_error(
            app.get(path).await,
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            Some("resource_missing"),
        )
        .await;
    }
}

#[tokio::test]
async fn expires_at_must_be_half_an_hour_to_a_day_ahead() {
    let app = TestApp::spawn().await;
    // Ahead of the sandbox clock, which tests can move.
    app.stripe.advance_clock(Duration::from_secs(7 * 24 * 3600));
    let now = app.stripe.now().timestamp();
    for ahead in [15 * 60, 29 * 60, 24 * 3600 + 60] {
        let body = with(session_form(), "expires_at", &(now + ahead).to_string());
        let response = app.post("/v1/checkout/sessions", &body, None).await;
        let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request_error", None).await;
        assert_eq!(error["error"]["param"], "expires_at", "{ahead}");
    }
    for ahead in [31 * 60, 23 * 3600] {
        let at = now + ahead;
        let session = app
            .create_session_with(&with(session_form(), "expires_at", &at.to_string()))
            .await;
        assert_eq!(session["expires_at"], at);
    }
}

#[tokio::test]
async fn expiring_closes_an_open_session_once() {
    let app = TestApp::spawn().await;
    let id = app.create_session().await;
    let path = format!("/v1/checkout/sessions/{id}/expire");
    let response = app.post(&path, &form(&[]), Some("expire-b1")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let request_id = response.headers()["request-id"].to_str().expect("id").to_owned();
    let session = json(response).await;
    assert_eq!((&session["status"], &session["url"]), (&json!("expired"), &json!(null)));
    assert_eq!(session["payment_status"], "unpaid");

    let events = app.stripe.events_of_type("checkout.session.expired");
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].body["request"],
        json!({"id": request_id, "idempotency_key": "expire-b1"})
    );
    assert_eq!(events[0].object()["status"], "expired");

    let again = app.post(&path, &form(&[]), None).await;
    assert_error(again, StatusCode::BAD_REQUEST, "invalid_request_error", None).await;
    assert!(app.stripe.pay(&id).is_err(), "an expired session cannot be paid");
    let unknown = app
        .post("/v1/checkout/sessions/cs_test_nope/expire", &form(&[]), None)
        .await;
    assert_error(
        unknown,
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        Some("resource_missing"),
    )
    .await;
}

#[tokio::test]
async fn expiring_after_payment_fails_and_the_payment_wins() {
    let app = TestApp::spawn().await;
    let (id, intent) = app.paid_session().await;
    let response = app
        .post(&format!("/v1/checkout/sessions/{id}/expire"), &form(&[]), None)
        .await;
    let error = assert_error(response, StatusCode::BAD_REQUEST, "invalid_request_error", None).await;
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("complete"))
    );
    let session = app.stripe.session(&id).expect("session");
    assert_eq!(session.payment_intent.as_deref(), Some(intent.as_str()));
    assert!(session.paid);
    assert!(app.stripe.events_of_type("checkout.session.expired").is_empty());
}
