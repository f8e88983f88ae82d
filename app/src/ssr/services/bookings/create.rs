//! A new booking: the request checked against the event type, the slot
//! re-checked under the host's schedule lock, the contact upserted and the
//! booking published, all in one transaction; with an idempotency key,
//! the key is claimed in that transaction too.
use super::idempotency::{self, Claim};
use super::limits::{self, BookingLimits};
use super::slots::recheck;
use super::{Bookable, BookingDetails, BookingError, lock_host_schedule, parse_start};
use crate::domain::questions::{PhoneField, check_answers};
use crate::domain::{BookingId, BookingSource, BookingStatus, Email, Notes, PersonName, TimeZoneName};
use crate::dto::BookingForm;
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{booking, event_type, user};
use crate::ssr::ids::{hash_token, new_token};
use crate::ssr::outbox::{BookingChange, ContactChange, DomainEvent, publish};
use crate::ssr::phone::Phone;
use crate::ssr::services::payments::{self, HeldPayment};
use crate::ssr::services::{FieldErrors, contacts, event_types, stripe, team};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, DbErr, Set};

/// A new booking and the secret of its manage link; for a paid event type,
/// the payment its slot is held for.
pub struct Created {
    pub details: BookingDetails,
    pub token: String,
    pub checkout: Option<Box<HeldPayment>>,
}

/// What a booking request says once every field is checked.
struct Checked {
    name: PersonName,
    email: Email,
    phone: Option<Phone>,
    notes: Option<Notes>,
    time_zone: TimeZoneName,
    start: DateTime<Utc>,
    minutes: u32,
    answers: String,
}

/// Checks every field of `form` against `bookable`, naming each one that is off.
async fn check(db: &DatabaseConnection, bookable: &Bookable, form: &BookingForm) -> Result<Checked, BookingError> {
    let Bookable { host, event, questions } = bookable;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    let phone = match event_types::phone_field(event) {
        PhoneField::Hidden => Some(None),
        asked => {
            // The team's region is a read: only a number given needs it.
            let region = match form.phone.trim() {
                "" => None,
                _ => team::phone_region_of(db, host).await?,
            };
            let parsed = Phone::parse_optional(&form.phone, region);
            let parsed = match asked {
                PhoneField::Required => {
                    parsed.and_then(|p| p.map(Some).ok_or_else(|| "Enter a phone number.".to_owned()))
                }
                _ => parsed,
            };
            errors.check("phone", parsed)
        }
    };
    let notes = errors.check("notes", Notes::parse_optional(&form.notes));
    let time_zone = errors.check("time_zone", TimeZoneName::parse(&form.time_zone));
    let start = errors.check(
        "start",
        parse_start(&form.start).map_err(|_| "Choose a time from the list."),
    );
    let durations = event_types::durations(event);
    let asked = match form.duration.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<u32>()
            .map(Some)
            .map_err(|_| "Choose one of the offered durations.".to_owned()),
    };
    let minutes = errors.check("duration", asked.and_then(|asked| durations.pick(asked)));
    let answers = match check_answers(questions, &form.answers) {
        Ok(answers) => Some(answers),
        Err(list) => {
            for (field, message) in list {
                errors.push(&field, message);
            }
            None
        }
    };
    errors.finish().map_err(BookingError::Invalid)?;
    let (Some(name), Some(email), Some(phone), Some(notes), Some(time_zone), Some(start), Some(minutes), Some(answers)) =
        (name, email, phone, notes, time_zone, start, minutes, answers)
    else {
        // Not reached: a field that did not parse is in the errors above.
        return Err(BookingError::Invalid(Vec::new()));
    };
    Ok(Checked {
        name,
        email,
        phone,
        notes,
        time_zone,
        start,
        minutes,
        answers: serde_json::to_string(&answers)?,
    })
}

