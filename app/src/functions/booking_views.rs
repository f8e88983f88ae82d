//! How a booking reads in the browser: the bookings service's read model
//! mapped to the page's shape, times in the viewer's zones.
use crate::dto::{BookingDto, DashboardBookings};
use crate::ssr::entities::user;
use crate::ssr::services::bookings::BookingDetails;
use crate::ssr::time_fmt::{iso, range_in};
use chrono::{DateTime, Utc};

/// A booking as its invitee sees it (their zone first) and its host.
pub fn booking_dto(details: &BookingDetails, now: DateTime<Utc>) -> BookingDto {
    let BookingDetails {
        booking: b,
        host,
        event_type: event,
    } = details;
    let invitee_tz = b.invitee_time_zone.tz();
    let host_tz = host.zone();
    BookingDto {
        id: b.id.clone(),
        status: b.status,
        can_change: details.can_change(now),
        event_name: event.name.clone(),
        event_slug: event.slug.clone(),
        // The booking's own length: the invitee may have chosen another.
        duration_min: u32::try_from((b.end_at - b.start_at).num_minutes()).unwrap_or(0),
        host_name: host.name.clone(),
        host_slug: host.slug.clone(),
        invitee_name: b.invitee_name.clone(),
        invitee_email: b.invitee_email.clone(),
        invitee_phone: b.invitee_phone.clone(),
        invitee_time_zone: invitee_tz.name().to_owned(),
        host_time_zone: host_tz.name().to_owned(),
        start: iso(b.start_at),
        when_invitee: range_in(invitee_tz, b.start_at, b.end_at),
        when_host: range_in(host_tz, b.start_at, b.end_at),
        previous_when_invitee: b
            .previous_start_at
            .zip(b.previous_end_at)
            .map(|(s, e)| range_in(invitee_tz, s, e)),
        location: event.location.clone(),
        notes: b.notes.clone(),
        answers: details.answers(),
        cancel_reason: b.cancel_reason.clone(),
        cancelled_by: b.cancelled_by.clone(),
        source: b.source.label().to_owned(),
        is_past: details.is_past(now),
        paid: None,
        refund: None,
        cancel_refund: None,
    }
}

/// [`booking_dto`] with what was paid for it and what comes back.
pub async fn booking_dto_paid(
    db: &sea_orm::DatabaseConnection,
    details: &BookingDetails,
    now: DateTime<Utc>,
) -> Result<BookingDto, crate::error::AppError> {
    use crate::ssr::services::payments;
    let mut dto = booking_dto(details, now);
    if let Some((paid, refunds)) = payments::payment_of_booking(db, &details.booking.id).await? {
        if paid.paid_at.is_some() {
            let (paid_line, refund_line) = payments::refund_summary(&paid, &refunds);
            dto.paid = Some(paid_line);
            dto.refund = refund_line;
        }
        if dto.can_change {
            dto.cancel_refund = payments::cancel_refund_note(db, &details.booking, &details.event_type, now).await?;
        }
    }
    Ok(dto)
}

/// The host's dashboard: upcoming bookings soonest first, past ones latest
/// first. `bookings` come in start order.
pub fn dashboard(host: &user::Model, bookings: &[BookingDetails], now: DateTime<Utc>) -> DashboardBookings {
    let (upcoming, mut past): (Vec<_>, Vec<_>) = bookings
        .iter()
        .map(|details| booking_dto(details, now))
        .partition(|dto| !dto.is_past);
    past.reverse();
    DashboardBookings {
        time_zone: host.time_zone.name().to_owned(),
        upcoming,
        past,
    }
}
