//! The errors of the agent endpoints besides [`super::AuthErrors`], for the
//! OpenAPI document only ([`super::error::ApiError`] builds the bodies).
use super::error::ErrorBody;

/// What reading free times, bookings or contacts can answer.
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "describes responses for the OpenAPI document; never built")]
pub enum ReadErrors {
    /// Malformed parameters (`bad_request`).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The key lacks the scope (`insufficient_scope`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such object of this user (`not_found`).
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// A parameter is invalid; the message names it (`validation`).
    #[response(status = 422)]
    Validation(ErrorBody),
}

/// What booking, rescheduling or cancelling can answer.
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "describes responses for the OpenAPI document; never built")]
pub enum WriteErrors {
    /// Malformed JSON (`bad_request`).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The key lacks the `bookings:write` scope (`insufficient_scope`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such booking or event type of this user (`not_found`).
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The time is no longer free (`slot_taken`, the message names the
    /// next free times), or several bookings match (`ambiguous`, with
    /// `candidates`).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// A field is invalid; the message names it (`validation`), or the
    /// idempotency key came with another request (`idempotency_key_reused`).
    #[response(status = 422)]
    Validation(ErrorBody),
}
