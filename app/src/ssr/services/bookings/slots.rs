//! The free start times of an event type, and whether one is still free.
use super::BookingError;
use crate::domain::event_type::MAX_DURATION;
use crate::domain::slots::{Busy, SlotQuery, SlotRules, compute_slots, without_full_days};
use crate::domain::{BookingId, BookingStatus};
use crate::ssr::entities::{booking, event_type, user};
use crate::ssr::services::calendar::{self, Ask, Calendar};
use crate::ssr::services::event_types;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction};

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
    let ask = Ask {
        bookings: Some(near(&window)),
        instants: None,
    };
    let calendar = calendar::read(db, &host.id, ask).await?;
    Ok(slots_in(&calendar, host, event, &window, now))
}

/// The bookings that hold time near `window`.
fn near(window: &SlotWindow<'_>) -> Condition {
    // Buffers are at most 12 hours and a day at most 25, so two days'
    // margin finds every booking whose padded interval can touch the
    // window, and every booking on the same day as one of its slots.
    let (after, before) = (window.from - Duration::days(2), window.to + Duration::days(2));
    let condition = Condition::all()
        .add(booking::Column::Status.is_in([BookingStatus::Confirmed, BookingStatus::PendingPayment]))
        .add(booking::Column::StartAt.lt(before))
        .add(booking::Column::EndAt.gt(after))
        // Implied by the line above, as no meeting is longer: it bounds the
        // `(host_id, start_at)` index scan, which would otherwise read every
        // booking in the host's past.
        .add(booking::Column::StartAt.gt(after - Duration::minutes(MAX_DURATION.into())));
    match window.exclude {
        Some(id) => condition.add(booking::Column::Id.ne(id)),
        None => condition,
    }
}

fn slots_in(
    calendar: &Calendar,
    host: &user::Model,
    event: &event_type::Model,
    window: &SlotWindow<'_>,
    now: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let busy: Vec<Busy> = calendar
        .booked
        .iter()
        .map(|booked| Busy {
            start: booked.start - Duration::minutes(booked.buffer_before_min.into()),
            end: booked.end + Duration::minutes(booked.buffer_after_min.into()),
        })
        .collect();
    let slots = compute_slots(&SlotQuery {
        host_tz: host.zone(),
        weekly: &calendar.schedule.weekly,
        overrides: &calendar.schedule.overrides,
        rules: SlotRules {
            duration_min: window.minutes,
            ..event_types::scheduling(event).rules()
        },
        busy: &busy,
        now,
        from: window.from,
        to: window.to,
    });
    match host.max_bookings_per_day.and_then(|max| usize::try_from(max).ok()) {
        Some(max) => {
            let starts: Vec<_> = calendar.booked.iter().map(|booked| booked.start).collect();
            without_full_days(slots, &starts, host.zone(), max)
        }
        None => slots,
    }
}

/// A slot re-checked under the host's lock.
pub(super) struct Recheck {
    pub free: bool,
    /// The answers of the instants asked with it.
    pub instants: [Option<DateTime<Utc>>; 2],
}

/// Whether a meeting of `minutes` can still start at `start`, with the
/// `instants` (two scalar subqueries) read in the same statement.
pub(super) async fn recheck(
    txn: &DatabaseTransaction,
    (host, event): (&user::Model, &event_type::Model),
    (start, minutes): (DateTime<Utc>, u32),
    exclude: Option<&BookingId>,
    instants: Option<[SelectStatement; 2]>,
) -> Result<Recheck, BookingError> {
    let window = SlotWindow {
        from: start,
        to: start + Duration::minutes(1),
        minutes,
        exclude,
    };
    let ask = Ask {
        bookings: Some(near(&window)),
        instants,
    };
    let calendar = calendar::read(txn, &host.id, ask).await?;
    Ok(Recheck {
        free: slots_in(&calendar, host, event, &window, Utc::now()).contains(&start),
        instants: calendar.instants,
    })
}
