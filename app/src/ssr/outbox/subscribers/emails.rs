//! Booking emails: the invitee and the host hear of every booking change.
use super::Subscriber;
use crate::ssr::jobs::{BookingNotice, SendBookingEmail, enqueue};
use crate::ssr::outbox::DomainEvent;
use sea_orm::{DatabaseTransaction, DbErr};

pub struct BookingEmails;

#[async_trait::async_trait]
impl Subscriber for BookingEmails {
    async fn handle(&self, txn: &DatabaseTransaction, event: &DomainEvent<'_>) -> Result<(), DbErr> {
        let (notice, change) = match event {
            DomainEvent::BookingCreated(change) => (BookingNotice::Confirmed, change),
            DomainEvent::BookingRescheduled(change) => (BookingNotice::Rescheduled, change),
            DomainEvent::BookingCancelled(change) => (BookingNotice::Cancelled, change),
            // A paid booking's confirmation says what was paid: it is sent
            // for the booking, created in the same transaction.
            DomainEvent::ContactCreated(_) | DomainEvent::ContactUpdated(_) | DomainEvent::PaymentReceived(_) => {
                return Ok(());
            }
        };
        for job in SendBookingEmail::to_both(&change.booking.id, notice, change.manage_token_sealed) {
            enqueue(txn, &job).await?;
        }
        Ok(())
    }
}
