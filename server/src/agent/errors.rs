//! The agent's errors in the API's terms: a booking service error with its
//! fields named as the JSON names them.
use crate::api::error::ApiError;
use app::error::{AppError, FieldError};
use app::ssr::services::bookings::BookingError;

pub fn field(name: &str, message: impl Into<String>) -> ApiError {
    ApiError::App(AppError::field(name, message))
}

/// The booking form's field names as the API's JSON names them.
fn json_name(form_field: &str) -> String {
    match form_field {
        "name" => "invitee.name".to_owned(),
        "email" => "invitee.email".to_owned(),
        "phone" => "invitee.phone".to_owned(),
        "time_zone" => "invitee.timeZone".to_owned(),
        other => match other.strip_prefix("answer-") {
            Some(question) => format!("answers.{question}"),
            None => other.to_owned(),
        },
    }
}

pub fn booking_error(error: BookingError) -> ApiError {
    match error {
        BookingError::Invalid(fields) => ApiError::App(AppError::Validation(
            fields
                .into_iter()
                .map(|f| FieldError::new(&json_name(&f.field), f.message))
                .collect(),
        )),
        BookingError::KeyReused => ApiError::IdempotencyKeyReused,
        BookingError::SlotTaken => ApiError::SlotTaken { next: Vec::new() },
        other => ApiError::App(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_take_their_json_names() {
        assert_eq!(json_name("email"), "invitee.email");
        assert_eq!(json_name("answer-q1"), "answers.q1");
        assert_eq!(json_name("start"), "start");
    }
}
