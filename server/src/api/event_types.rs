use super::AuthErrors;
use super::auth::ApiUser;
use super::error::ApiError;
use crate::agent::shapes::EventTypeItem;
use app::domain::BookingSource;
use app::ssr::AppState;
use axum::Json;
use axum::extract::State;

/// The user's event types by name, with the durations an invitee may
/// choose and the questions a booking answers: Zapier's event-type filter
/// dropdown, and what an agent books.
#[utoipa::path(
    get,
    path = "/api/v1/event-types",
    tag = "event types",
    security(("api_key" = [])),
    responses((status = 200, description = "The user's event types", body = [EventTypeItem]), AuthErrors)
)]
pub async fn list(State(state): State<AppState>, api_user: ApiUser) -> Result<Json<Vec<EventTypeItem>>, ApiError> {
    Ok(Json(api_user.agent(state, BookingSource::Api).event_types().await?))
}
