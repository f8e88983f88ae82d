//! `GET /api/v1/contacts`: who is calling, and what they have booked.
use super::AuthErrors;
use super::agent_errors::ReadErrors;
use super::auth::ApiUser;
use super::error::ApiError;
use crate::agent::requests::ContactRequest;
use crate::agent::shapes::Contact;
use app::domain::BookingSource;
use app::ssr::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};

/// The team's contact with this phone number (any spelling) or e-mail
/// address, with their upcoming bookings.
#[utoipa::path(
    get,
    path = "/api/v1/contacts",
    operation_id = "findContact",
    tag = "agents",
    security(("api_key" = [])),
    params(ContactRequest),
    responses((status = 200, description = "The contact", body = Contact), ReadErrors, AuthErrors)
)]
pub async fn find(
    State(state): State<AppState>,
    api_user: ApiUser,
    query: Result<Query<ContactRequest>, QueryRejection>,
) -> Result<Json<Contact>, ApiError> {
    let Query(request) = query.map_err(|rejection| ApiError::BadRequest(rejection.body_text()))?;
    Ok(Json(api_user.agent(state, BookingSource::Api).contact(request).await?))
}
