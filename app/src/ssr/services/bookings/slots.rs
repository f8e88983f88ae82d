//! The free start times of an event type, and whether one is still free.
use super::BookingError;
use crate::domain::event_type::MAX_DURATION;
use crate::domain::slots::{Busy, SlotQuery, SlotRules, compute_slots, without_full_days};
use crate::domain::{BookingId, BookingStatus};
use crate::ssr::entities::{booking, event_type, user};
use crate::ssr::services::{availability, event_types};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};

/// Where and how long to look for free times of an event type.
#[derive(Debug, Clone, Copy)]
pub struct SlotWindow<'a> {
    /// Slots starting in `[from, to)`.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The meeting's length: one of the event type's durations.
    pub minutes: u32,
    /// A booking to ignore: the one being rescheduled.
    pub exclude: Option<&'a BookingId>,
}

/// Free start instants of `event` in the window, as of `now`.
pub async fn free_slots(
    db: &impl ConnectionTrait,
    host: &user::Model,
    event: &event_type::Model,
    window: SlotWindow<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, BookingError> {
    let SlotWindow {
        from,
        to,
        minutes,
        exclude,
    } = window;
    let schedule = availability::load(db, &host.id).await?;
    // Buffers are at most 12 hours and a day at most 25, so two days'
    // margin finds every booking whose padded interval can touch the
    // window, and every booking on the same day as one of its slots.
    let (after, before) = (from - Duration::days(2), to + Duration::days(2));
    let mut query = booking::Entity::find()
        .filter(booking::Column::HostId.eq(&host.id))
        .filter(booking::Column::Status.is_in([BookingStatus::Confirmed, BookingStatus::PendingPayment]))
        .filter(booking::Column::StartAt.lt(before))
        .filter(booking::Column::EndAt.gt(after))
        // Implied by the line above, as no meeting is longer: it bounds the
        // `(host_id, start_at)` index scan, which would otherwise read every
        // booking in the host's past.
        .filter(booking::Column::StartAt.gt(after - Duration::minutes(MAX_DURATION.into())));
    if let Some(id) = exclude {
        query = query.filter(booking::Column::Id.ne(id));
    }
    // Only the times: a busy host has thousands of rows in the window.
    let booked: Vec<(DateTime<Utc>, DateTime<Utc>, i32, i32)> = query
        .select_only()
        .columns([
            booking::Column::StartAt,
            booking::Column::EndAt,
            booking::Column::BufferBeforeMin,
            booking::Column::BufferAfterMin,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let busy: Vec<Busy> = booked
        .iter()
        .map(|&(start, end, before, after)| Busy {
            start: start - Duration::minutes(before.into()),
            end: end + Duration::minutes(after.into()),
        })
        .collect();
    let slots = compute_slots(&SlotQuery {
        host_tz: host.zone(),
        weekly: &schedule.weekly,
        overrides: &schedule.overrides,
        rules: SlotRules {
            duration_min: minutes,
            ..event_types::scheduling(event).rules()
        },
        busy: &busy,
        now,
        from,
        to,
    });
    Ok(
        match host.max_bookings_per_day.and_then(|max| usize::try_from(max).ok()) {
            Some(max) => {
                let starts: Vec<_> = booked.iter().map(|&(start, ..)| start).collect();
                without_full_days(slots, &starts, host.zone(), max)
            }
            None => slots,
        },
    )
}

/// Whether a meeting of `minutes` can start at `start`.
pub(super) async fn is_free(
    txn: &DatabaseTransaction,
    host: &user::Model,
    event: &event_type::Model,
    start: DateTime<Utc>,
    minutes: u32,
    exclude: Option<&BookingId>,
) -> Result<bool, BookingError> {
    let window = SlotWindow {
        from: start,
        to: start + Duration::minutes(1),
        minutes,
        exclude,
    };
    let slots = free_slots(txn, host, event, window, Utc::now()).await?;
    Ok(slots.contains(&start))
}
