//! `GET /v1/payment_intents/{id}` (`expand[]=latest_charge`) and `GET /v1/charges/{id}`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::Value;

use crate::errors::ApiError;
use crate::expand;
use crate::sandbox::Sandbox;

pub(crate) async fn payment_intent(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let expand = expand::from_query(query.as_deref(), expand::PAYMENT_INTENT)?;
    let state = sandbox.lock();
    let intent = state
        .payment_intent(&id)
        .ok_or_else(|| ApiError::no_such("payment_intent", &id, "intent"))?;
    Ok(Json(expand::payment_intent(&state, intent, !expand.is_empty())))
}

pub(crate) async fn charge(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    expand::from_query(query.as_deref(), expand::NOTHING)?;
    let state = sandbox.lock();
    let charge = state
        .charge(&id)
        .ok_or_else(|| ApiError::no_such("charge", &id, "id"))?;
    Ok(Json(charge.to_json()))
}
