//! HubSpot's error bodies: the CRM shape (`status`, `message`, `correlationId`, `category`) and the
//! OAuth shape (RFC 6749 `error`/`error_description` next to HubSpot's legacy `status`/`message`).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::ids::uuid_like;

const MISSING_CREDENTIALS: &str = "Authentication credentials not found. This API supports OAuth 2.0 authentication \
and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

/// One rejected property value, serialised inside the `message` of a `VALIDATION_ERROR` exactly as
/// HubSpot does (`isValid`, `message`, `error`, `name`, in that order).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PropertyIssue {
    #[serde(rename = "isValid")]
    is_valid: bool,
    message: String,
    error: &'static str,
    name: String,
}

impl PropertyIssue {
    pub(crate) fn new(name: &str, error: &'static str, message: String) -> Self {
        Self {
            is_valid: false,
            message,
            error,
            name: name.to_owned(),
        }
    }
}

/// Why a `/crm` call failed; each variant answers with HubSpot's status code and body.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    #[error("missing or unknown access token")]
    InvalidAuthentication,
    #[error("access token expired {seconds_ago} s ago")]
    ExpiredAuthentication { seconds_ago: i64 },
    #[error("the token lacks scopes {0:?}")]
    MissingScopes(Vec<&'static str>),
    #[error("{0}")]
    Validation(String),
    #[error("property values were not valid")]
    InvalidProperties(Vec<PropertyIssue>),
    #[error("{0}")]
    Conflict(String),
    #[error("resource not found")]
    NotFound,
    #[error("content type must be application/json")]
    UnsupportedMediaType,
    #[error("ten-secondly rolling limit reached")]
    RateLimited,
    #[error("secondly search limit reached")]
    SearchRateLimited,
    #[error("injected 429")]
    InjectedTooManyRequests { retry_after: Option<u64> },
    #[error("internal error")]
    Internal,
}

impl From<Vec<PropertyIssue>> for ApiError {
    fn from(issues: Vec<PropertyIssue>) -> Self {
        Self::InvalidProperties(issues)
    }
}

fn body(category: &str, message: &str) -> Value {
    json!({"status": "error", "message": message, "correlationId": uuid_like(), "category": category})
}

fn rate_limit_body(message: &str, policy: &str) -> Value {
    json!({
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "category": "RATE_LIMITS",
        "correlationId": uuid_like(),
        "policyName": policy,
        "requestId": uuid_like(),
    })
}

impl ApiError {
    /// The status code, `category` and `message` HubSpot answers this error with.
    pub(crate) fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::InvalidAuthentication => (
                StatusCode::UNAUTHORIZED,
                "INVALID_AUTHENTICATION",
                MISSING_CREDENTIALS.to_owned(),
            ),
            Self::ExpiredAuthentication { seconds_ago } => (
                StatusCode::UNAUTHORIZED,
                "EXPIRED_AUTHENTICATION",
                format!("The OAuth token used to make this call expired {seconds_ago} second(s) ago."),
            ),
            Self::MissingScopes(_) => (
                StatusCode::FORBIDDEN,
                "MISSING_SCOPES",
                "This app hasn't been granted all required scopes to make this call. \
                 Read more about required scopes here: https://developers.hubspot.com/scopes."
                    .to_owned(),
            ),
            Self::Validation(message) => (StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message.clone()),
            Self::InvalidProperties(issues) => {
                // Serialising plain strings and bools cannot fail.
                let list = serde_json::to_string(issues).unwrap_or_default();
                let message = format!("Property values were not valid: {list}");
                (StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
            }
            Self::Conflict(message) => (StatusCode::CONFLICT, "CONFLICT", message.clone()),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "OBJECT_NOT_FOUND",
                "resource not found".to_owned(),
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "VALIDATION_ERROR",
                "Content-Type must be application/json".to_owned(),
            ),
            Self::RateLimited | Self::InjectedTooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITS",
                "You have reached your ten_secondly_rolling limit.".to_owned(),
            ),
            Self::SearchRateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITS",
                "You have reached your secondly limit.".to_owned(),
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_ERROR",
                "internal error".to_owned(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, category, message) = self.parts();
        let value = match &self {
            Self::MissingScopes(scopes) => {
                let mut value = body(category, &message);
                value["errors"] = json!([{
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": scopes},
                }]);
                value
            }
            Self::RateLimited | Self::InjectedTooManyRequests { .. } => {
                rate_limit_body(&message, "TEN_SECONDLY_ROLLING")
            }
            Self::SearchRateLimited => rate_limit_body(&message, "SECONDLY"),
            _ => body(category, &message),
        };
        let mut response = (status, Json(value)).into_response();
        if let Self::InjectedTooManyRequests {
            retry_after: Some(seconds),
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A failed OAuth token, introspection or revocation call: always `400` with both error vocabularies.
#[derive(Debug, thiserror::Error)]
#[error("{error} ({status}): {message}")]
pub(crate) struct OAuthError {
    error: &'static str,
    status: &'static str,
    message: String,
}

impl OAuthError {
    pub(crate) fn invalid_request(message: String) -> Self {
        Self {
            error: "invalid_request",
            status: "BAD_REQUEST",
            message,
        }
    }

    pub(crate) fn invalid_client(message: &str) -> Self {
        Self {
            error: "invalid_client",
            status: "BAD_CLIENT_ID",
            message: message.to_owned(),
        }
    }

    pub(crate) fn bad_auth_code(message: &str) -> Self {
        Self {
            error: "invalid_grant",
            status: "BAD_AUTH_CODE",
            message: message.to_owned(),
        }
    }

    pub(crate) fn bad_refresh_token() -> Self {
        Self {
            error: "invalid_grant",
            status: "BAD_REFRESH_TOKEN",
            message: "refresh token is invalid, expired or revoked".to_owned(),
        }
    }

    pub(crate) fn unsupported_grant_type(grant_type: &str) -> Self {
        Self {
            error: "unsupported_grant_type",
            status: "BAD_GRANT_TYPE",
            message: format!("grant_type {grant_type:?} is not supported"),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let value = json!({
            "error": self.error,
            "error_description": self.message,
            "status": self.status,
            "message": self.message,
        });
        (StatusCode::BAD_REQUEST, Json(value)).into_response()
    }
}

/// The answer to a path the sandbox does not serve.
pub(crate) async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(body("OBJECT_NOT_FOUND", "resource not found")),
    )
        .into_response()
}
