use super::AuthErrors;
use super::auth::ApiUser;
use super::error::ApiError;
use app::error::AppError;
use app::ssr::AppState;
use app::ssr::phone::PhoneRegion;
use app::ssr::services::team;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
    /// ISO 3166 alpha-2 region national phone numbers are read in; `null`
    /// when neither the team nor the user's time zone names one.
    pub phone_region: Option<String>,
}

/// The user the API key acts as: Zapier's connection test and label.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("api_key" = [])),
    responses((status = 200, description = "The key's user", body = Me), AuthErrors)
)]
pub async fn me(State(state): State<AppState>, api_user: ApiUser) -> Result<Json<Me>, ApiError> {
    let user = api_user.user;
    let region = team::phone_region_of(&state.db, &user).await.map_err(AppError::from)?;
    Ok(Json(Me {
        id: user.id.into(),
        name: user.name,
        email: user.email,
        phone_region: region.map(PhoneRegion::code),
    }))
}
