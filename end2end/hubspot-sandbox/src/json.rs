//! The JSON body extractor for `/crm` calls: HubSpot answers a wrong content type with `415` and
//! unparsable JSON with a `400 VALIDATION_ERROR`, not with axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::errors::ApiError;

/// A JSON request body, rejected with HubSpot's error shapes.
pub(crate) struct HubJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for HubJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::Validation("Could not read the request body".to_owned()))?;
        serde_json::from_slice(&bytes).map(HubJson).map_err(|error| {
            ApiError::Validation(format!(
                "Invalid input JSON on line {}, column {}: {error}",
                error.line(),
                error.column()
            ))
        })
    }
}
