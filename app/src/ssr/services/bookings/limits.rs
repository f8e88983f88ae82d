//! How many bookings one invitee e-mail and one host take an hour, so that
//! a script can neither fill a host's calendar nor send mail it chose
//! through Slotline. Counted in the database, where every process sees the
//! same numbers; cancelled bookings count too.
use super::BookingError;
use crate::domain::Email;
use crate::ssr::entities::{booking, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr};

/// Bookings an hour; settable by the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingLimits {
    pub per_email_per_hour: u32,
    pub per_host_per_hour: u32,
}

impl Default for BookingLimits {
    fn default() -> Self {
        Self {
            per_email_per_hour: 10,
            per_host_per_hour: 60,
        }
    }
}

/// When each hourly limit was reached, if it is: the booking that reached it.
#[must_use = "a booking past a limit is refused by `refuse_past`"]
pub(super) struct Counted {
    by_email: Option<DateTime<Utc>>,
    by_host: Option<DateTime<Utc>>,
}

impl Counted {
    /// Refuses a booking past either hourly limit, saying when the next may be made.
    pub(super) fn refuse_past(self, host: &user::Model, now: DateTime<Utc>) -> Result<(), BookingError> {
        let hour = Duration::hours(1);
        if let Some(oldest) = self.by_email {
            return Err(BookingError::TooMany {
                message: "This e-mail address has made too many bookings in the last hour.".to_owned(),
                wait: oldest + hour - now,
            });
        }
        if let Some(oldest) = self.by_host {
            return Err(BookingError::TooMany {
                message: format!("{} is taking no more bookings for the moment.", host.name),
                wait: oldest + hour - now,
            });
        }
        Ok(())
    }
}

/// Takes `host`'s schedule lock, as [`super::lock_host_schedule`] does, and
/// counts both limits in the same statement: every booking asks, and under
/// the lock concurrent bookings count each other. Must be the
/// transaction's first statement.
pub(super) async fn lock_schedule_and_count(
    txn: &DatabaseTransaction,
    limits: BookingLimits,
    host: &user::Model,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<Counted, DbErr> {
    let since = now - Duration::hours(1);
    // For each filter and its limit, the `limit`-th newest booking matching
    // it in the hour: the limit is reached until that one leaves the hour.
    let nth_newest = |filter: SimpleExpr, limit: u32| {
        let select = Query::select()
            .column(booking::Column::CreatedAt)
            .from(booking::Entity)
            .and_where(filter)
            .and_where(booking::Column::CreatedAt.gt(since))
            .order_by(booking::Column::CreatedAt, Order::Desc)
            .limit(1)
            .offset(u64::from(limit.saturating_sub(1)))
            .to_owned();
        SimpleExpr::SubQuery(None, Box::new(select.into()))
    };
    let lock_and_count = Query::update()
        .table(user::Entity)
        .value(
            user::Column::ScheduleVersion,
            Expr::col(user::Column::ScheduleVersion).add(1),
        )
        .and_where(user::Column::Id.eq(&host.id))
        .returning(Query::returning().exprs([
            nth_newest(
                booking::Column::InviteeEmail.eq(email.as_str()),
                limits.per_email_per_hour,
            ),
            nth_newest(booking::Column::HostId.eq(&host.id), limits.per_host_per_hour),
        ]))
        .to_owned();
    let row = txn
        .query_one(&lock_and_count)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("host {}", host.id)))?;
    Ok(Counted {
        by_email: row.try_get_by_index(0)?,
        by_host: row.try_get_by_index(1)?,
    })
}
