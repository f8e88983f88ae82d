//! The `/_sandbox/…` control endpoints for Playwright and humans: state as JSON, reset, webhook
//! settings, the customer's pay and cancel, event redelivery and holding, faults, refund
//! settlement and the clock. Not part of Stripe's API; no authentication.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sandbox_support::http::is_http_url;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::checkout::CheckoutError;
use crate::events::{RedeliverError, ReleaseOrder, Signing};
use crate::faults::Fault;
use crate::refunding::SettleError;
use crate::sandbox::Sandbox;

/// Most faults one call may queue, so a typo cannot queue billions.
const MAX_FAULTS: usize = 10_000;
/// How many recent requests the state lists.
const RECENT_REQUESTS: usize = 200;

/// A refused control request: `{"message": …}` with `400`, `404` or `409`.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct ControlError {
    status: StatusCode,
    message: String,
}

impl ControlError {
    fn bad(message: String) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message,
        }
    }
}

impl From<CheckoutError> for ControlError {
    fn from(error: CheckoutError) -> Self {
        let status = match error {
            CheckoutError::NoSuchSession => StatusCode::NOT_FOUND,
            CheckoutError::Expired | CheckoutError::AlreadyPaid => StatusCode::CONFLICT,
        };
        Self {
            status,
            message: error.to_string(),
        }
    }
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({"message": self.message}))).into_response()
    }
}

/// Control bodies are read as JSON whatever the content type, so `curl -d` works too; an empty body
/// is `{}`.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ControlError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|error| ControlError::bad(format!("invalid JSON body: {error}")))
}

/// `GET /_sandbox/state`.
pub(crate) async fn state(State(sandbox): State<Sandbox>) -> Json<Value> {
    let mut state = sandbox.lock();
    state.expire_due();
    let events: Vec<Value> = state
        .events
        .all()
        .iter()
        .map(|event| {
            let attempts: Vec<Value> = event
                .attempts
                .iter()
                .map(|attempt| {
                    json!({"at": attempt.at.timestamp(), "url": attempt.url, "signedAt": attempt.signed_at,
                           "redelivery": attempt.redelivery, "status": attempt.status, "error": attempt.error})
                })
                .collect();
            json!({"id": event.id, "type": event.event_type, "created": event.created,
                   "objectId": event.object()["id"], "delivery": event.delivery.as_str(),
                   "attempts": attempts, "event": event.body})
        })
        .collect();
    let requests: Vec<Value> = state
        .requests
        .entries()
        .rev()
        .take(RECENT_REQUESTS)
        .map(|request| {
            json!({"at": request.at.timestamp(), "method": request.method, "path": request.path,
                   "status": request.status, "idempotencyKey": request.idempotency_key,
                   "stripeVersion": request.stripe_version, "replayed": request.replayed})
        })
        .collect();
    let mut versions: Vec<&str> = state
        .requests
        .entries()
        .filter_map(|request| request.stripe_version.as_deref())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    Json(json!({
        "now": state.unix_now(),
        "sessions": state.sessions.iter().map(|session| session.to_json()).collect::<Vec<_>>(),
        "paymentIntents": state.payment_intents.iter().map(|intent| intent.to_json()).collect::<Vec<_>>(),
        "charges": state.charges.iter().map(|charge| charge.to_json()).collect::<Vec<_>>(),
        "refunds": state.refunds.iter().map(|refund| refund.to_json()).collect::<Vec<_>>(),
        "events": events,
        "requests": state.requests.total(),
        "recentRequests": requests,
        "stripeVersions": versions,
        "pendingFaults": state.faults.pending(),
        "webhooks": {"url": state.events.settings().url, "held": state.events.is_held()},
    }))
}

