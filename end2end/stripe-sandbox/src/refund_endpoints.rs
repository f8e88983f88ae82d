//! `POST /v1/refunds` (`payment_intent` or `charge`, optional `amount`, `metadata[…]`, `reason`) and
//! `GET /v1/refunds/{id}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::HeaderMap;
use serde_json::Value;

use crate::errors::ApiError;
use crate::expand;
use crate::params::Params;
use crate::record::RequestContext;
use crate::refunding::RefundRequest;
use crate::sandbox::Sandbox;

const REASONS: [&str; 3] = ["duplicate", "fraudulent", "requested_by_customer"];

pub(crate) async fn create(
    State(sandbox): State<Sandbox>,
    Extension(context): Extension<RequestContext>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut params = Params::from_form(&headers, &body)?;
    let request = RefundRequest {
        payment_intent: params.optional("payment_intent")?,
        charge: params.optional("charge")?,
        amount: params.optional_integer("amount")?,
        metadata: params.metadata("metadata")?,
        reason: params.optional("reason")?,
    };
    params.finish()?;
    if let Some(reason) = &request.reason
        && !REASONS.contains(&reason.as_str())
    {
        return Err(ApiError::invalid_param(
            "reason",
            format!("Invalid reason {reason:?}: must be one of {}.", REASONS.join(", ")),
        ));
    }
    let refund = sandbox.lock().create_refund(request, &context.cause())?;
    Ok(Json(refund.to_json()))
}

pub(crate) async fn retrieve(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    expand::from_query(query.as_deref(), expand::NOTHING)?;
    let state = sandbox.lock();
    let refund = state
        .refund(&id)
        .ok_or_else(|| ApiError::no_such("refund", &id, "id"))?;
    Ok(Json(refund.to_json()))
}
