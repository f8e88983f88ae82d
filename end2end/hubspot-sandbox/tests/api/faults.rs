//! Injected faults: each kind, chaos, and the control endpoint that queues them.

use std::time::{Duration, Instant};

use hubspot_sandbox::{Chaos, Fault};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_hubspot_error, json};

fn new_contact(email: &str) -> serde_json::Value {
    json!({"properties": {"email": email}})
}

#[tokio::test]
async fn a_429_fault_answers_with_retry_after_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    app.hub.push_faults([
        Fault::TooManyRequests { retry_after: Some(3) },
        Fault::TooManyRequests { retry_after: None },
    ]);

    let response = app.post(&token, "contacts", &new_contact("a@example.com")).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "3");
    let body = json(response).await;
    assert_hubspot_error(&body, "RATE_LIMITS");
    assert_eq!(body["errorType"], "RATE_LIMIT");

    let response = app.post(&token, "contacts", &new_contact("a@example.com")).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_none());

    assert!(app.hub.contacts().is_empty());
    assert_eq!(
        app.post(&token, "contacts", &new_contact("a@example.com"))
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.hub.rate_limited_count(),
        0,
        "injected 429s are not rate-limiter rejections"
    );
}

#[tokio::test]
async fn a_500_fault_writes_nothing_but_500_after_write_does() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    app.hub.push_faults([Fault::ServerError, Fault::ServerErrorAfterWrite]);

    let response = app.post(&token, "contacts", &new_contact("a@example.com")).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = json(response).await;
    assert_hubspot_error(&body, "INTERNAL_ERROR");
    assert_eq!(body["message"], "internal error");
    assert!(app.hub.contacts().is_empty());

    let response = app.post(&token, "contacts", &new_contact("b@example.com")).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let contacts = app.hub.contacts();
    assert_eq!(contacts.len(), 1, "the write happened; only the answer was lost");
    assert_eq!(contacts[0].property("email"), Some("b@example.com"));
}

#[tokio::test]
async fn a_slow_fault_delays_a_normal_answer() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    app.hub.push_faults([Fault::Slow(Duration::from_millis(400))]);
    let started = Instant::now();
    let response = app.post(&token, "contacts", &new_contact("a@example.com")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn an_unauthorized_fault_happens_once() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    app.hub.push_faults([Fault::Unauthorized]);
    let response = app.get(&token, "contacts/1").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_hubspot_error(&json(response).await, "EXPIRED_AUTHENTICATION");
    assert_eq!(app.get(&token, "contacts/1").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn faults_apply_only_after_authentication() {
    let app = TestApp::spawn().await;
    app.hub.push_faults([Fault::ServerError]);
    let response = app.get("not-a-token", "contacts/1").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.hub.pending_faults(), 1);
}

#[tokio::test]
async fn the_control_endpoint_queues_faults() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    let body = json!({"kind": "429", "count": 2, "retryAfter": 1});
    let response = app
        .http
        .post(app.url("/_sandbox/faults"))
        .json(&body)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.hub.pending_faults(), 2);
    for _ in 0..2 {
        assert_eq!(
            app.get(&token, "contacts/1").await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    assert_eq!(app.get(&token, "contacts/1").await.status(), StatusCode::NOT_FOUND);

    let bad = json!({"kind": "418"});
    let response = app
        .http
        .post(app.url("/_sandbox/faults"))
        .json(&bad)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn chaos_fails_calls_at_the_given_rate() {
    let app = TestApp::spawn().await;
    let token = app.connect().await.access;
    app.hub.set_chaos(Some(Chaos {
        rate: 1.0,
        kinds: vec![Fault::ServerError],
        seed: Some(3),
    }));
    assert_eq!(
        app.get(&token, "contacts/1").await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );

    let off = json!({"rate": 0});
    let response = app
        .http
        .post(app.url("/_sandbox/chaos"))
        .json(&off)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&token, "contacts/1").await.status(), StatusCode::NOT_FOUND);

    let on = json!({"rate": 0.5, "seed": 11, "kinds": ["500", "429"]});
    app.http
        .post(app.url("/_sandbox/chaos"))
        .json(&on)
        .send()
        .await
        .expect("POST");
    let mut failures = 0;
    for _ in 0..40 {
        if app.get(&token, "contacts/1").await.status() != StatusCode::NOT_FOUND {
            failures += 1;
        }
    }
    assert!((5..=35).contains(&failures), "{failures} of 40 failed at rate 0.5");
}
