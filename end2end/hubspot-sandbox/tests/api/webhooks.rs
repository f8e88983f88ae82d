//! App webhooks: delivered to a receiver in the test, signed with signature v3 (checked here
//! independently), shaped as HUBSPOT.md says, retried with a higher attempt number, and recorded.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use hubspot_sandbox::{SANDBOX_APP_ID, WebhookDelivery, WebhookSettings};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{TestApp, json};

const SECRET: &str = "slotline-sandbox-secret";

/// One request the receiver got.
#[derive(Clone)]
struct Received {
    headers: HeaderMap,
    body: String,
}

/// A webhook endpoint on a free port that records requests and fails the first `failures` ones.
#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    failures: Arc<AtomicUsize>,
}

impl Receiver {
    async fn spawn(failures: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hubspot/webhooks", listener.local_addr().expect("address"));
        let receiver = Self {
            url,
            received: Arc::default(),
            failures: Arc::new(AtomicUsize::new(failures)),
        };
        let router = Router::new()
            .route("/hubspot/webhooks", post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        receiver
    }

    fn requests(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Every event received so far, in arrival order.
    fn events(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .flat_map(|request| {
                let batch: Vec<Value> = serde_json::from_str(&request.body).expect("a JSON array");
                batch
            })
            .collect()
    }

    /// Waits (up to 5 s) until at least `count` events arrived.
    async fn wait_for_events(&self, count: usize) -> Vec<Value> {
        for _ in 0..100 {
            let events = self.events();
            if events.len() >= count {
                return events;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} events, got {:?}", self.events());
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    receiver.received.lock().expect("lock").push(Received { headers, body });
    let failed = receiver
        .failures
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1));
    if failed.is_ok() {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

/// Checks a request as a receiver must: JSON, a fresh timestamp, and the v3 signature over
/// `POST + target URL + raw body + timestamp` with the app's client secret.
fn assert_signed(request: &Received, url: &str, secret: &str) {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/json");
    let timestamp = header("x-hubspot-request-timestamp");
    let sent: i64 = timestamp.parse().expect("epoch ms");
    let age = chrono::Utc::now().timestamp_millis() - sent;
    assert!((0..60_000).contains(&age), "timestamp {sent} is {age} ms old");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("POST{url}{}{timestamp}", request.body).as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(header("x-hubspot-signature-v3"), expected);
}

/// Waits (up to 5 s) until the sandbox has recorded `count` delivery attempts: it records one once
/// the receiver has answered, so just after the receiver saw a request.
async fn recorded(app: &TestApp, count: usize) -> Vec<WebhookDelivery> {
    for _ in 0..100 {
        let deliveries = app.hub.webhook_deliveries();
        if deliveries.len() >= count {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {count} deliveries, got {:?}", app.hub.webhook_deliveries());
}

fn of_type<'a>(events: &'a [Value], subscription_type: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|event| event["subscriptionType"] == subscription_type)
        .collect()
}

#[tokio::test]
async fn contact_changes_arrive_signed_and_shaped_as_hubspot_sends_them() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::spawn(0).await;
    let response = app.control("webhooks", &json!({"targetUrl": receiver.url})).await;
    assert_eq!(response.status(), reqwest::StatusCode::NO_CONTENT);
    let token = app.connect().await.access;
    let body = json!({"properties": {"email": "jane@example.com", "firstname": "Jane", "jobtitle": "CTO"}});
    let id = json(app.post(&token, "contacts", &body).await).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let numeric_id: u64 = id.parse().expect("numeric id");
    app.hub
        .user_update_contact(&id, &[("lifecyclestage", "customer"), ("jobtitle", "CEO")])
        .expect("user edit");
    app.hub.user_archive_contact(&id).expect("user archive");
    app.hub.user_restore_contact(&id).expect("user restore");

    // Creation, email and firstname (jobtitle has no subscription), the stage, deletion, restore.
    let events = receiver.wait_for_events(6).await;
    for request in receiver.requests() {
        assert_signed(&request, &receiver.url, SECRET);
    }
    assert_eq!(events.len(), 6, "{events:?}");
    let mut event_ids: Vec<u64> = events.iter().filter_map(|event| event["eventId"].as_u64()).collect();
    event_ids.dedup();
    assert_eq!(event_ids.len(), 6, "unique numeric event ids");
    let now = chrono::Utc::now().timestamp_millis();
    for event in &events {
        assert_eq!(event["portalId"], 4_242_424);
        assert_eq!(event["appId"], SANDBOX_APP_ID);
        assert_eq!(event["objectId"], numeric_id);
        assert_eq!(event["attemptNumber"], 0);
        assert!(event["subscriptionId"].is_u64());
        let occurred = event["occurredAt"].as_i64().expect("occurredAt");
        assert!((now - occurred).abs() < 60_000, "{event}");
    }

    let creation = of_type(&events, "contact.creation");
    assert_eq!(creation.len(), 1);
    assert_eq!(creation[0]["changeSource"], "INTEGRATION");
    let changes = of_type(&events, "contact.propertyChange");
    let changed: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|event| {
            (
                event["propertyName"].as_str().unwrap_or_default(),
                event["propertyValue"].as_str().unwrap_or_default(),
                event["changeSource"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        changed.contains(&("email", "jane@example.com", "INTEGRATION")),
        "{changed:?}"
    );
    assert!(changed.contains(&("firstname", "Jane", "INTEGRATION")), "{changed:?}");
    assert!(
        changed.contains(&("lifecyclestage", "customer", "CRM_UI")),
        "{changed:?}"
    );
    assert_eq!(changed.len(), 3);
    assert_eq!(of_type(&events, "contact.deletion")[0]["changeSource"], "CRM_UI");
    assert_eq!(of_type(&events, "contact.restore").len(), 1);

    let deliveries = recorded(&app, receiver.requests().len()).await;
    assert!(deliveries.iter().all(|d| d.succeeded() && d.attempt == 0));
    let state = app.state().await;
    assert_eq!(state["webhooks"]["targetUrl"], receiver.url.as_str());
    assert!(
        state["webhooks"].get("secret").is_none(),
        "the secret stays out of the state"
    );
    assert_eq!(state["webhookDeliveries"][0]["status"], 204);
    let html = app
        .http
        .get(app.url("/"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("text");
    assert_eq!(
        html.matches(r#"data-testid="webhook-delivery-row""#).count(),
        deliveries.len()
    );
}

#[tokio::test]
async fn merge_events_name_the_old_and_new_records() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::spawn(0).await;
    let token = app.connect().await.access;
    let ann = app
        .hub
        .user_create_contact(&[("email", "ann@example.com")])
        .expect("ann");
    let bee = app
        .hub
        .user_create_contact(&[("email", "bee@example.com")])
        .expect("bee");
    app.hub.set_webhook_target(Some(receiver.url.clone()));
    let merge = json!({"primaryObjectId": ann.id, "objectIdToMerge": bee.id});
    let merged = json(app.post(&token, "contacts/merge", &merge).await).await;
    let new_id: u64 = merged["id"].as_str().and_then(|id| id.parse().ok()).expect("id");

    let events = receiver.wait_for_events(1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["subscriptionType"], "contact.merge");
    assert_eq!(event["changeSource"], "INTEGRATION");
    assert_eq!(event["objectId"], new_id);
    assert_eq!(event["newObjectId"], new_id);
    assert_eq!(event["primaryObjectId"], ann.id.parse::<u64>().expect("id"));
    assert_eq!(event["mergedObjectIds"], json!([bee.id.parse::<u64>().expect("id")]));
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_a_higher_attempt_number() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::spawn(1).await;
    app.hub.set_webhook_target(Some(receiver.url.clone()));
    app.hub
        .user_create_contact(&[("email", "jane@example.com")])
        .expect("create");

    for _ in 0..100 {
        if receiver.requests().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    let batches: Vec<Vec<Value>> = requests
        .iter()
        .map(|request| serde_json::from_str(&request.body).expect("JSON array"))
        .collect();
    let ids = |batch: &[Value]| batch.iter().map(|event| event["eventId"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&batches[0]), ids(&batches[1]), "the same events again");
    assert!(batches[0].iter().all(|event| event["attemptNumber"] == 0));
    assert!(batches[1].iter().all(|event| event["attemptNumber"] == 1));
    for request in &requests {
        assert_signed(request, &receiver.url, SECRET);
    }
    let deliveries = recorded(&app, 2).await;
    let outcomes: Vec<(u32, Option<u16>)> = deliveries.iter().map(|d| (d.attempt, d.status)).collect();
    assert_eq!(outcomes, [(0, Some(500)), (1, Some(204))]);
    assert_eq!(deliveries[1].events.len(), 2, "creation and email");
}

#[tokio::test]
async fn an_unreachable_target_is_recorded_as_errors() {
    let app = TestApp::spawn().await;
    // Nothing listens on the discard port.
    app.hub.set_webhook_target(Some("http://127.0.0.1:9/hook".to_owned()));
    app.hub
        .user_create_contact(&[("email", "jane@example.com")])
        .expect("create");
    let deliveries = recorded(&app, 4).await;
    let attempts: Vec<u32> = deliveries.iter().map(|d| d.attempt).collect();
    assert_eq!(attempts, [0, 1, 2, 3]);
    assert!(deliveries.iter().all(|d| d.status.is_none() && d.error.is_some()));
}

#[tokio::test]
async fn imports_raise_nothing_and_settings_choose_secret_properties_and_target() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::spawn(0).await;
    app.hub.set_webhook_target(Some(receiver.url.clone()));
    app.hub.seed_contacts(100, "seed", &[]).expect("seed");

    let settings = json!({"targetUrl": receiver.url, "secret": "another-secret", "properties": ["jobtitle"]});
    assert_eq!(
        app.control("webhooks", &settings).await.status(),
        reqwest::StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.hub.webhook_settings(),
        WebhookSettings {
            target_url: Some(receiver.url.clone()),
            secret: "another-secret".to_owned(),
            properties: vec!["jobtitle".to_owned()],
        }
    );
    app.hub
        .user_create_contact(&[("email", "jane@example.com"), ("jobtitle", "CTO")])
        .expect("create");
    let events = receiver.wait_for_events(2).await;
    let types: Vec<&str> = events.iter().filter_map(|e| e["subscriptionType"].as_str()).collect();
    assert_eq!(
        types,
        ["contact.creation", "contact.propertyChange"],
        "no events for the import"
    );
    assert_eq!(events[1]["propertyName"], "jobtitle");
    assert_signed(&receiver.requests()[0], &receiver.url, "another-secret");

    assert_eq!(
        app.control("webhooks", &json!({"targetUrl": null})).await.status(),
        reqwest::StatusCode::NO_CONTENT
    );
    app.hub
        .user_create_contact(&[("email", "john@example.com")])
        .expect("create");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.events().len(), 2, "delivery is off");
    let bad = app
        .control("webhooks", &json!({"targetUrl": "ftp://example.com"}))
        .await;
    assert_eq!(bad.status(), reqwest::StatusCode::BAD_REQUEST);

    // A reset restores the configured settings (here: off) and forgets deliveries.
    app.hub.set_webhook_target(Some(receiver.url.clone()));
    app.hub.reset();
    assert_eq!(app.hub.webhook_settings().target_url, None);
    assert!(app.hub.webhook_deliveries().is_empty());
}
