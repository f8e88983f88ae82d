//! `Idempotency-Key`: replays (even of a 500, even after the object changed), other parameters,
//! concurrent repeats, and refusals that leave the key free.

use std::time::Duration;

use reqwest::StatusCode;
use stripe_sandbox::Fault;

use crate::helpers::{TestApp, assert_error, header, json, session_form, with, without};

const SESSIONS: &str = "/v1/checkout/sessions";

#[tokio::test]
async fn the_same_key_and_parameters_replay_the_first_answer() {
    let app = TestApp::spawn().await;
    let first = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_eq!(header(&first, "idempotent-replayed"), None);
    let first_request = header(&first, "request-id");
    let first = json(first).await;
    let id = first["id"].as_str().expect("id").to_owned();

    // The object changes meanwhile; the replay is still the first answer.
    app.stripe.pay(&id).expect("pay");
    let mut reordered = session_form();
    reordered.reverse();
    let again = app.post(SESSIONS, &reordered, Some("booking-b1")).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(header(&again, "idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(header(&again, "request-id"), first_request);
    assert_eq!(json(again).await, first);
    assert_eq!(app.stripe.sessions().len(), 1);
    assert!(app.stripe.requests()[1].replayed);

    let response = app.post(SESSIONS, &session_form(), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.stripe.sessions().len(), 2, "no key, no deduplication");
}

#[tokio::test]
async fn the_same_key_with_other_parameters_is_an_idempotency_error() {
    let app = TestApp::spawn().await;
    app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    let other = with(session_form(), "line_items[0][price_data][unit_amount]", "3000");
    let response = app.post(SESSIONS, &other, Some("booking-b1")).await;
    assert_error(response, StatusCode::BAD_REQUEST, "idempotency_error", None).await;
    let id = app.stripe.sessions()[0].id.clone();
    let elsewhere = app
        .post(&format!("{SESSIONS}/{id}/expire"), &session_form(), Some("booking-b1"))
        .await;
    assert_error(elsewhere, StatusCode::BAD_REQUEST, "idempotency_error", None).await;
    assert_eq!(app.stripe.sessions().len(), 1);
}

#[tokio::test]
async fn a_saved_500_is_replayed() {
    let app = TestApp::spawn().await;
    app.stripe.push_fault(Fault::ServerError, 1);
    let failed = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_error(failed, StatusCode::INTERNAL_SERVER_ERROR, "api_error", None).await;
    let replay = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_eq!(header(&replay, "idempotent-replayed").as_deref(), Some("true"));
    assert_error(replay, StatusCode::INTERNAL_SERVER_ERROR, "api_error", None).await;
    assert!(app.stripe.sessions().is_empty());
    let fresh = app.post(SESSIONS, &session_form(), Some("booking-b1-retry")).await;
    assert_eq!(fresh.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_concurrent_repeat_is_a_409() {
    let app = TestApp::spawn().await;
    app.stripe.push_fault(Fault::Slow(Duration::from_millis(400)), 1);
    let slow = {
        let http = app.http.clone();
        let url = app.url(SESSIONS);
        let key = app.stripe.config().secret_key.clone();
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(key)
                .header("Idempotency-Key", "booking-b1")
                .form(&session_form())
                .send()
                .await
                .expect("POST")
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let repeat = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_error(
        repeat,
        StatusCode::CONFLICT,
        "invalid_request_error",
        Some("idempotency_key_in_use"),
    )
    .await;
    let first = slow.await.expect("task");
    assert_eq!(first.status(), StatusCode::OK);
    let id = json(first).await["id"].clone();
    let later = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_eq!(header(&later, "idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(json(later).await["id"], id);
    assert_eq!(app.stripe.sessions().len(), 1);
}

#[tokio::test]
async fn refusals_before_the_endpoint_ran_leave_the_key_free() {
    let app = TestApp::spawn().await;
    let invalid = without(session_form(), "success_url");
    let refused = app.post(SESSIONS, &invalid, Some("booking-b1")).await;
    assert_error(
        refused,
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        Some("parameter_missing"),
    )
    .await;
    app.stripe.push_fault(Fault::TooManyRequests, 1);
    let throttled = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_error(
        throttled,
        StatusCode::TOO_MANY_REQUESTS,
        "invalid_request_error",
        Some("rate_limit"),
    )
    .await;
    let accepted = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(header(&accepted, "idempotent-replayed"), None);
    assert_eq!(app.stripe.sessions().len(), 1);
}

#[tokio::test]
async fn keys_are_forgotten_after_a_day() {
    let app = TestApp::spawn().await;
    app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    app.stripe.advance_clock(Duration::from_secs(24 * 3600 + 1));
    let response = app.post(SESSIONS, &session_form(), Some("booking-b1")).await;
    assert_eq!(header(&response, "idempotent-replayed"), None);
    assert_eq!(app.stripe.sessions().len(), 2);
}
