//! How a booking reads: to its invitee (their zone first) and on the
//! host's dashboard.
use super::{Actor, answers, find_for, host_and_event};
use crate::domain::BookingId;
use crate::dto::{BookingDto, DashboardBookings};
use crate::error::AppError;
use crate::ssr::entities::{booking, event_type, user};
use crate::ssr::time_fmt::range_in;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// A booking as its invitee sees it (times in the invitee's zone first).
pub async fn to_dto(db: &impl ConnectionTrait, booking: &booking::Model) -> Result<BookingDto, AppError> {
    let (host, event) = host_and_event(db, booking).await?;
    Ok(dto_with(booking, &host, &event, Utc::now()))
}

fn dto_with(b: &booking::Model, host: &user::Model, event: &event_type::Model, now: DateTime<Utc>) -> BookingDto {
    let invitee_tz = b.invitee_time_zone.tz();
    let host_tz = host.zone();
    BookingDto {
        id: b.id.clone(),
        status: b.status,
        can_change: b.status.allows_change(b.end_at, now),
        event_name: event.name.clone(),
        event_slug: event.slug.clone(),
        duration_min: event.duration_min as u32,
        host_name: host.name.clone(),
        host_slug: host.slug.clone(),
        invitee_name: b.invitee_name.clone(),
        invitee_email: b.invitee_email.clone(),
        invitee_phone: b.invitee_phone.clone(),
        invitee_time_zone: invitee_tz.name().to_owned(),
        host_time_zone: host_tz.name().to_owned(),
        start: crate::ssr::time_fmt::iso(b.start_at),
        when_invitee: range_in(invitee_tz, b.start_at, b.end_at),
        when_host: range_in(host_tz, b.start_at, b.end_at),
        previous_when_invitee: b
            .previous_start_at
            .zip(b.previous_end_at)
            .map(|(s, e)| range_in(invitee_tz, s, e)),
        location: event.location.clone(),
        notes: b.notes.clone(),
        answers: answers(b),
        cancel_reason: b.cancel_reason.clone(),
        cancelled_by: b.cancelled_by.clone(),
        is_past: b.end_at <= now,
    }
}

/// The host's bookings, upcoming (soonest first) and past (latest first).
pub async fn list_for_host(db: &DatabaseConnection, host: &user::Model) -> Result<DashboardBookings, AppError> {
    let now = Utc::now();
    let events = event_type::Entity::find()
        .filter(event_type::Column::UserId.eq(&host.id))
        .all(db)
        .await?;
    let rows = booking::Entity::find()
        .filter(booking::Column::HostId.eq(&host.id))
        .order_by_asc(booking::Column::StartAt)
        .all(db)
        .await?;
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for b in &rows {
        let Some(event) = events.iter().find(|e| e.id == b.event_type_id) else {
            continue;
        };
        let dto = dto_with(b, host, event, now);
        if dto.is_past {
            past.push(dto)
        } else {
            upcoming.push(dto)
        }
    }
    past.reverse();
    Ok(DashboardBookings {
        time_zone: host.time_zone.name().to_owned(),
        upcoming,
        past,
    })
}

pub async fn get_for_host(db: &DatabaseConnection, host: &user::Model, id: &BookingId) -> Result<BookingDto, AppError> {
    let b = find_for(db, id, &Actor::Host(host)).await?;
    to_dto(db, &b).await
}
