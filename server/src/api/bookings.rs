//! `/api/v1/bookings`: book with an idempotency key, list, read,
//! reschedule and cancel (by id, or by start time).
use super::AuthErrors;
use super::agent_errors::{ReadErrors, WriteErrors};
use super::auth::ApiUser;
use super::error::ApiError;
use super::json::ApiJson;
use crate::agent::requests::{BookRequest, CancelAtRequest, CancelRequest, ListRequest, RescheduleRequest};
use crate::agent::shapes::{Booking, BookingPage};
use app::domain::BookingSource;
use app::ssr::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};

/// Books a free time. Send an `Idempotency-Key`: the same key and body
/// within 24 hours answer the first booking again and book nothing.
#[utoipa::path(
    post,
    path = "/api/v1/bookings",
    operation_id = "createBooking",
    tag = "agents",
    security(("api_key" = [])),
    params((
        "Idempotency-Key" = String,
        Header,
        description = "1 to 255 printable characters, e.g. a UUID; required"
    )),
    request_body = BookRequest,
    responses((status = 201, description = "Booked", body = Booking), WriteErrors, AuthErrors)
)]
pub async fn create(
    State(state): State<AppState>,
    api_user: ApiUser,
    headers: HeaderMap,
    ApiJson(request): ApiJson<BookRequest>,
) -> Result<(StatusCode, Json<Booking>), ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|value| value.to_str().unwrap_or("\u{0}"));
    let outcome = api_user.agent(state, BookingSource::Api).book(key, request).await?;
    Ok((StatusCode::CREATED, Json(outcome.booking)))
}

/// Your bookings in start order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/bookings",
    operation_id = "listBookings",
    tag = "agents",
    security(("api_key" = [])),
    params(ListRequest),
    responses((status = 200, description = "A page of bookings", body = BookingPage), ReadErrors, AuthErrors)
)]
pub async fn list(
    State(state): State<AppState>,
    api_user: ApiUser,
    query: Result<Query<ListRequest>, QueryRejection>,
) -> Result<Json<BookingPage>, ApiError> {
    let Query(request) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    Ok(Json(api_user.agent(state, BookingSource::Api).bookings(request).await?))
}

/// One of your bookings.
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}",
    operation_id = "getBooking",
    tag = "agents",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The booking's id")),
    responses((status = 200, description = "The booking", body = Booking), ReadErrors, AuthErrors)
)]
pub async fn get(
    State(state): State<AppState>,
    api_user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(api_user.agent(state, BookingSource::Api).booking(&id).await?))
}

/// Cancels a booking; cancelling a cancelled one answers it as it is.
#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/cancel",
    operation_id = "cancelBooking",
    tag = "agents",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The booking's id")),
    request_body = CancelRequest,
    responses((status = 200, description = "Cancelled", body = Booking), WriteErrors, AuthErrors)
)]
pub async fn cancel(
    State(state): State<AppState>,
    api_user: ApiUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Booking>, ApiError> {
    // The body is optional: no reason, no body.
    let request = if body.iter().all(u8::is_ascii_whitespace) {
        CancelRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| ApiError::BadRequest(format!("Malformed JSON: {error}")))?
    };
    Ok(Json(
        api_user.agent(state, BookingSource::Api).cancel(&id, request).await?,
    ))
}

/// Moves a booking to another free time of its event type.
#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/reschedule",
    operation_id = "rescheduleBooking",
    tag = "agents",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The booking's id")),
    request_body = RescheduleRequest,
    responses((status = 200, description = "Rescheduled", body = Booking), WriteErrors, AuthErrors)
)]
pub async fn reschedule(
    State(state): State<AppState>,
    api_user: ApiUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RescheduleRequest>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(
        api_user
            .agent(state, BookingSource::Api)
            .reschedule(&id, request)
            .await?,
    ))
}

/// Cancels the one confirmed booking starting exactly at `startTime`
/// ("my appointment on Tuesday at 3"): 404 when none, 409 `ambiguous` with
/// the candidates when several.
#[utoipa::path(
    post,
    path = "/api/v1/bookings/cancel",
    operation_id = "cancelBookingAt",
    tag = "agents",
    security(("api_key" = [])),
    request_body = CancelAtRequest,
    responses((status = 200, description = "Cancelled", body = Booking), WriteErrors, AuthErrors)
)]
pub async fn cancel_at(
    State(state): State<AppState>,
    api_user: ApiUser,
    ApiJson(request): ApiJson<CancelAtRequest>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(
        api_user.agent(state, BookingSource::Api).cancel_at(request).await?,
    ))
}
