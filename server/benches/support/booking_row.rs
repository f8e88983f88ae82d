//! A confirmed booking row as the booking service would leave it, for
//! benchmarks that need many bookings quickly (without the slot checks).
use app::domain::{BookingId, BookingSource, BookingStatus, ContactId, Email, PersonName, TimeZoneName};
use app::ssr::entities::{booking, event_type, user};
use chrono::{DateTime, Duration, Utc};
use sea_orm::Set;

/// `minutes` long from `start`, invited in Berlin; its id is `id`.
pub fn confirmed(
    id: &BookingId,
    (host, event): (&user::Model, &event_type::Model),
    (contact_id, email, name): (&ContactId, &Email, &PersonName),
    start: DateTime<Utc>,
    minutes: i64,
    source: BookingSource,
) -> anyhow::Result<booking::ActiveModel> {
    Ok(booking::ActiveModel {
        id: Set(id.clone()),
        host_id: Set(host.id.clone()),
        event_type_id: Set(event.id.clone()),
        contact_id: Set(contact_id.clone()),
        start_at: Set(start),
        end_at: Set(start + Duration::minutes(minutes)),
        buffer_before_min: Set(0),
        buffer_after_min: Set(0),
        status: Set(BookingStatus::Confirmed),
        source: Set(source),
        invitee_name: Set(name.as_str().to_owned()),
        invitee_email: Set(email.as_str().to_owned()),
        invitee_phone: Set(None),
        invitee_time_zone: Set(TimeZoneName::parse("Europe/Berlin").map_err(|e| anyhow::anyhow!("{e}"))?),
        notes: Set(None),
        answers: Set("[]".into()),
        manage_token_hash: Set(app::ssr::ids::hash_token(id.as_str())),
        cancel_reason: Set(None),
        cancelled_by: Set(None),
        previous_start_at: Set(None),
        previous_end_at: Set(None),
        sequence: Set(0),
        contact_is_new: Set(false),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
    })
}
