use super::AuthErrors;
use super::auth::ApiUser;
use super::error::ApiError;
use app::ssr::AppState;
use app::ssr::services::event_types::{Listing, list_of};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct EventTypeItem {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// Minutes.
    pub duration: i32,
}

/// The user's event types, by name: Zapier's event-type filter dropdown.
#[utoipa::path(
    get,
    path = "/api/v1/event-types",
    tag = "event types",
    security(("api_key" = [])),
    responses((status = 200, description = "The user's event types", body = [EventTypeItem]), AuthErrors)
)]
pub async fn list(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<EventTypeItem>>, ApiError> {
    let rows = list_of(&state.db, &user.id, Listing::ByName)
        .await
        .map_err(app::error::AppError::from)?;
    Ok(Json(
        rows.into_iter()
            .map(|e| EventTypeItem {
                id: e.id.into(),
                name: e.name,
                slug: e.slug,
                duration: e.duration_min,
            })
            .collect(),
    ))
}
