//! Zapier's REST hooks: subscribe, unsubscribe and sample data.
use super::AuthErrors;
use super::auth::ApiUser;
use super::error::{ApiError, ErrorBody};
use super::json::ApiJson;
use app::domain::api_scopes::ApiScope;
use app::domain::webhooks::EventKey;
use app::domain::{EventTypeId, WebhookId};
use app::error::AppError;
use app::ssr::AppState;
use app::ssr::entities::webhook;
use app::ssr::outbox::payloads::{BookingData, ContactData, PaymentData};
use app::ssr::services::webhooks;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateHook {
    /// Where deliveries go: https, or loopback when the server allows it.
    #[serde(default)]
    pub target_url: String,
    /// One of the five event keys.
    #[serde(default)]
    #[schema(example = "booking.created")]
    pub event: String,
    /// Only bookings of this event type (booking events only).
    #[serde(default)]
    pub event_type_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    pub id: String,
    pub target_url: String,
    pub event: String,
    pub event_type_id: Option<String>,
}

/// Errors of the hook endpoints besides [`AuthErrors`]; like it, a type
/// for the OpenAPI document only ([`ApiError`] builds the bodies).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum HookErrors {
    /// Malformed JSON or parameters.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The plan allows no more webhooks (`plan_limit`), or the key lacks
    /// the `hooks` scope (`insufficient_scope`).
    #[response(status = 403)]
    PlanLimit(ErrorBody),
    /// A field is invalid; the message names it (`validation`).
    #[response(status = 422)]
    Validation(ErrorBody),
}

/// No such hook of this user.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
#[response(status = 404)]
pub struct NotFound(ErrorBody);

/// Subscribes a URL to one event: a webhook labelled "Zapier", signed with
/// a secret of its own (shown in the dashboard).
#[utoipa::path(
    post,
    path = "/api/v1/hooks",
    tag = "hooks",
    security(("api_key" = [])),
    request_body = CreateHook,
    responses((status = 201, description = "Subscribed", body = Hook), HookErrors, AuthErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    api_user: ApiUser,
    ApiJson(body): ApiJson<CreateHook>,
) -> Result<(StatusCode, Json<Hook>), ApiError> {
    let user = api_user.require(ApiScope::Hooks)?;
    let hook = webhooks::create_zapier(
        &state.db,
        &state.secrets,
        state.config.webhook_allow_private,
        user,
        &body.target_url,
        &body.event,
        body.event_type_id.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_hook(hook))))
}

fn to_hook(hook: webhook::Model) -> Hook {
    let event = webhooks::stored_events(&hook)
        .first()
        .map(|key| key.as_str().to_owned())
        .unwrap_or_default();
    Hook {
        id: hook.id.into(),
        target_url: hook.target_url,
        event,
        event_type_id: hook.event_type_id.map(Into::into),
    }
}

/// Unsubscribes: deletes a hook made through this API.
#[utoipa::path(
    delete,
    path = "/api/v1/hooks/{id}",
    tag = "hooks",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The hook's id")),
    responses((status = 204, description = "Deleted"), NotFound, AuthErrors)
)]
pub async fn delete(
    State(state): State<AppState>,
    api_user: ApiUser,
    Path(id): Path<WebhookId>,
) -> Result<StatusCode, ApiError> {
    let user = api_user.require(ApiScope::Hooks)?;
    webhooks::delete(&state.db, user, &id, Some(webhook::ZAPIER)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SampleQuery {
    /// One of the five event keys.
    pub event: Option<String>,
    /// Only bookings of this event type.
    pub event_type_id: Option<String>,
}

/// The `data` of one event, whichever its kind: what `/hooks/sample` lists.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SampleData {
    Booking(Box<BookingData>),
    Contact(ContactData),
    Payment(PaymentData),
}

/// Zapier's performList: the `data` of the user's latest events of a kind
/// (at most 3, newest first), or one realistic example when there are none.
#[utoipa::path(
    get,
    path = "/api/v1/hooks/sample",
    tag = "hooks",
    security(("api_key" = [])),
    params(SampleQuery),
    responses(
        (status = 200, description = "Sample `data` objects", body = [SampleData]),
        HookErrors,
        AuthErrors
    )
)]
pub async fn sample(
    State(state): State<AppState>,
    api_user: ApiUser,
    query: Result<Query<SampleQuery>, QueryRejection>,
) -> Result<Json<Vec<SampleData>>, ApiError> {
    let user = api_user.require(ApiScope::Hooks)?;
    let Query(query) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let key = EventKey::parse(query.event.as_deref().unwrap_or_default())
        .map_err(|message| AppError::field("event", message))?;
    let filter = query
        .event_type_id
        .filter(|id| !id.trim().is_empty())
        .map(EventTypeId::from);
    let samples = webhooks::sample(&state.db, user, key, filter.as_ref()).await?;
    Ok(Json(
        samples
            .into_iter()
            .filter_map(|data| {
                serde_json::from_value(data)
                    .inspect_err(|error| tracing::error!(%error, "a stored event does not match its schema"))
                    .ok()
            })
            .collect(),
    ))
}