/// `POST /_sandbox/reset`: back to a fresh sandbox with the same configuration.
pub(crate) async fn reset(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.reset();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct WebhooksRequest {
    url: Option<String>,
    secret: Option<String>,
}

/// `POST /_sandbox/webhooks {"url":"…"|null,"secret"?}` → `204`; no `url` turns delivery off, no
/// `secret` keeps the configured one.
pub(crate) async fn set_webhooks(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: WebhooksRequest = parse(&body)?;
    if let Some(url) = &request.url
        && !is_http_url(url)
    {
        return Err(ControlError::bad(format!("url {url:?} must be an http(s) URL")));
    }
    sandbox.set_webhook(request.url, request.secret);
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_sandbox/checkout/sessions/{id}/pay` → `200 {"redirectUrl","session"}`, as if the customer
/// clicked "Pay"; `404` unknown, `409` paid or expired.
pub(crate) async fn pay(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Result<Json<Value>, ControlError> {
    let mut state = sandbox.lock();
    let redirect = state.pay(&id)?;
    let session = state.session(&id).map(|session| session.to_json());
    Ok(Json(json!({"redirectUrl": redirect, "session": session})))
}

/// `POST /_sandbox/checkout/sessions/{id}/cancel` → `200 {"redirectUrl": cancel_url|null}`; the
/// session stays open.
pub(crate) async fn cancel(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ControlError> {
    let cancel_url = sandbox.cancel(&id)?;
    Ok(Json(json!({"redirectUrl": cancel_url})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RedeliverRequest {
    #[serde(default)]
    signed_seconds_ago: i64,
    secret: Option<String>,
}

/// `POST /_sandbox/events/{id}/redeliver {"signedSecondsAgo"?,"secret"?}` → `204`: the same event
/// again; `404` unknown, `409` without a webhook URL.
pub(crate) async fn redeliver(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ControlError> {
    let request: RedeliverRequest = parse(&body)?;
    let signing = Signing {
        seconds_ago: request.signed_seconds_ago,
        secret: request.secret,
    };
    match sandbox.redeliver_signed(&id, &signing) {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(error) => Err(ControlError {
            status: match error {
                RedeliverError::NoSuchEvent => StatusCode::NOT_FOUND,
                RedeliverError::NoEndpoint => StatusCode::CONFLICT,
            },
            message: error.to_string(),
        }),
    }
}

/// `POST /_sandbox/events/hold` → `204`: events raised from now on wait.
pub(crate) async fn hold_events(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.hold_events();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct ReleaseRequest {
    order: Option<String>,
}

/// `POST /_sandbox/events/release {"order":"created"|"reverse"}` → `204` (default `created`).
pub(crate) async fn release_events(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: ReleaseRequest = parse(&body)?;
    let order = match request.order.as_deref() {
        None | Some("created") => ReleaseOrder::Created,
        Some("reverse") => ReleaseOrder::Reverse,
        Some(other) => {
            return Err(ControlError::bad(format!(
                "unknown order {other:?}: use created or reverse"
            )));
        }
    };
    sandbox.release_events(order);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultRequest {
    kind: String,
    count: Option<usize>,
    delay_ms: Option<u64>,
}

/// `POST /_sandbox/faults {"kind","count"?:1,"delayMs"?:2000}` → `204`; kinds `500`, `429`, `slow`
/// (any API call) and `refund_500`, `refund_failure`, `refund_pending` (refund creations).
pub(crate) async fn push_faults(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: FaultRequest = parse(&body)?;
    let fault = match request.kind.as_str() {
        "500" => Fault::ServerError,
        "429" => Fault::TooManyRequests,
        "slow" => Fault::Slow(Duration::from_millis(request.delay_ms.unwrap_or(2000))),
        "refund_500" => Fault::RefundServerError,
        "refund_failure" => Fault::RefundFailed,
        "refund_pending" => Fault::RefundPending,
        other => {
            return Err(ControlError::bad(format!(
                "unknown fault kind {other:?}: use 500, 429, slow, refund_500, refund_failure or refund_pending"
            )));
        }
    };
    let count = request.count.unwrap_or(1);
    if count > MAX_FAULTS {
        return Err(ControlError::bad(format!("count must be at most {MAX_FAULTS}")));
    }
    sandbox.push_fault(fault, count);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct SettleRequest {
    status: String,
}

/// `POST /_sandbox/refunds/{id}/settle {"status":"succeeded"|"failed"}` → `200` with the refund;
/// `404` unknown, `409` not pending.
pub(crate) async fn settle_refund(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    let request: SettleRequest = parse(&body)?;
    let succeeded = match request.status.as_str() {
        "succeeded" => true,
        "failed" => false,
        other => {
            return Err(ControlError::bad(format!(
                "unknown status {other:?}: use succeeded or failed"
            )));
        }
    };
    match sandbox.settle_refund(&id, succeeded) {
        Ok(refund) => Ok(Json(refund.to_json())),
        Err(error) => Err(ControlError {
            status: match error {
                SettleError::NoSuchRefund => StatusCode::NOT_FOUND,
                SettleError::NotPending => StatusCode::CONFLICT,
            },
            message: error.to_string(),
        }),
    }
}

#[derive(Deserialize)]
struct ClockRequest {
    seconds: u64,
}

/// `POST /_sandbox/advance-clock {"seconds":N}` → `204`.
pub(crate) async fn advance_clock(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: ClockRequest = parse(&body)?;
    sandbox.advance_clock(Duration::from_secs(request.seconds));
    Ok(StatusCode::NO_CONTENT)
}
