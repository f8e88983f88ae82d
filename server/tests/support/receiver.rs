//! A webhook receiver on loopback: records every request and answers with
//! the status codes it is told to, then 200.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    replies: VecDeque<u16>,
    /// How long each answer takes.
    delay: std::time::Duration,
    in_flight: usize,
    most_in_flight: usize,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

async fn receive(State(shared): State<Arc<Mutex<Inner>>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let (status, delay) = {
        let mut inner = shared.lock().unwrap();
        inner.received.push(Received {
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        inner.in_flight += 1;
        inner.most_in_flight = inner.most_in_flight.max(inner.in_flight);
        (inner.replies.pop_front().unwrap_or(200), inner.delay)
    };
    tokio::time::sleep(delay).await;
    shared.lock().unwrap().in_flight -= 1;
    StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = axum::Router::new()
            .fallback(axum::routing::post(receive))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, inner }
    }

    /// The next answers, in order; 200 after them.
    pub fn reply_with(&self, statuses: &[u16]) {
        self.inner.lock().unwrap().replies.extend(statuses);
    }

    /// Every answer from now on takes `delay`.
    pub fn answer_after(&self, delay: std::time::Duration) {
        self.inner.lock().unwrap().delay = delay;
    }

    /// The most requests that were being answered at one time.
    pub fn most_in_flight(&self) -> usize {
        self.inner.lock().unwrap().most_in_flight
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }
}
