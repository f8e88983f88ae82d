//! How many bookings one invitee e-mail and one host take an hour, so that
//! a script can neither fill a host's calendar nor send mail it chose
//! through Slotline. Counted in the database, where every process sees the
//! same numbers; cancelled bookings count too.
use super::BookingError;
use crate::domain::Email;
use crate::ssr::entities::{booking, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

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
    let by_email = booking::Column::InviteeEmail.eq(email.as_str());
    if let Some(wait) = full_until(db, by_email, limits.per_email_per_hour, now).await? {
        return Err(BookingError::TooMany {
            message: "This e-mail address has made too many bookings in the last hour.".to_owned(),
            wait,
        });
    }
    let by_host = booking::Column::HostId.eq(&host.id);
    if let Some(wait) = full_until(db, by_host, limits.per_host_per_hour, now).await? {
        return Err(BookingError::TooMany {
            message: format!("{} is taking no more bookings for the moment.", host.name),
            wait,
        });
    }
    Ok(())
}

/// How long until the bookings matching `filter` in the last hour drop
/// below `limit`, if they are at it: the `limit`-th newest leaves the hour.
async fn full_until(
    db: &impl ConnectionTrait,
    filter: SimpleExpr,
    limit: u32,
    now: DateTime<Utc>,
) -> Result<Option<Duration>, DbErr> {
    let hour = Duration::hours(1);
    let newest: Vec<DateTime<Utc>> = booking::Entity::find()
        .select_only()
        .column(booking::Column::CreatedAt)
        .filter(filter)
        .filter(booking::Column::CreatedAt.gt(now - hour))
        .order_by_desc(booking::Column::CreatedAt)
        .limit(u64::from(limit))
        .into_tuple()
        .all(db)
        .await?;
    if newest.len() < limit as usize {
        return Ok(None);
    }
    Ok(newest.last().map(|oldest| *oldest + hour - now))
}
