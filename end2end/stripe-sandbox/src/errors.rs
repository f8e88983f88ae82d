//! Stripe's error answers: `{"error":{"type","code"?,"message","param"?}}` with the status codes
//! STRIPE.md lists, and the constructors the endpoints use.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// A refused API call, answered as Stripe answers it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {kind}: {message}")]
pub(crate) struct ApiError {
    status: StatusCode,
    /// Stripe's `type`: `invalid_request_error`, `idempotency_error` or `api_error`.
    kind: &'static str,
    code: Option<&'static str>,
    message: String,
    param: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, code: Option<&'static str>, message: String) -> Self {
        Self {
            status,
            kind,
            code,
            message,
            param: None,
        }
    }

    fn with_param(mut self, param: &str) -> Self {
        self.param = Some(param.to_owned());
        self
    }

    /// `400 invalid_request_error` without a code: a request Stripe understands but will not do.
    pub(crate) fn invalid(message: String) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", None, message)
    }

    /// `400 invalid_request_error` about one parameter, without a code.
    pub(crate) fn invalid_param(param: &str, message: String) -> Self {
        Self::invalid(message).with_param(param)
    }

    pub(crate) fn missing(param: &str) -> Self {
        let message = format!("Missing required param: {param}.");
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some("parameter_missing"),
            message,
        )
        .with_param(param)
    }

    pub(crate) fn unknown(param: &str) -> Self {
        let message = format!("Received unknown parameter: {param}");
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some("parameter_unknown"),
            message,
        )
        .with_param(param)
    }

    pub(crate) fn invalid_integer(param: &str, value: &str) -> Self {
        let message = format!("Invalid integer: {value}");
        let code = Some("parameter_invalid_integer");
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", code, message).with_param(param)
    }

    pub(crate) fn empty(param: &str) -> Self {
        let message = format!(
            "You passed an empty string for '{param}'. We assume empty values are an attempt to unset a \
             parameter; however '{param}' cannot be unset. You should remove '{param}' from your request or \
             supply a non-empty value."
        );
        let code = Some("parameter_invalid_empty");
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", code, message).with_param(param)
    }

    /// `404 resource_missing`: `object` is Stripe's name for the type, e.g. `checkout.session`.
    pub(crate) fn no_such(object: &str, id: &str, param: &str) -> Self {
        let message = format!("No such {object}: '{id}'");
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            Some("resource_missing"),
            message,
        )
        .with_param(param)
    }

    pub(crate) fn charge_already_refunded(charge: &str) -> Self {
        let message = format!("Charge {charge} has already been refunded.");
        let code = Some("charge_already_refunded");
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", code, message)
    }

    pub(crate) fn unauthenticated(message: String) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_request_error", None, message)
    }

    pub(crate) fn idempotency_mismatch(key: &str) -> Self {
        let message = format!(
            "Keys for idempotent requests can only be used with the same parameters they were first used with. \
             Try using a key other than '{key}' if you meant to execute a different request."
        );
        Self::new(StatusCode::BAD_REQUEST, "idempotency_error", None, message)
    }

    pub(crate) fn idempotency_in_use() -> Self {
        let message = "There is currently another in-progress request using this Stripe API key and idempotency \
                       key. Please retry later."
            .to_owned();
        let code = Some("idempotency_key_in_use");
        Self::new(StatusCode::CONFLICT, "invalid_request_error", code, message)
    }

    pub(crate) fn rate_limited() -> Self {
        let message = "Too many requests hit the API too quickly. We recommend an exponential backoff of your \
                       requests."
            .to_owned();
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "invalid_request_error",
            Some("rate_limit"),
            message,
        )
    }

    pub(crate) fn server_error() -> Self {
        let message = "An unknown error occurred (injected by the Stripe sandbox).".to_owned();
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "api_error", None, message)
    }

    /// The answer to a path (or method) the sandbox does not serve.
    pub(crate) fn unrecognized(method: &str, path: &str) -> Self {
        let message = format!(
            "Unrecognized request URL ({method}: {path}). The Stripe sandbox serves only what STRIPE.md lists."
        );
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", None, message)
    }

    pub(crate) fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("type".to_owned(), json!(self.kind));
        if let Some(code) = self.code {
            error.insert("code".to_owned(), json!(code));
        }
        error.insert("message".to_owned(), json!(self.message));
        if let Some(param) = &self.param {
            error.insert("param".to_owned(), json!(param));
        }
        json!({"error": error})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// Fallback for paths nothing else serves.
pub(crate) async fn not_found(request: axum::extract::Request) -> Response {
    ApiError::unrecognized(request.method().as_str(), request.uri().path()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_appear_only_when_set() {
        assert_eq!(
            ApiError::missing("mode").body(),
            json!({"error": {"type": "invalid_request_error", "code": "parameter_missing",
                             "message": "Missing required param: mode.", "param": "mode"}})
        );
        let body = ApiError::server_error().body();
        assert_eq!(body["error"]["type"], "api_error");
        assert!(body["error"].get("code").is_none() && body["error"].get("param").is_none());
    }
}
