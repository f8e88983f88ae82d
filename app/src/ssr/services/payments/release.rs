//! Giving up an unpaid hold: the held booking goes with its payment, and so
//! does a contact only that booking made, so nothing remains of a checkout
//! the invitee never finished and nobody is told.
use super::find;
use crate::domain::{BookingStatus, PaymentId};
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{booking, contact, payment};
use crate::ssr::services::bookings::{BookingError, lock_host_schedule};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

/// Frees the slot of an unpaid hold; false when there is none to free (it
/// was paid, or released already). The caller makes sure Stripe will not
/// take the payment any more.
#[tracing::instrument(skip_all, fields(payment.id = %payment_id))]
pub async fn release_hold(db: &DatabaseConnection, payment_id: &PaymentId) -> Result<bool, BookingError> {
    let Some(found) = find(db, payment_id).await? else {
        return Ok(false);
    };
    let Some(held) = booking::Entity::find_by_id(&found.booking_id).one(db).await? else {
        return Ok(false);
    };
    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &held.host_id).await?;
    let still_open = find(&txn, payment_id).await?.is_some_and(|p| p.status == payment::OPEN);
    if !still_open || held.status != BookingStatus::PendingPayment {
        return Ok(false);
    }
    payment::Entity::delete_by_id(payment_id).exec(&txn).await?;
    booking::Entity::delete_by_id(&held.id).exec(&txn).await?;
    if held.contact_is_new {
        let other_bookings = booking::Entity::find()
            .filter(booking::Column::ContactId.eq(&held.contact_id))
            .count(&txn)
            .await?;
        if other_bookings == 0 {
            contact::Entity::delete_by_id(&held.contact_id).exec(&txn).await?;
        }
    }
    txn.commit().await?;
    tracing::info!(booking.id = %held.id, "unpaid hold released");
    Ok(true)
}
