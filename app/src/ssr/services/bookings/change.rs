//! Moving a booking to another free time, and cancelling it: each under
//! the host's schedule lock, each published in its transaction.
use super::slots::recheck;
use super::{Actor, BookingDetails, BookingError, find_for, host_and_event, lock_host_schedule};
use crate::domain::{BookingId, BookingStatus};
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::booking;
use crate::ssr::outbox::{BookingChange, DomainEvent, publish};
use crate::ssr::services::payments;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

/// Why a booking held for payment cannot change: it has no time of its own yet.
const AWAITING_PAYMENT: &str =
    "This booking is waiting for its payment. Unpaid, it is released on its own when the hold ends.";

/// Moves a booking to another free time of its event type.
pub struct Reschedule {
    pub id: BookingId,
    pub start: DateTime<Utc>,
}

/// Cancels a booking, with an optional reason for the other side.
pub struct Cancel {
    pub id: BookingId,
    pub reason: String,
}

#[tracing::instrument(skip_all, fields(booking.id = %command.id))]
pub async fn reschedule(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    command: Reschedule,
    actor: Actor<'_>,
) -> Result<BookingDetails, BookingError> {
    let Reschedule { id, start } = command;
    // Read outside the transaction only to know whose schedule to lock.
    let (host, event) = host_and_event(db, &find_for(db, &id, &actor).await?).await?;

    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    let current = find_for(&txn, &id, &actor).await?;
    if current.status == BookingStatus::Cancelled {
        return Err(BookingError::field(
            "start",
            "This booking was cancelled and can no longer be rescheduled.",
        ));
    }
    if current.status == BookingStatus::PendingPayment {
        return Err(BookingError::field("start", AWAITING_PAYMENT));
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
    // A booking keeps the length it was booked with.
    let minutes = u32::try_from((current.end_at - current.start_at).num_minutes()).unwrap_or(0);
    if !recheck(&txn, (&host, &event), (start, minutes), Some(&current.id), None)
        .await?
        .free
    {
        return Err(BookingError::SlotTaken);
    }
    let mut model: booking::ActiveModel = current.clone().into();
    model.previous_start_at = Set(Some(current.start_at));
    model.previous_end_at = Set(Some(current.end_at));
    model.start_at = Set(start);
    model.end_at = Set(start + Duration::minutes(minutes.into()));
    model.sequence = Set(current.sequence + 1);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await.map_err(BookingError::slot_taken_or)?;
    // The invitee's new email carries the manage link only when the invitee
    // moved it: the host does not hold the link's secret.
    let sealed = match actor {
        Actor::Invitee { token } => Some(secrets.seal(token)),
        Actor::Host(_) => None,
    };
    publish(
        &txn,
        &[DomainEvent::BookingRescheduled(BookingChange {
            booking: &updated,
            host: &host,
            event_type: &event,
            manage_token_sealed: sealed.as_deref(),
        })],
    )
    .await?;
    txn.commit().await?;
    tracing::info!("booking rescheduled");
    Ok(BookingDetails {
        booking: updated,
        host,
        event_type: event,
    })
}

#[tracing::instrument(skip_all, fields(booking.id = %command.id))]
pub async fn cancel(
    db: &DatabaseConnection,
    command: Cancel,
    actor: Actor<'_>,
) -> Result<BookingDetails, BookingError> {
    let Cancel { id, reason } = command;
    let reason = reason.trim();
    if reason.chars().count() > 1_000 {
        return Err(BookingError::field(
            "reason",
            "Keep the reason to 1,000 characters or fewer.",
        ));
    }
    let (host, event) = host_and_event(db, &find_for(db, &id, &actor).await?).await?;
    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    let current = find_for(&txn, &id, &actor).await?;
    if current.status == BookingStatus::Cancelled {
        return Ok(BookingDetails {
            booking: current,
            host,
            event_type: event,
        });
    }
    if current.status == BookingStatus::PendingPayment {
        return Err(BookingError::field("reason", AWAITING_PAYMENT));
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
    let now = Utc::now();
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    // Queued before the e-mails, which say what comes back.
    payments::refund_on_cancel(&txn, &updated, &event, matches!(actor, Actor::Host(_)), now).await?;
    publish(
        &txn,
        &[DomainEvent::BookingCancelled(BookingChange {
            booking: &updated,
            host: &host,
            event_type: &event,
            manage_token_sealed: None,
        })],
    )
    .await?;
    txn.commit().await?;
    tracing::info!("booking cancelled");
    Ok(BookingDetails {
        booking: updated,
        host,
        event_type: event,
    })
}
