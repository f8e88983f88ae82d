//! How many bookings one invitee e-mail and one host take an hour, so that
//! a script can neither fill a host's calendar nor send mail it chose
//! through Slotline. Counted in the database, where every process sees the
//! same numbers; cancelled bookings count too.
use super::BookingError;
use crate::domain::Email;
use crate::ssr::entities::{booking, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Order, Query, SelectStatement, SimpleExpr};

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

/// For the booking email and the host, the instant their hourly limit is
/// reached until: the `limit`-th newest booking in the hour before `now`,
/// when there are that many. Two scalar subqueries, read with the slot under
/// the host's lock (`slots::recheck`) and judged by [`refuse_past`].
pub(super) fn reached_at(
    limits: BookingLimits,
    host: &user::Model,
    email: &Email,
    now: DateTime<Utc>,
) -> [SelectStatement; 2] {
    let since = now - Duration::hours(1);
    let nth_newest = |filter: SimpleExpr, limit: u32| {
        Query::select()
            .column(booking::Column::CreatedAt)
            .from(booking::Entity)
            .and_where(filter)
            .and_where(booking::Column::CreatedAt.gt(since))
            .order_by(booking::Column::CreatedAt, Order::Desc)
            .limit(1)
            .offset(u64::from(limit.saturating_sub(1)))
            .to_owned()
    };
    [
        nth_newest(
            booking::Column::InviteeEmail.eq(email.as_str()),
            limits.per_email_per_hour,
        ),
        nth_newest(booking::Column::HostId.eq(&host.id), limits.per_host_per_hour),
    ]
}

/// Refuses a booking past either hourly limit, saying when the next may be
/// made; `reached` is what [`reached_at`]'s subqueries answered.
pub(super) fn refuse_past(
    [by_email, by_host]: [Option<DateTime<Utc>>; 2],
    host: &user::Model,
    now: DateTime<Utc>,
) -> Result<(), BookingError> {
    let hour = Duration::hours(1);
    if let Some(oldest) = by_email {
        return Err(BookingError::TooMany {
            message: "This e-mail address has made too many bookings in the last hour.".to_owned(),
            wait: oldest + hour - now,
        });
    }
    if let Some(oldest) = by_host {
        return Err(BookingError::TooMany {
            message: format!("{} is taking no more bookings for the moment.", host.name),
            wait: oldest + hour - now,
        });
    }
    Ok(())
}
