//! Gives every API request an id (`Request-Id`, and `request.id` in the events it causes) and
//! records it — method, path, status, idempotency key, `Stripe-Version` — for tests and the page.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::events::Cause;
use crate::ids;
use crate::sandbox::Sandbox;

/// The response header naming the request, as Stripe sends it.
pub(crate) const REQUEST_ID: &str = "request-id";

/// What handlers know about the request they serve.
#[derive(Debug, Clone)]
pub(crate) struct RequestContext {
    /// `req_…`.
    pub(crate) id: String,
    pub(crate) idempotency_key: Option<String>,
}

impl RequestContext {
    /// The `request` of the events this request raises.
    pub(crate) fn cause(&self) -> Cause {
        Cause {
            request_id: Some(self.id.clone()),
            idempotency_key: self.idempotency_key.clone(),
        }
    }
}

/// One API request the sandbox answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// When it arrived (sandbox clock).
    pub at: DateTime<Utc>,
    /// `GET` or `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    pub status: u16,
    pub idempotency_key: Option<String>,
    /// The `Stripe-Version` header, if sent.
    pub stripe_version: Option<String>,
    /// Whether the answer was a replay of a saved one (`Idempotent-Replayed: true`).
    pub replayed: bool,
}

pub(crate) async fn record(State(sandbox): State<Sandbox>, mut request: Request, next: Next) -> Response {
    let idempotency_key = header(request.headers(), "idempotency-key");
    let stripe_version = header(request.headers(), "stripe-version");
    let context = RequestContext {
        id: ids::new_id(ids::REQUEST),
        idempotency_key: idempotency_key.clone(),
    };
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let at = sandbox.now();
    request.extensions_mut().insert(context.clone());
    let mut response = next.run(request).await;
    if !response.headers().contains_key(REQUEST_ID)
        && let Ok(id) = HeaderValue::from_str(&context.id)
    {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    tracing::info!(%method, %path, status, replayed, "stripe sandbox request");
    sandbox.lock().requests.push(RecordedRequest {
        at,
        method,
        path,
        status,
        idempotency_key,
        stripe_version,
        replayed,
    });
    response
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}
