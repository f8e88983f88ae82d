//! A webhook endpoint on a free port, as the app's would be: it records requests, fails the first
//! few on request, and checks `Stripe-Signature` independently of the sandbox.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// One request the receiver got.
#[derive(Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn event(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON event")
    }

    /// The `t` and `v1` of `Stripe-Signature`.
    pub fn signature(&self) -> (i64, String) {
        let header = self
            .headers
            .get("stripe-signature")
            .and_then(|value| value.to_str().ok())
            .expect("Stripe-Signature");
        let mut timestamp = None;
        let mut v1 = None;
        for part in header.split(',') {
            match part.split_once('=') {
                Some(("t", value)) => timestamp = value.parse().ok(),
                Some(("v1", value)) => v1 = Some(value.to_owned()),
                _ => {}
            }
        }
        (timestamp.expect("t="), v1.expect("v1="))
    }

    /// Whether `v1` is the HMAC-SHA256 of `"{t}.{raw body}"` keyed by the whole secret.
    pub fn signed_with(&self, secret: &str) -> bool {
        let (timestamp, v1) = self.signature();
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(format!("{timestamp}.{}", self.body).as_bytes());
        hex::encode(mac.finalize().into_bytes()) == v1
    }

    /// Checks a request as the app must: JSON, signed with `secret`, `t` within 300 s of now.
    pub fn assert_valid(&self, secret: &str) {
        let content_type = self.headers.get("content-type").and_then(|v| v.to_str().ok());
        assert!(content_type.is_some_and(|t| t.starts_with("application/json")));
        assert!(self.signed_with(secret), "signature of {}", self.body);
        let age = chrono::Utc::now().timestamp() - self.signature().0;
        assert!((0..=300).contains(&age), "t is {age} s old");
    }
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    failures: Arc<AtomicUsize>,
}

impl Receiver {
    /// A receiver that answers `500` to the first `failures` requests and `200` after.
    pub async fn spawn(failures: usize) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let receiver = Self {
            url: format!("http://{address}/integrations/stripe/webhook"),
            received: Arc::default(),
            failures: Arc::new(AtomicUsize::new(failures)),
        };
        let router = Router::new()
            .route("/integrations/stripe/webhook", post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        receiver
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Waits (up to 5 s) until at least `count` requests arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..100 {
            let requests = self.requests();
            if requests.len() >= count {
                return requests;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} webhook requests, got {}", self.requests().len());
    }

    /// The types of the events received so far, in arrival order.
    pub fn types(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|request| request.event()["type"].as_str().unwrap_or_default().to_owned())
            .collect()
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
        StatusCode::OK
    }
}
