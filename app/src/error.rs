//! The one error type server functions return to the browser.
//!
//! It carries what a page needs to show (which field is wrong, whether the
//! slot was taken) and nothing internal: unexpected failures are logged on
//! the server and reach the browser as [`AppError::Internal`].
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One problem with one form field, named as the form names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please correct the highlighted fields.")]
    Validation(Vec<FieldError>),
    #[error("That time was just taken. Please choose another time.")]
    SlotTaken,
    #[error("Not found.")]
    NotFound,
    /// Too many attempts, or the server is saturated: says when to retry.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after_secs: u64 },
    /// It existed, and no longer answers: says what ended.
    #[error("{0}")]
    Gone(String),
    #[error("Please log in to continue.")]
    Unauthorized,
    /// Says what the person may not do and why (their role, their plan).
    #[error("{0}")]
    Forbidden(String),
    /// The team's plan allows no more of something; says what and how many.
    #[error("{0}")]
    PlanLimit(String),
    /// A service Slotline relies on (Stripe) cannot do its part right now.
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("The request could not be completed: {0}")]
    Request(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// The HTTP status this error answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Validation(_) => 422,
            Self::SlotTaken => 409,
            Self::NotFound => 404,
            Self::Gone(_) => 410,
            Self::TooManyRequests { .. } => 429,
            Self::Unauthorized => 401,
            Self::Forbidden(_) | Self::PlanLimit(_) => 403,
            Self::Request(_) => 400,
            Self::Unavailable(_) => 503,
            Self::Internal => 500,
        }
    }

    /// The message for one field, if this error names it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        tracing::error!(error = %error, "database error");
        Self::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "unexpected error");
        Self::Internal
    }
}