/// Books `form` on `bookable`. With a `claim`, a booking already made
/// under the claim's key is [`BookingError::AlreadyBooked`], and the key is
/// claimed with the new booking.
#[tracing::instrument(skip_all, fields(host.id = %bookable.host.id, event_type.id = %bookable.event.id, source = source.as_str()))]
pub async fn create(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    limits: BookingLimits,
    bookable: Bookable,
    form: BookingForm,
    source: BookingSource,
    claim: Option<&Claim>,
) -> Result<Created, BookingError> {
    let checked = check(db, &bookable, &form).await?;
    let Bookable { host, event, .. } = bookable;
    let price = event_types::price(&event);
    if price.is_some() {
        if source != BookingSource::Page {
            return Err(BookingError::field(
                "eventTypeId",
                "This event type takes payment: invitees book it on its booking page, where they pay.",
            ));
        }
        if stripe::connection_of_team(db, &host.team_id).await?.is_none() {
            return Err(BookingError::Payments(
                "This event type can’t take bookings right now: its payments are switched off.".to_owned(),
            ));
        }
    }
    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    if let Some(claim) = claim
        && let Some(existing) = idempotency::claimed(&txn, claim).await?
    {
        return Err(BookingError::AlreadyBooked(Box::new(existing)));
    }
    let now = Utc::now();
    // The limits are counted under the host's lock, so that concurrent
    // bookings count each other, and in a statement after the lock's: a
    // PostgreSQL statement sees only what committed before it began, so
    // counting in the lock's own UPDATE would miss the bookings it waited for.
    let reached = limits::reached_at(limits, &host, &checked.email, now);
    let recheck = recheck(
        &txn,
        (&host, &event),
        (checked.start, checked.minutes),
        None,
        Some(reached),
    )
    .await?;
    limits::refuse_past(recheck.instants, &host, now)?;
    if !recheck.free {
        return Err(BookingError::SlotTaken);
    }
    let contact_source = if price.is_some() { "payment" } else { "booking" };
    let contact = contacts::upsert_from_booking(
        &txn,
        &host.team_id,
        &checked.email,
        &checked.name,
        checked.phone.as_ref(),
        contact_source,
    )
    .await?;
    let token = new_token();
    let inserted = booking::ActiveModel {
        id: Set(BookingId::generate()),
        host_id: Set(host.id.clone()),
        event_type_id: Set(event.id.clone()),
        contact_id: Set(contact.model.id.clone()),
        start_at: Set(checked.start),
        end_at: Set(checked.start + Duration::minutes(checked.minutes.into())),
        buffer_before_min: Set(event.buffer_before_min),
        buffer_after_min: Set(event.buffer_after_min),
        status: Set(if price.is_some() {
            BookingStatus::PendingPayment
        } else {
            BookingStatus::Confirmed
        }),
        source: Set(source),
        invitee_name: Set(checked.name.as_str().to_owned()),
        invitee_email: Set(checked.email.into_inner()),
        invitee_phone: Set(checked.phone.map(Phone::into_inner)),
        invitee_time_zone: Set(checked.time_zone),
        notes: Set(checked.notes.map(|n| n.as_str().to_owned())),
        answers: Set(checked.answers),
        manage_token_hash: Set(hash_token(&token)),
        cancel_reason: Set(None),
        cancelled_by: Set(None),
        previous_start_at: Set(None),
        previous_end_at: Set(None),
        sequence: Set(0),
        contact_is_new: Set(contact.created),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await;
    let booking = inserted.map_err(BookingError::slot_taken_or)?;
    if let Some(claim) = claim {
        idempotency::store(&txn, claim, &booking.id, now).await?;
    }
    let sealed = secrets.seal(&token);
    // A paid booking is announced once Stripe says it is paid.
    let checkout = match price {
        Some(price) => Some(Box::new(
            payments::hold(&txn, &booking, &host.team_id, price, &sealed, now).await?,
        )),
        None => {
            publish_created(&txn, (&booking, &host, &event), &sealed, &contact).await?;
            None
        }
    };
    txn.commit().await?;
    if checkout.is_none() {
        crate::ssr::metrics::booking_created(source);
    }
    tracing::info!(booking.id = %booking.id, "booking created");
    Ok(Created {
        details: BookingDetails {
            booking,
            host,
            event_type: event,
        },
        token,
        checkout,
    })
}

/// Announces a booking made and paid for on the spot: its own event and
/// its contact's.
async fn publish_created(
    txn: &DatabaseTransaction,
    (booking, host, event): (&booking::Model, &user::Model, &event_type::Model),
    manage_token_sealed: &str,
    contact: &contacts::Upserted,
) -> Result<(), DbErr> {
    let change = ContactChange {
        contact: &contact.model,
        user_id: &host.id,
    };
    let contact_event = if contact.created {
        DomainEvent::ContactCreated(change)
    } else {
        DomainEvent::ContactUpdated(change)
    };
    let booking_event = DomainEvent::BookingCreated(BookingChange {
        booking,
        host,
        event_type: event,
        manage_token_sealed: Some(manage_token_sealed),
    });
    publish(txn, &[booking_event, contact_event]).await
}

/// Whether a booking was made now or by an earlier request with the key.
pub enum Booked {
    Created(Created),
    Replayed(BookingDetails),
}

/// Books once per key: the first request with `claim` books, a repeat
/// within the key's lifetime answers that booking again.
pub async fn book_once(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    limits: BookingLimits,
    bookable: Bookable,
    form: BookingForm,
    source: BookingSource,
    claim: &Claim,
) -> Result<Booked, BookingError> {
    idempotency::forget_expired(db, claim).await?;
    // Twice at most: a request that lost the race for the key finds the
    // winner's booking on its second look.
    for _ in 0..2 {
        if let Some(existing) = idempotency::claimed(db, claim).await? {
            return Ok(Booked::Replayed(existing));
        }
        match create(db, secrets, limits, bookable.clone(), form.clone(), source, Some(claim)).await {
            Ok(created) => return Ok(Booked::Created(created)),
            Err(BookingError::AlreadyBooked(existing)) => return Ok(Booked::Replayed(*existing)),
            Err(BookingError::KeyRace) => continue,
            Err(other) => return Err(other),
        }
    }
    idempotency::claimed(db, claim)
        .await?
        .map(Booked::Replayed)
        .ok_or(BookingError::KeyRace)
}
