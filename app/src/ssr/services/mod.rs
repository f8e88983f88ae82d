//! Application services: the rules of each resource, with the database.
//! Server functions and the REST API call these and nothing below them.
pub mod accounts;
pub mod api_keys;
pub mod availability;
pub mod booking_page;
pub mod bookings;
pub mod calendar;
pub mod contact_sync;
pub mod contacts;
pub mod event_types;
pub mod external_links;
pub mod hubspot;
pub mod passwords;
pub mod payments;
pub mod questions;
pub mod resealing;
pub mod retention;
pub mod stripe;
pub mod team;
pub mod webhooks;

use crate::domain::UserId;
use crate::error::{AppError, FieldError};
use crate::ssr::entities::{team as team_row, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The team `user` belongs to.
pub async fn team_of(db: &impl ConnectionTrait, user: &user::Model) -> Result<team_row::Model, AppError> {
    team_row::Entity::find_by_id(&user.team_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)
}

/// Makes one user's count-then-insert transactions (plan limits) run one
/// after another: a no-op UPDATE of the user's row takes its row lock on
/// PostgreSQL, so a second transaction waits and then counts the first one's
/// row (on SQLite, [`write_transaction`](crate::ssr::db::write_transaction)
/// already holds the database's write lock). Must come before the count.
pub async fn lock_user(db: &impl ConnectionTrait, user_id: &UserId) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::Id, Expr::col(user::Column::Id))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Collects field errors while a form is parsed, so that every wrong field
/// is reported at once.
#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Records the error of `result` under `field` and returns its value.
    pub fn check<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(field, error.to_string());
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError::new(field, message));
        }
    }

    /// Every field error, if there was any.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }

    pub fn into_result(self) -> Result<(), AppError> {
        self.finish().map_err(AppError::Validation)
    }
}

/// True when a database error is a unique-constraint violation.
pub fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Maps a unique-constraint violation to the error `conflict` describes,
/// and any other database error to [`AppError::Internal`].
pub fn unique_or(conflict: impl FnOnce() -> AppError) -> impl FnOnce(sea_orm::DbErr) -> AppError {
    move |error| {
        if is_unique_violation(&error) {
            conflict()
        } else {
            error.into()
        }
    }
}
