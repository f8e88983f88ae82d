//! Bookings: creating, rescheduling and cancelling them without ever
//! double-booking a host.
//!
//! Every change to a host's calendar runs in one transaction whose first
//! statement bumps `users.schedule_version` for that host. That write takes
//! the host's row lock on PostgreSQL and the database write lock on SQLite,
//! so concurrent bookings of one host run one after another: each sees the
//! bookings committed before it when it re-checks the slot. The partial
//! unique index on `(host_id, start_at)` stays as the last line of defence.
use super::{FieldErrors, availability, contacts, event_types, questions, unique_or};
use crate::domain::questions::{Answer, PhoneField, check_answers};
use crate::domain::slots::{Busy, SlotQuery, compute_slots};
use crate::domain::{BookingStatus, Email, Notes, PersonName, Phone, TimeZoneName};
use crate::dto::{BookingDto, BookingForm, DashboardBookings};
use crate::error::AppError;
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{booking, event_type, user};
use crate::ssr::ids::{hash_token, new_id, new_token};
use crate::ssr::outbox::{BookingChange, ContactChange, DomainEvent, publish};
use crate::ssr::time_fmt::range_in;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

/// An active event type and its host, found by their public slugs.
pub async fn find_public_event(
    db: &impl ConnectionTrait,
    host_slug: &str,
    event_slug: &str,
) -> Result<(user::Model, event_type::Model), AppError> {
    let host = find_host(db, host_slug).await?;
    let event = event_type::Entity::find()
        .filter(event_type::Column::UserId.eq(&host.id))
        .filter(event_type::Column::Slug.eq(event_slug.to_lowercase()))
        .filter(event_type::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((host, event))
}

pub async fn find_host(db: &impl ConnectionTrait, host_slug: &str) -> Result<user::Model, AppError> {
    user::Entity::find()
        .filter(user::Column::Slug.eq(host_slug.to_lowercase()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Free start instants of `event` in `[from, to)`, ignoring the booking
/// `exclude` (the one being rescheduled).
pub async fn free_slots(
    db: &impl ConnectionTrait,
    host: &user::Model,
    event: &event_type::Model,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    exclude: Option<&str>,
) -> Result<Vec<DateTime<Utc>>, AppError> {
    let schedule = availability::load(db, &host.id).await?;
    // Buffers are at most 12 hours, so a day's margin finds every booking
    // whose padded interval can touch the window.
    let mut query = booking::Entity::find()
        .filter(booking::Column::HostId.eq(&host.id))
        .filter(booking::Column::Status.eq(BookingStatus::Confirmed))
        .filter(booking::Column::StartAt.lt(to + Duration::days(1)))
        .filter(booking::Column::EndAt.gt(from - Duration::days(1)));
    if let Some(id) = exclude {
        query = query.filter(booking::Column::Id.ne(id));
    }
    let busy: Vec<Busy> = query
        .all(db)
        .await?
        .into_iter()
        .map(|b| Busy {
            start: b.start_at - Duration::minutes(b.buffer_before_min.into()),
            end: b.end_at + Duration::minutes(b.buffer_after_min.into()),
        })
        .collect();
    Ok(compute_slots(&SlotQuery {
        host_tz: host.zone(),
        weekly: &schedule.weekly,
        overrides: &schedule.overrides,
        rules: event_types::scheduling(event).rules(),
        busy: &busy,
        now,
        from,
        to,
    }))
}

/// Serializes calendar changes of one host; must be the transaction's first statement.
async fn lock_host_schedule(txn: &DatabaseTransaction, host_id: &str) -> Result<(), AppError> {
    user::Entity::update_many()
        .col_expr(
            user::Column::ScheduleVersion,
            Expr::col(user::Column::ScheduleVersion).add(1),
        )
        .filter(user::Column::Id.eq(host_id))
        .exec(txn)
        .await?;
    Ok(())
}

async fn is_free(
    txn: &DatabaseTransaction,
    host: &user::Model,
    event: &event_type::Model,
    start: DateTime<Utc>,
    exclude: Option<&str>,
) -> Result<bool, AppError> {
    let slots = free_slots(
        txn,
        host,
        event,
        start,
        start + Duration::minutes(1),
        Utc::now(),
        exclude,
    )
    .await?;
    Ok(slots.contains(&start))
}

fn parse_start(raw: &str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| AppError::field("start", "Choose a time from the list."))
}

/// A new booking and the secret of its manage link.
pub struct Created {
    pub booking: booking::Model,
    pub token: String,
}

#[tracing::instrument(skip_all, fields(host = %form.host, event = %form.event))]
pub async fn create(db: &DatabaseConnection, secrets: &SecretBox, form: BookingForm) -> Result<Created, AppError> {
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
    errors.into_result()?;
    let (Some(name), Some(email), Some(phone), Some(notes), Some(time_zone), Some(start), Some(answers)) =
        (name, email, phone, notes, time_zone, start, answers)
    else {
        return Err(AppError::Internal);
    };

    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    if !is_free(&txn, &host, &event, start, None).await? {
        return Err(AppError::SlotTaken);
    }
    let contact = contacts::upsert_from_booking(&txn, &host.team_id, &email, &name, phone.as_ref()).await?;
    let token = new_token();
    let now = Utc::now();
    let inserted = booking::ActiveModel {
        id: Set(new_id()),
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
        answers: Set(serde_json::to_string(&answers).map_err(|_| AppError::Internal)?),
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
    let booking = inserted.map_err(unique_or(|| AppError::SlotTaken))?;
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
    Ok(Created { booking, token })
}

/// The booking whose manage token this is; anything else is not found.
pub async fn find_by_token(db: &impl ConnectionTrait, id: &str, token: &str) -> Result<booking::Model, AppError> {
    booking::Entity::find_by_id(id)
        .filter(booking::Column::ManageTokenHash.eq(hash_token(token)))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Who is changing a booking.
pub enum Actor<'a> {
    Invitee { token: &'a str },
    Host(&'a user::Model),
}

async fn find_for(db: &impl ConnectionTrait, id: &str, actor: &Actor<'_>) -> Result<booking::Model, AppError> {
    match actor {
        Actor::Invitee { token } => find_by_token(db, id, token).await,
        Actor::Host(host) => booking::Entity::find_by_id(id)
            .filter(booking::Column::HostId.eq(&host.id))
            .one(db)
            .await?
            .ok_or(AppError::NotFound),
    }
}

#[tracing::instrument(skip_all, fields(booking.id = %id))]
pub async fn reschedule(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    id: &str,
    token: &str,
    new_start: &str,
) -> Result<booking::Model, AppError> {
    let start = parse_start(new_start)?;
    // Read outside the transaction only to know whose schedule to lock.
    let (host, event) = host_and_event(db, &find_by_token(db, id, token).await?).await?;

    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    let current = find_by_token(&txn, id, token).await?;
    if current.status == BookingStatus::Cancelled {
        return Err(AppError::field(
            "start",
            "This booking was cancelled and can no longer be rescheduled.",
        ));
    }
    if !current.status.allows_change(current.end_at, Utc::now()) {
        return Err(AppError::field(
            "start",
            "This booking has already taken place and can no longer be rescheduled.",
        ));
    }
    if start == current.start_at {
        return Err(AppError::field(
            "start",
            "That is the booking’s current time. Choose another.",
        ));
    }
    if !is_free(&txn, &host, &event, start, Some(&current.id)).await? {
        return Err(AppError::SlotTaken);
    }
    let mut model: booking::ActiveModel = current.clone().into();
    model.previous_start_at = Set(Some(current.start_at));
    model.previous_end_at = Set(Some(current.end_at));
    model.start_at = Set(start);
    model.end_at = Set(start + Duration::minutes(event.duration_min.into()));
    model.sequence = Set(current.sequence + 1);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await.map_err(unique_or(|| AppError::SlotTaken))?;
    let sealed = secrets.seal(token);
    publish(
        &txn,
        &DomainEvent::BookingRescheduled(BookingChange {
            booking: &updated,
            host: &host,
            event_type: &event,
            manage_token_sealed: Some(&sealed),
        }),
    )
    .await?;
    txn.commit().await?;
    tracing::info!("booking rescheduled");
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(booking.id = %id))]
pub async fn cancel(
    db: &DatabaseConnection,
    id: &str,
    actor: Actor<'_>,
    reason: &str,
) -> Result<booking::Model, AppError> {
    let reason = reason.trim();
    if reason.chars().count() > 1_000 {
        return Err(AppError::field(
            "reason",
            "Keep the reason to 1,000 characters or fewer.",
        ));
    }
    let (host, event) = host_and_event(db, &find_for(db, id, &actor).await?).await?;
    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    let current = find_for(&txn, id, &actor).await?;
    if current.status == BookingStatus::Cancelled {
        return Ok(current);
    }
    if !current.status.allows_change(current.end_at, Utc::now()) {
        return Err(AppError::field(
            "reason",
            "This booking has already taken place and can no longer be cancelled.",
        ));
    }
    let mut model: booking::ActiveModel = current.clone().into();
    model.status = Set(BookingStatus::Cancelled);
    model.cancel_reason = Set((!reason.is_empty()).then(|| reason.to_owned()));
    model.cancelled_by = Set(Some(match actor {
        Actor::Invitee { .. } => "invitee".to_owned(),
        Actor::Host(_) => "host".to_owned(),
    }));
    model.sequence = Set(current.sequence + 1);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await?;
    publish(
        &txn,
        &DomainEvent::BookingCancelled(BookingChange {
            booking: &updated,
            host: &host,
            event_type: &event,
            manage_token_sealed: None,
        }),
    )
    .await?;
    txn.commit().await?;
    tracing::info!("booking cancelled");
    Ok(updated)
}

/// The host and event type a booking belongs to.
pub async fn host_and_event(
    db: &impl ConnectionTrait,
    booking: &booking::Model,
) -> Result<(user::Model, event_type::Model), AppError> {
    let host = user::Entity::find_by_id(&booking.host_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = event_type::Entity::find_by_id(&booking.event_type_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((host, event))
}

/// The invitee's answers to the event type's questions.
pub fn answers(booking: &booking::Model) -> Vec<Answer> {
    serde_json::from_str(&booking.answers).unwrap_or_else(|error| {
        tracing::error!(booking.id = %booking.id, %error, "unreadable answers");
        Vec::new()
    })
}

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

pub async fn get_for_host(db: &DatabaseConnection, host: &user::Model, id: &str) -> Result<BookingDto, AppError> {
    let b = find_for(db, id, &Actor::Host(host)).await?;
    to_dto(db, &b).await
}
