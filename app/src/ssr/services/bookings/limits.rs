//! How many bookings one invitee e-mail and one host take an hour, so that
//! a script can neither fill a host's calendar nor send mail it chose
//! through Slotline. Counted in the database, where every process sees the
//! same numbers; cancelled bookings count too.
use super::BookingError;
use crate::domain::Email;
use crate::ssr::entities::{booking, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Order, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr};

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

/// Refuses a booking past either hourly limit, saying when the next may be made.
pub(super) async fn check(
    db: &impl ConnectionTrait,
    limits: BookingLimits,
    host: &user::Model,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), BookingError> {
    let [by_email, by_host] = limits_reached_at(
        db,
        [
            (
                booking::Column::InviteeEmail.eq(email.as_str()),
                limits.per_email_per_hour,
            ),
            (booking::Column::HostId.eq(&host.id), limits.per_host_per_hour),
        ],
        now,
    )
    .await?;
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

/// For each filter and its limit, the `limit`-th newest booking matching
/// it in the hour before `now`, when there are that many: the limit is
/// reached until it leaves the hour. One statement for both, as every
/// booking asks.
async fn limits_reached_at(
    db: &impl ConnectionTrait,
    counted: [(SimpleExpr, u32); 2],
    now: DateTime<Utc>,
) -> Result<[Option<DateTime<Utc>>; 2], DbErr> {
    const COLUMNS: [&str; 2] = ["first", "second"];
    let since = now - Duration::hours(1);
    let mut select = Query::select();
    for ((filter, limit), column) in counted.into_iter().zip(COLUMNS) {
        let nth_newest = Query::select()
            .column(booking::Column::CreatedAt)
            .from(booking::Entity)
            .and_where(filter)
            .and_where(booking::Column::CreatedAt.gt(since))
            .order_by(booking::Column::CreatedAt, Order::Desc)
            .limit(1)
            .offset(u64::from(limit.saturating_sub(1)))
            .to_owned();
        select.expr_as(
            SimpleExpr::SubQuery(None, Box::new(nth_newest.into())),
            Alias::new(column),
        );
    }
    let row = db
        .query_one(&select)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the booking limits".to_owned()))?;
    Ok([row.try_get("", COLUMNS[0])?, row.try_get("", COLUMNS[1])?])
}
