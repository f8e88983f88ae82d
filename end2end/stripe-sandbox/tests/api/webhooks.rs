//! Webhook delivery: signed as STRIPE.md says (checked here independently), shaped like Stripe's
//! events, retried, recorded, redelivered with the same id, held and sent out of order.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use stripe_sandbox::{API_VERSION, DeliveryStatus, Event, ReleaseOrder, SandboxConfig, Signing};

use crate::helpers::{TestApp, json};
use crate::receiver::Receiver;

const SECRET: &str = "whsec_test_receiver_secret";

async fn app_sending_to(receiver: &Receiver) -> TestApp {
    TestApp::spawn_with(SandboxConfig {
        webhook_url: Some(receiver.url.clone()),
        webhook_secret: SECRET.to_owned(),
        ..SandboxConfig::default()
    })
    .await
}

/// Waits (up to 5 s) until the event's delivery is no longer pending.
async fn settled(app: &TestApp, id: &str) -> Event {
    for _ in 0..100 {
        let event = app.stripe.events().into_iter().find(|event| event.id == id);
        if let Some(event) = event.filter(|event| event.delivery != DeliveryStatus::Pending) {
            return event;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("event {id} still pending");
}

#[tokio::test]
async fn a_completed_checkout_arrives_signed_and_shaped_like_stripes() {
    let receiver = Receiver::spawn(0).await;
    let app = app_sending_to(&receiver).await;
    let (session, intent) = app.paid_session().await;
    let request = receiver.wait_for(1).await.remove(0);
    request.assert_valid(SECRET);
    assert!(!request.signed_with("whsec_other"));
    let event = request.event();
    assert!(event["id"].as_str().is_some_and(|id| id.starts_with("evt_")));
    assert_eq!(event["object"], "event");
    assert_eq!(event["type"], "checkout.session.completed");
    assert_eq!(event["api_version"], API_VERSION);
    assert_eq!(event["livemode"], false);
    assert_eq!(event["pending_webhooks"], 1);
    assert_eq!(event["request"], json!({"id": null, "idempotency_key": null}));
    assert!(event["created"].as_i64().is_some());
    let object = &event["data"]["object"];
    assert_eq!(object["id"], session.as_str());
    assert_eq!(object["payment_status"], "paid");
    assert_eq!(object["payment_intent"], intent.as_str());
    assert_eq!(object["metadata"], json!({"booking_id": "b1"}));

    let recorded = settled(&app, event["id"].as_str().expect("id")).await;
    assert_eq!(recorded.delivery, DeliveryStatus::Delivered);
    assert_eq!(recorded.attempts.len(), 1);
    assert_eq!(recorded.attempts[0].status, Some(200));
    assert_eq!(recorded.attempts[0].signed_at, request.signature().0);
}

#[tokio::test]
async fn failures_are_retried_with_the_same_event() {
    let receiver = Receiver::spawn(2).await;
    let app = app_sending_to(&receiver).await;
    app.paid_session().await;
    let requests = receiver.wait_for(3).await;
    let ids: Vec<_> = requests.iter().map(|request| request.event()["id"].clone()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    for request in &requests {
        request.assert_valid(SECRET);
    }
    let event = settled(&app, ids[0].as_str().expect("id")).await;
    assert_eq!(event.delivery, DeliveryStatus::Delivered);
    let statuses: Vec<Option<u16>> = event.attempts.iter().map(|attempt| attempt.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_after_four_attempts() {
    let app = TestApp::spawn().await;
    // Nothing listens on the discard port.
    app.stripe.set_webhook(Some("http://127.0.0.1:9/hook".to_owned()), None);
    let (session, _) = app.paid_session().await;
    let id = app.stripe.events()[0].id.clone();
    let event = settled(&app, &id).await;
    assert_eq!(event.delivery, DeliveryStatus::Failed);
    assert_eq!(event.attempts.len(), 4);
    assert!(
        event
            .attempts
            .iter()
            .all(|attempt| attempt.status.is_none() && attempt.error.is_some())
    );
    let state = app.state().await;
    assert_eq!(state["events"][0]["delivery"], "failed");
    assert_eq!(state["events"][0]["objectId"], session.as_str());
    assert_eq!(state["events"][0]["attempts"].as_array().map(Vec::len), Some(4));
}

#[tokio::test]
async fn redelivery_sends_the_same_event_again() {
    let receiver = Receiver::spawn(0).await;
    let app = app_sending_to(&receiver).await;
    app.paid_session().await;
    let first = receiver.wait_for(1).await.remove(0).event();
    let id = first["id"].as_str().expect("id").to_owned();
    settled(&app, &id).await;

    app.stripe.redeliver(&id).expect("redeliver");
    let response = app.control(&format!("events/{id}/redeliver"), &json!({})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let requests = receiver.wait_for(3).await;
    for request in &requests {
        request.assert_valid(SECRET);
        let mut event = request.event();
        // Stripe counts endpoints still waiting: none once the first delivery succeeded.
        event["pending_webhooks"] = first["pending_webhooks"].clone();
        assert_eq!(event, first);
    }
    assert_eq!(requests[1].event()["pending_webhooks"], 0);
    let event = settled(&app, &id).await;
    let redeliveries: Vec<bool> = event.attempts.iter().map(|attempt| attempt.redelivery).collect();
    assert_eq!(redeliveries.len(), 3);
    assert_eq!(redeliveries.iter().filter(|r| **r).count(), 2);

    let unknown = app.control("events/evt_nope/redeliver", &json!({})).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn redeliveries_can_be_signed_stale_or_with_another_secret() {
    let receiver = Receiver::spawn(0).await;
    let app = app_sending_to(&receiver).await;
    app.paid_session().await;
    let id = receiver.wait_for(1).await.remove(0).event()["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let stale = Signing {
        seconds_ago: 600,
        secret: None,
    };
    app.stripe.redeliver_signed(&id, &stale).expect("redeliver");
    let old = receiver.wait_for(2).await.remove(1);
    assert!(old.signed_with(SECRET));
    let age = chrono::Utc::now().timestamp() - old.signature().0;
    assert!((600..=602).contains(&age), "{age}");

    let body = json!({"secret": "whsec_someone_else"});
    app.control(&format!("events/{id}/redeliver"), &body).await;
    let forged = receiver.wait_for(3).await.remove(2);
    assert!(!forged.signed_with(SECRET) && forged.signed_with("whsec_someone_else"));
}

#[tokio::test]
async fn held_events_go_out_when_released_or_redelivered() {
    let receiver = Receiver::spawn(0).await;
    let app = app_sending_to(&receiver).await;
    let response = app.control("events/hold", &json!({})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (_, intent) = app.paid_session().await;
    let body = crate::helpers::form(&[("payment_intent", &intent)]);
    app.post("/v1/refunds", &body, None).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(receiver.requests().is_empty());
    let events = app.stripe.events();
    assert!(events.iter().all(|event| event.delivery == DeliveryStatus::Held));
    assert_eq!(app.state().await["webhooks"]["held"], true);

    // The refund's event first, on its own: out of order, deliberately.
    app.stripe.redeliver(&events[2].id).expect("redeliver");
    receiver.wait_for(1).await;
    app.stripe.release_events(ReleaseOrder::Reverse);
    receiver.wait_for(3).await;
    assert_eq!(
        receiver.types(),
        ["charge.refunded", "refund.created", "checkout.session.completed"]
    );
    for event in &events {
        assert_eq!(settled(&app, &event.id).await.delivery, DeliveryStatus::Delivered);
    }
}

#[tokio::test]
async fn webhook_settings_change_the_target_and_secret() {
    let receiver = Receiver::spawn(0).await;
    let app = TestApp::spawn().await;
    app.paid_session().await;
    assert_eq!(app.stripe.events()[0].delivery, DeliveryStatus::NoEndpoint);
    let id = app.stripe.events()[0].id.clone();
    let response = app.control(&format!("events/{id}/redeliver"), &json!({})).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "no URL to send to");

    let settings = json!({"url": receiver.url, "secret": "whsec_rolled"});
    assert_eq!(
        app.control("webhooks", &settings).await.status(),
        StatusCode::NO_CONTENT
    );
    app.paid_session().await;
    receiver.wait_for(1).await[0].assert_valid("whsec_rolled");
    let bad = app.control("webhooks", &json!({"url": "ftp://example.com"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    assert_eq!(
        app.control("webhooks", &json!({"url": null})).await.status(),
        StatusCode::NO_CONTENT
    );
    app.paid_session().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.requests().len(), 1, "delivery is off");
    assert_eq!(
        json(app.http.get(app.url("/_sandbox/state")).send().await.expect("GET")).await["webhooks"]["url"],
        json!(null)
    );
}
