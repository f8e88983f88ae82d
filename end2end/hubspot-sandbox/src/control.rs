//! The `/_sandbox/…` control endpoints for Playwright and humans: state as JSON, faults, chaos,
//! batch error mode, webhook settings, token revocation and expiry, clock and reset. Not part of
//! HubSpot's API; what a HubSpot user does to contacts is in `user_endpoints`.

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::BatchErrors;
use crate::faults::{Chaos, Fault};
use crate::object_kind::ObjectKind;
use crate::objects::{Selection, Standing};
use crate::sandbox::Sandbox;
use crate::state::{State as SandboxState, iso};
use crate::webhooks::WebhookSettings;

/// Most faults one call may queue, so a typo cannot queue billions.
const MAX_FAULTS: u32 = 10_000;

/// A refused control request: `400 {"message": …}`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct ControlError(String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, Json(json!({"message": self.0}))).into_response()
    }
}

/// Control bodies are read as JSON whatever the content type, so `curl -d` works too.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|error| ControlError(format!("invalid JSON body: {error}")))
}

/// `GET /_sandbox/state`.
pub(crate) async fn state(State(sandbox): State<Sandbox>) -> Json<Value> {
    let state = sandbox.lock();
    let meetings: Vec<Value> = state
        .objects
        .live(ObjectKind::Meeting)
        .map(|meeting| {
            let mut value = meeting.to_json(ObjectKind::Meeting, Selection::Everything);
            let contact_ids = state
                .associations
                .linked_ids(ObjectKind::Meeting, &meeting.id, ObjectKind::Contact);
            value["contactIds"] = json!(contact_ids);
            value
        })
        .collect();
    let associations: Vec<Value> = state
        .associations
        .snapshot()
        .into_iter()
        .map(|link| {
            json!({"fromType": link.from_type, "fromId": link.from_id, "toType": link.to_type,
                   "toId": link.to_id, "typeIds": link.type_ids})
        })
        .collect();
    let token_events: Vec<Value> = state
        .tokens
        .events()
        .iter()
        .map(|event| json!({"kind": event.kind.label(), "token": event.token, "at": iso(event.at)}))
        .collect();
    let deliveries: Vec<Value> = state
        .webhooks
        .deliveries()
        .map(|delivery| {
            let types: Vec<&Value> = delivery.events.iter().map(|event| &event["subscriptionType"]).collect();
            json!({"at": iso(delivery.at), "targetUrl": delivery.target_url, "attempt": delivery.attempt,
                   "events": delivery.events.len(), "subscriptionTypes": types, "status": delivery.status,
                   "error": delivery.error})
        })
        .collect();
    let webhooks = state.webhooks.settings();
    Json(json!({
        "contacts": objects_json(&state, ObjectKind::Contact, &Standing::Live),
        "archivedContacts": objects_json(&state, ObjectKind::Contact, &Standing::Archived),
        "companies": objects_json(&state, ObjectKind::Company, &Standing::Live),
        "archivedCompanies": objects_json(&state, ObjectKind::Company, &Standing::Archived),
        "meetings": meetings,
        "associations": associations,
        "batchErrors": state.batch_errors.label(),
        "revocations": state.tokens.revocations(),
        "tokenEvents": token_events,
        "rateLimited": state.rate.rejected() + state.search_rate.rejected(),
        "requests": state.requests.total(),
        "maxRequestsPer10s": state.stats.max_per_10s(),
        "searchRequests": state.stats.searches(),
        "requestsByEndpoint": state.stats.by_endpoint(),
        "pendingFaults": state.faults.pending(),
        "webhooks": {"targetUrl": webhooks.target_url, "properties": webhooks.properties},
        "webhookDeliveries": deliveries,
    }))
}

