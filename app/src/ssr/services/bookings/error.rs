//! Why a booking could not be made or changed; each edge maps it once.
use crate::error::{AppError, FieldError};
use crate::ssr::services::is_unique_violation;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// The request's fields, each with what is wrong with it.
    #[error("the booking request has fields to correct")]
    Invalid(Vec<FieldError>),
    #[error("the time is no longer free")]
    SlotTaken,
    /// No such booking or event type, or not one this actor may see.
    #[error("no such booking or event type")]
    NotFound,
    /// The booking is over, and with it its manage link.
    #[error("the booking has ended")]
    Ended,
    /// An hourly limit on bookings is reached; `wait` until the next may be made.
    #[error("{message}")]
    TooMany { message: String, wait: chrono::Duration },
    #[error("reading or storing the booking")]
    Database(#[from] DbErr),
    #[error("storing the invitee's answers")]
    Answers(#[from] serde_json::Error),
    /// The idempotency key already made this booking.
    #[error("the idempotency key already made a booking")]
    AlreadyBooked(Box<super::BookingDetails>),
    /// The idempotency key was used with another request.
    #[error("the idempotency key was used with another request")]
    KeyReused,
    /// Another request claimed the idempotency key meanwhile.
    #[error("another request claimed the idempotency key meanwhile")]
    KeyRace,
    /// The booking needs a payment that cannot be taken now; says so.
    #[error("{0}")]
    Payments(String),
}

impl BookingError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// A write that broke the one-confirmed-booking-per-start index lost a
    /// race for its slot; any other database error is just that.
    pub(super) fn slot_taken_or(error: DbErr) -> Self {
        if is_unique_violation(&error) {
            Self::SlotTaken
        } else {
            Self::Database(error)
        }
    }
}

impl From<BookingError> for AppError {
    fn from(error: BookingError) -> Self {
        match error {
            BookingError::Invalid(fields) => Self::Validation(fields),
            BookingError::SlotTaken => Self::SlotTaken,
            BookingError::NotFound => Self::NotFound,
            BookingError::Payments(message) => Self::Unavailable(message),
            BookingError::Ended => Self::Gone(
                "This booking has already taken place, so its link no longer works. To meet again, book a new time."
                    .to_owned(),
            ),
            BookingError::TooMany { message, wait } => {
                let minutes = wait.num_minutes() + 1;
                let unit = if minutes == 1 { "minute" } else { "minutes" };
                Self::TooManyRequests {
                    message: format!("{message} Try again in {minutes} {unit}."),
                    retry_after_secs: u64::try_from(wait.num_seconds()).unwrap_or(0).max(1),
                }
            }
            BookingError::Database(cause) => cause.into(),
            BookingError::Answers(cause) => {
                tracing::error!(error = %cause, "answers could not be stored");
                Self::Internal
            }
            BookingError::KeyReused => Self::field(
                "Idempotency-Key",
                "This key was used with another request. Use a new key for a new booking.",
            ),
            BookingError::AlreadyBooked(_) | BookingError::KeyRace => {
                tracing::error!("an idempotency outcome reached an edge unhandled");
                Self::Internal
            }
        }
    }
}
