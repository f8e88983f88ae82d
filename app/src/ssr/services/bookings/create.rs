//! A new booking: the form checked against the event type, the slot
//! re-checked under the host's schedule lock, the contact upserted and the
//! booking published, all in one transaction.
use super::limits::{self, BookingLimits};
use super::slots::is_free;
use super::{BookingDetails, BookingError};
use super::{find_public_event, lock_host_schedule, parse_start};
use crate::domain::questions::{PhoneField, check_answers};
use crate::domain::{BookingId, BookingStatus, Email, Notes, PersonName, Phone, TimeZoneName};
use crate::dto::BookingForm;
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::booking;
use crate::ssr::ids::{hash_token, new_token};
use crate::ssr::outbox::{BookingChange, ContactChange, DomainEvent, publish};
use crate::ssr::services::{FieldErrors, contacts, event_types, questions};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

/// A new booking and the secret of its manage link.
pub struct Created {
    pub details: BookingDetails,
    pub token: String,
}

#[tracing::instrument(skip_all, fields(host = %form.host, event = %form.event))]
pub async fn create(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    limits: BookingLimits,
    form: BookingForm,
) -> Result<Created, BookingError> {
    let (host, event) = find_public_event(db, &form.host, &form.event).await?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    let phone = match event_types::phone_field(&event) {
        PhoneField::Hidden => Some(None),
        PhoneField::Optional => errors.check("phone", Phone::parse_optional(&form.phone)),
        PhoneField::Required => errors.check(
            "phone",
            Phone::parse_optional(&form.phone)
                .and_then(|p| p.map(Some).ok_or_else(|| "Enter a phone number.".to_owned())),
        ),
    };
    let notes = errors.check("notes", Notes::parse_optional(&form.notes));
    let time_zone = errors.check("time_zone", TimeZoneName::parse(&form.time_zone));
    let start = errors.check(
        "start",
        parse_start(&form.start).map_err(|_| "Choose a time from the list."),
    );
    let answers = match check_answers(&questions::for_event(db, &event.id).await?, &form.answers) {
        Ok(answers) => Some(answers),
        Err(list) => {
            for (field, message) in list {
                errors.push(&field, message);
            }
            None
        }
    };
    errors.finish().map_err(BookingError::Invalid)?;
    let (Some(name), Some(email), Some(phone), Some(notes), Some(time_zone), Some(start), Some(answers)) =
        (name, email, phone, notes, time_zone, start, answers)
    else {
        // Not reached: a field that did not parse is in the errors above.
        return Err(BookingError::Invalid(Vec::new()));
    };

    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    let now = Utc::now();
    // Under the host's lock, so that concurrent bookings count each other.
    limits::check(&txn, limits, &host, &email, now).await?;
    if !is_free(&txn, &host, &event, start, None).await? {
        return Err(BookingError::SlotTaken);
    }
    let contact = contacts::upsert_from_booking(&txn, &host.team_id, &email, &name, phone.as_ref()).await?;
    let token = new_token();
    let inserted = booking::ActiveModel {
        id: Set(BookingId::generate()),
        host_id: Set(host.id.clone()),
        event_type_id: Set(event.id.clone()),
        contact_id: Set(contact.model.id.clone()),
        start_at: Set(start),
        end_at: Set(start + Duration::minutes(event.duration_min.into())),
        buffer_before_min: Set(event.buffer_before_min),
        buffer_after_min: Set(event.buffer_after_min),
        status: Set(BookingStatus::Confirmed),
        invitee_name: Set(name.as_str().to_owned()),
        invitee_email: Set(email.into_inner()),
        invitee_phone: Set(phone.map(|p| p.as_str().to_owned())),
        invitee_time_zone: Set(time_zone),
        notes: Set(notes.map(|n| n.as_str().to_owned())),
        answers: Set(serde_json::to_string(&answers)?),
        manage_token_hash: Set(hash_token(&token)),
        cancel_reason: Set(None),
        cancelled_by: Set(None),
        previous_start_at: Set(None),
        previous_end_at: Set(None),
        sequence: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let booking = inserted.map_err(BookingError::slot_taken_or)?;
    let sealed = secrets.seal(&token);
    publish(
        &txn,
        &DomainEvent::BookingCreated(BookingChange {
            booking: &booking,
            host: &host,
            event_type: &event,
            manage_token_sealed: Some(&sealed),
        }),
    )
    .await?;
    let change = ContactChange {
        contact: &contact.model,
        user_id: &host.id,
    };
    let contact_event = if contact.created {
        DomainEvent::ContactCreated(change)
    } else {
        DomainEvent::ContactUpdated(change)
    };
    publish(&txn, &contact_event).await?;
    txn.commit().await?;
    tracing::info!(booking.id = %booking.id, "booking created");
    Ok(Created {
        details: BookingDetails {
            booking,
            host,
            event_type: event,
        },
        token,
    })
}