/// Objects of one standing; merged-away ones are left out (the new record lists their ids).
fn objects_json(state: &SandboxState, kind: ObjectKind, standing: &Standing) -> Vec<Value> {
    state
        .objects
        .all(kind)
        .iter()
        .filter(|object| object.standing == *standing)
        .map(|object| object.to_json(kind, Selection::Everything))
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultRequest {
    kind: String,
    count: Option<u32>,
    retry_after: Option<u64>,
    delay_ms: Option<u64>,
}

/// `POST /_sandbox/faults` `{"kind":"429"|"500"|"500_after_write"|"slow"|"401","count":N,…}` → `204`.
pub(crate) async fn push_faults(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: FaultRequest = parse(&body)?;
    let fault = fault_of(&request.kind, request.retry_after, request.delay_ms)?;
    let count = request.count.unwrap_or(1);
    if count > MAX_FAULTS {
        return Err(ControlError(format!("count must be at most {MAX_FAULTS}")));
    }
    sandbox.push_faults(std::iter::repeat_n(fault, count as usize));
    Ok(StatusCode::NO_CONTENT)
}

fn fault_of(kind: &str, retry_after: Option<u64>, delay_ms: Option<u64>) -> Result<Fault, ControlError> {
    Ok(match kind {
        "429" => Fault::TooManyRequests { retry_after },
        "500" => Fault::ServerError,
        "500_after_write" => Fault::ServerErrorAfterWrite,
        "slow" => Fault::Slow(Duration::from_millis(delay_ms.unwrap_or(2000))),
        "401" => Fault::Unauthorized,
        other => {
            return Err(ControlError(format!(
                "unknown fault kind {other:?}: use 429, 500, 500_after_write, slow or 401"
            )));
        }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChaosRequest {
    rate: f64,
    seed: Option<u64>,
    kinds: Option<Vec<String>>,
    delay_ms: Option<u64>,
}

/// `POST /_sandbox/chaos` `{"rate":0.3,"seed":7?,"kinds":["429","500"]?}`; rate 0 turns it off.
pub(crate) async fn set_chaos(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: ChaosRequest = parse(&body)?;
    if !(0.0..=1.0).contains(&request.rate) {
        return Err(ControlError("rate must be between 0 and 1".to_owned()));
    }
    if request.rate == 0.0 {
        sandbox.set_chaos(None);
        return Ok(StatusCode::NO_CONTENT);
    }
    let kinds = match request.kinds {
        Some(kinds) => kinds
            .iter()
            .map(|kind| fault_of(kind, None, request.delay_ms.or(Some(1500))))
            .collect::<Result<Vec<_>, _>>()?,
        None => Chaos::default_kinds(),
    };
    sandbox.set_chaos(Some(Chaos {
        rate: request.rate,
        kinds,
        seed: request.seed,
    }));
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct BatchErrorsRequest {
    mode: String,
}

/// `POST /_sandbox/batch-errors` `{"mode":"400"|"207"}`: how contacts batch upsert answers bad inputs.
pub(crate) async fn set_batch_errors(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: BatchErrorsRequest = parse(&body)?;
    let mode = BatchErrors::parse(&request.mode)
        .ok_or_else(|| ControlError(format!("unknown mode {:?}: use 400 or 207", request.mode)))?;
    sandbox.set_batch_errors(mode);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhooksRequest {
    target_url: Option<String>,
    secret: Option<String>,
    properties: Option<Vec<String>>,
}

/// `POST /_sandbox/webhooks {"targetUrl":"…"|null,"secret"?,"properties"?}` → `204`. Omitted fields
/// take the configured values (by default the client secret and HUBSPOT.md's six properties);
/// `null` (or no) `targetUrl` turns delivery off.
pub(crate) async fn set_webhooks(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: WebhooksRequest = parse(&body)?;
    if let Some(target) = &request.target_url {
        let parsed = url::Url::parse(target).map_err(|error| ControlError(format!("targetUrl {target:?}: {error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ControlError(format!("targetUrl {target:?} must be http or https")));
        }
    }
    let configured = WebhookSettings::from_config(sandbox.config());
    sandbox.set_webhook_settings(WebhookSettings {
        target_url: request.target_url,
        secret: request.secret.unwrap_or(configured.secret),
        properties: request.properties.unwrap_or(configured.properties),
    });
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_sandbox/revoke-refresh-tokens`.
pub(crate) async fn revoke_refresh_tokens(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.revoke_all_refresh_tokens();
    StatusCode::NO_CONTENT
}

/// `POST /_sandbox/expire-access-tokens`.
pub(crate) async fn expire_access_tokens(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.expire_access_tokens();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct ClockRequest {
    seconds: u64,
}

/// `POST /_sandbox/advance-clock` `{"seconds":N}`.
pub(crate) async fn advance_clock(State(sandbox): State<Sandbox>, body: Bytes) -> Result<StatusCode, ControlError> {
    let request: ClockRequest = parse(&body)?;
    sandbox.advance_clock(Duration::from_secs(request.seconds));
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_sandbox/reset`: back to a fresh sandbox with the same configuration.
pub(crate) async fn reset(State(sandbox): State<Sandbox>) -> StatusCode {
    sandbox.reset();
    StatusCode::NO_CONTENT
}
