//! The API's one error type and its JSON form, `{"error":{"code","message"}}`.
use crate::agent::shapes::Booking;
use app::domain::api_scopes::ApiScope;
use app::error::AppError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `bad_request`, `invalid_api_key`, `forbidden`, `insufficient_scope`,
    /// `plan_limit`, `not_found`, `slot_taken`, `ambiguous`, `validation`,
    /// `idempotency_key_reused`, `rate_limited` or `internal`.
    pub code: String,
    pub message: String,
    /// With `ambiguous`: the bookings that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<Booking>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("{0}")]
    BadRequest(String),
    #[error("Too many requests. Try again in {retry_after} seconds.")]
    RateLimited { retry_after: u64 },
    #[error("This endpoint does not take that method; see /api/openapi.json.")]
    MethodNotAllowed,
    #[error("This API key may not {}. Create a key with the {} scope.", .0.description().to_lowercase(), .0.as_str())]
    InsufficientScope(ApiScope),
    /// The time is taken; `next` are the next free times, if any.
    #[error("{}", slot_taken_message(.next))]
    SlotTaken { next: Vec<String> },
    #[error("{message}")]
    Ambiguous { message: String, candidates: Vec<Booking> },
    #[error(
        "This Idempotency-Key was used with another request in the last 24 hours. Use a new key for a new booking."
    )]
    IdempotencyKeyReused,
}

fn slot_taken_message(next: &[String]) -> String {
    match next {
        [] => "That time is no longer free, and no later time is free in the next two weeks.".to_owned(),
        next => format!(
            "That time is no longer free. The next free times are {}.",
            next.join(", ")
        ),
    }
}

impl ApiError {
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) | Self::App(AppError::Request(_)) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::RateLimited { .. } | Self::App(AppError::TooManyRequests { .. }) => {
                (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
            }
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::App(AppError::Validation(_)) => (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            Self::App(AppError::SlotTaken) | Self::SlotTaken { .. } => (StatusCode::CONFLICT, "slot_taken"),
            Self::Ambiguous { .. } => (StatusCode::CONFLICT, "ambiguous"),
            Self::InsufficientScope(_) => (StatusCode::FORBIDDEN, "insufficient_scope"),
            Self::IdempotencyKeyReused => (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
            // The API names no booking by its manage link, so nothing it
            // answers has ended in that sense; should it, it is not found.
            Self::App(AppError::NotFound | AppError::Gone(_)) => (StatusCode::NOT_FOUND, "not_found"),
            Self::App(AppError::Unauthorized) => (StatusCode::UNAUTHORIZED, "invalid_api_key"),
            Self::App(AppError::Forbidden(_)) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::App(AppError::PlanLimit(_)) => (StatusCode::FORBIDDEN, "plan_limit"),
            Self::App(AppError::Unavailable(_)) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::App(AppError::Internal) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::App(AppError::Validation(errors)) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join(" "),
            Self::App(AppError::Unauthorized) => {
                "The API key is missing, malformed, unknown, expired or revoked. Send a valid key in the X-API-Key \
                 header."
                    .to_owned()
            }
            Self::App(AppError::Request(message)) => message.clone(),
            other => other.to_string(),
        }
    }
}

impl ApiError {
    /// The JSON body this error answers with.
    pub fn body(&self) -> ErrorBody {
        let (_, code) = self.status_and_code();
        ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: self.message(),
                candidates: match self {
                    Self::Ambiguous { candidates, .. } => Some(candidates.clone()),
                    _ => None,
                },
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.status_and_code();
        let mut response = (status, Json(self.body())).into_response();
        let retry_after = match self {
            Self::RateLimited { retry_after }
            | Self::App(AppError::TooManyRequests {
                retry_after_secs: retry_after,
                ..
            }) => Some(retry_after),
            _ => None,
        };
        if let Some(retry_after) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::error::FieldError;

    #[test]
    fn validation_messages_name_their_field() {
        let error = ApiError::App(AppError::Validation(vec![FieldError::new(
            "targetUrl",
            "Use an https:// address.",
        )]));
        assert_eq!(
            error.status_and_code(),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation")
        );
        assert_eq!(error.message(), "targetUrl: Use an https:// address.");
    }

    #[test]
    fn internal_errors_carry_no_internals() {
        let response = ApiError::App(AppError::Internal).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
