//! Moving a booking to another free time, and cancelling it: each under
//! the host's schedule lock, each published in its transaction.
use super::BookingError;
use super::slots::is_free;
use super::{Actor, find_by_token, find_for, host_and_event, lock_host_schedule, parse_start};
use crate::domain::{BookingId, BookingStatus};
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::booking;
use crate::ssr::outbox::{BookingChange, DomainEvent, publish};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

#[tracing::instrument(skip_all, fields(booking.id = %id))]
pub async fn reschedule(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    id: &BookingId,
    token: &str,
    new_start: &str,
) -> Result<booking::Model, BookingError> {
    let start = parse_start(new_start)?;
    // Read outside the transaction only to know whose schedule to lock.
    let (host, event) = host_and_event(db, &find_by_token(db, id, token).await?).await?;

    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    let current = find_by_token(&txn, id, token).await?;
    if current.status == BookingStatus::Cancelled {
        return Err(BookingError::field(
            "start",
            "This booking was cancelled and can no longer be rescheduled.",
        ));
    }
    if !current.status.allows_change(current.end_at, Utc::now()) {
        return Err(BookingError::field(
            "start",
            "This booking has already taken place and can no longer be rescheduled.",
        ));
    }
    if start == current.start_at {
        return Err(BookingError::field(
            "start",
            "That is the booking’s current time. Choose another.",
        ));
    }
    if !is_free(&txn, &host, &event, start, Some(&current.id)).await? {
        return Err(BookingError::SlotTaken);
    }
    let mut model: booking::ActiveModel = current.clone().into();
    model.previous_start_at = Set(Some(current.start_at));
    model.previous_end_at = Set(Some(current.end_at));
    model.start_at = Set(start);
    model.end_at = Set(start + Duration::minutes(event.duration_min.into()));
    model.sequence = Set(current.sequence + 1);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await.map_err(BookingError::slot_taken_or)?;
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
    id: &BookingId,
    actor: Actor<'_>,
    reason: &str,
) -> Result<booking::Model, BookingError> {
    let reason = reason.trim();
    if reason.chars().count() > 1_000 {
        return Err(BookingError::field(
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
        return Err(BookingError::field(
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
