//! `Idempotency-Key` on POSTs, as STRIPE.md gives it: the same key with the same parameters within
//! 24 hours replays the first answer (`Idempotent-Replayed: true`), even a 500 and even if the object
//! changed since; other parameters get `400 idempotency_error`; a repeat while the first is still
//! running gets `409`. Answers refused before the endpoint ran (4xx other than 402) are not saved.

use std::collections::HashMap;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};

use crate::errors::ApiError;
use crate::record::{REQUEST_ID, RequestContext};
use crate::sandbox::Sandbox;

/// How long Stripe keeps a key.
const KEY_LIFETIME: TimeDelta = TimeDelta::hours(24);
/// Stripe's limit on the key's length.
const MAX_KEY_CHARS: usize = 255;
/// Request and response bodies are small; this only bounds a broken client.
const MAX_BODY_BYTES: usize = 1 << 20;

/// An answer kept for replay.
#[derive(Clone)]
pub(crate) struct SavedResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl SavedResponse {
    fn replay(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        *response.headers_mut() = self.headers;
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    }
}

enum Entry {
    Running {
        fingerprint: String,
    },
    Saved {
        fingerprint: String,
        at: DateTime<Utc>,
        response: SavedResponse,
    },
}

/// What to do with a request carrying a key.
enum Claim {
    Run,
    Replay(SavedResponse),
    OtherParameters,
    InUse,
}

/// Saved answers by idempotency key (the sandbox has one account, so keys are global).
#[derive(Default)]
pub(crate) struct IdempotencyStore {
    entries: HashMap<String, Entry>,
}

impl IdempotencyStore {
    fn claim(&mut self, key: &str, fingerprint: &str, now: DateTime<Utc>) -> Claim {
        self.entries.retain(|_, entry| match entry {
            Entry::Running { .. } => true,
            Entry::Saved { at, .. } => now - *at < KEY_LIFETIME,
        });
        let claim = match self.entries.get(key) {
            None => Claim::Run,
            Some(Entry::Running { .. }) => return Claim::InUse,
            Some(Entry::Saved {
                fingerprint: saved,
                response,
                ..
            }) if saved == fingerprint => {
                return Claim::Replay(response.clone());
            }
            Some(Entry::Saved { .. }) => return Claim::OtherParameters,
        };
        self.entries.insert(
            key.to_owned(),
            Entry::Running {
                fingerprint: fingerprint.to_owned(),
            },
        );
        claim
    }

    fn save(&mut self, key: &str, at: DateTime<Utc>, response: SavedResponse) {
        if let Some(Entry::Running { fingerprint }) = self.entries.remove(key) {
            self.entries.insert(
                key.to_owned(),
                Entry::Saved {
                    fingerprint,
                    at,
                    response,
                },
            );
        }
    }

    /// Forgets a key whose request ran but whose answer is not kept.
    fn release(&mut self, key: &str) {
        if matches!(self.entries.get(key), Some(Entry::Running { .. })) {
            self.entries.remove(key);
        }
    }
}

/// Frees the key if the request never finishes (its connection dropped mid-way).
struct RunningKey {
    sandbox: Sandbox,
    key: String,
}

impl Drop for RunningKey {
    fn drop(&mut self) {
        self.sandbox.lock().idempotency.release(&self.key);
    }
}

/// The idempotency layer, inside authentication and outside faults (so injected 500s are saved).
pub(crate) async fn apply(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = key_of(request.headers()) else {
        return next.run(request).await;
    };
    let key = match key {
        Ok(key) => key,
        Err(error) => return error.into_response(),
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::invalid("The request body could not be read.".to_owned()).into_response();
    };
    let fingerprint = fingerprint(&parts.method, parts.uri.path(), &body);
    let now = sandbox.now();
    let claim = sandbox.lock().idempotency.claim(&key, &fingerprint, now);
    match claim {
        Claim::Run => {}
        Claim::Replay(saved) => return saved.replay(),
        Claim::OtherParameters => return ApiError::idempotency_mismatch(&key).into_response(),
        Claim::InUse => return ApiError::idempotency_in_use().into_response(),
    }
    let running = RunningKey {
        sandbox: sandbox.clone(),
        key: key.clone(),
    };
    let request_id = parts
        .extensions
        .get::<RequestContext>()
        .map(|context| context.id.clone());
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (mut parts, body) = response.into_parts();
    let body = to_bytes(body, MAX_BODY_BYTES).await.unwrap_or_default();
    // The replay carries the first answer's request id, as Stripe's does.
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        parts.headers.insert(REQUEST_ID, id);
    }
    if is_saved(parts.status) {
        let saved = SavedResponse {
            status: parts.status,
            headers: parts.headers.clone(),
            body: body.clone(),
        };
        let now = sandbox.now();
        sandbox.lock().idempotency.save(&key, now, saved);
    }
    drop(running);
    Response::from_parts(parts, Body::from(body))
}

/// The key, if the request has one; a key Stripe would refuse is an error.
fn key_of(headers: &HeaderMap) -> Option<Result<String, ApiError>> {
    let value = headers.get("idempotency-key")?;
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
        return Some(Err(ApiError::invalid(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_CHARS} characters long."
        ))));
    }
    Some(Ok(key.to_owned()))
}

/// Validation refusals and throttling are not saved; what ran (2xx, 402 card errors, 5xx) is.
fn is_saved(status: StatusCode) -> bool {
    !status.is_client_error() || status == StatusCode::PAYMENT_REQUIRED
}

/// The endpoint and its decoded parameters, in name order (values of one name keep their order, so
/// `expand[]` lists in another order are other parameters).
fn fingerprint(method: &Method, path: &str, body: &[u8]) -> String {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    format!("{method} {path} {pairs:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(status: StatusCode) -> SavedResponse {
        SavedResponse {
            status,
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
        }
    }

    #[test]
    fn a_key_runs_once_then_replays_or_refuses() {
        let mut store = IdempotencyStore::default();
        let now = Utc::now();
        assert!(matches!(store.claim("k", "a", now), Claim::Run));
        assert!(matches!(store.claim("k", "a", now), Claim::InUse));
        store.save("k", now, saved(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(matches!(store.claim("k", "a", now), Claim::Replay(r) if r.status == 500));
        assert!(matches!(store.claim("k", "b", now), Claim::OtherParameters));
        let tomorrow = now + KEY_LIFETIME;
        assert!(matches!(store.claim("k", "b", tomorrow), Claim::Run));
    }

    #[test]
    fn released_keys_can_run_again() {
        let mut store = IdempotencyStore::default();
        let now = Utc::now();
        assert!(matches!(store.claim("k", "a", now), Claim::Run));
        store.release("k");
        assert!(matches!(store.claim("k", "b", now), Claim::Run));
    }

    #[test]
    fn parameter_order_does_not_matter_but_list_order_does() {
        let post = Method::POST;
        assert_eq!(
            fingerprint(&post, "/v1/refunds", b"a=1&b=2"),
            fingerprint(&post, "/v1/refunds", b"b=2&a=1")
        );
        assert_ne!(
            fingerprint(&post, "/v1/refunds", b"e[]=1&e[]=2"),
            fingerprint(&post, "/v1/refunds", b"e[]=2&e[]=1")
        );
        assert_ne!(fingerprint(&post, "/v1/a", b""), fingerprint(&post, "/v1/b", b""));
        assert!(is_saved(StatusCode::OK) && is_saved(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(!is_saved(StatusCode::BAD_REQUEST) && !is_saved(StatusCode::TOO_MANY_REQUESTS));
    }
}
