//! `GET /api/v1/availability`: an event type's free times.
use super::AuthErrors;
use super::agent_errors::ReadErrors;
use super::auth::ApiUser;
use super::error::ApiError;
use crate::agent::requests::AvailabilityRequest;
use crate::agent::shapes::Availability;
use app::domain::BookingSource;
use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};

/// Free times of one of your event types (or, with `host` and `event`,
/// any public one), at most 31 days at a time: the same times its booking
/// page offers.
#[utoipa::path(
    get,
    path = "/api/v1/availability",
    operation_id = "getAvailability",
    tag = "agents",
    security(("api_key" = [])),
    params(AvailabilityRequest),
    responses((status = 200, description = "The free times", body = Availability), ReadErrors, AuthErrors)
)]
pub async fn availability(
    State(state): State<AppState>,
    api_user: ApiUser,
    query: Result<Query<AvailabilityRequest>, QueryRejection>,
) -> Result<Json<Availability>, ApiError> {
    let Query(request) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    let agent = api_user.agent(state, BookingSource::Api);
    Ok(Json(agent.availability(request).await?))
}
