//! `POST /integrations/stripe/webhook`: Stripe's events. `Stripe-Signature`
//! is checked on the raw body against each connected team's webhook secret
//! before the body is parsed (the secret that matches names the team); a
//! bad one is `400` and changes nothing. A good event is recorded once and
//! answered `200` at once, its work done by a job.
use super::ServerState;
use crate::integrations::stripe::signature::{SignatureError, verify};
use app::ssr::services::payments;
use app::ssr::services::stripe::{StripeKeys, all_connections};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

const SIGNATURE: &str = "stripe-signature";

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let message = message.into();
    (
        status,
        axum::Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: Value,
}

pub async fn receive(State(state): State<ServerState>, headers: HeaderMap, body: Bytes) -> Response {
    let db = &state.app.db;
    let header = headers.get(SIGNATURE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let connections = match all_connections(db).await {
        Ok(found) => found,
        Err(failure) => {
            tracing::error!(error = %failure, "reading Stripe connections failed");
            return error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Try again.");
        }
    };
    let now = Utc::now().timestamp();
    let mut refusal = SignatureError::Mismatch;
    let team = connections.iter().find_map(|found| {
        let keys = StripeKeys::of(&state.app.secrets, found).ok()?;
        match verify(header, &body, &keys.webhook_secret, now) {
            Ok(()) => Some(found.team_id.clone()),
            Err(why) => {
                refusal = why;
                None
            }
        }
    });
    let Some(team_id) = team else {
        tracing::warn!(%refusal, "refused a Stripe webhook");
        return error(StatusCode::BAD_REQUEST, "invalid_signature", refusal.to_string());
    };
    let Ok(event) = serde_json::from_slice::<Event>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "validation",
            "The body must be a Stripe event: id, type and data.object.",
        );
    };
    match payments::take_in(db, &team_id, &event.id, &event.kind, event.data.object).await {
        Ok(new) => {
            if new {
                app::ssr::jobs_ready(&state.app);
            } else {
                tracing::info!(event.id = %event.id, "a Stripe event delivered again; already taken in");
            }
            (StatusCode::OK, axum::Json(json!({ "received": true }))).into_response()
        }
        Err(failure) => {
            tracing::error!(error = %failure, "recording a Stripe event failed");
            // Stripe retries anything but a 2xx.
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The event could not be stored; send it again.",
            )
        }
    }
}
