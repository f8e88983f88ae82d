use super::AuthErrors;
use super::auth::ApiUser;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// The user the API key acts as: Zapier's connection test and label.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    security(("api_key" = [])),
    responses((status = 200, description = "The key's user", body = Me), AuthErrors)
)]
pub async fn me(ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me {
        id: user.id.into(),
        name: user.name,
        email: user.email,
    })
}
