//! Booking emails: the invitee and the host hear of every booking change.
use super::Subscriber;
use crate::ssr::jobs::{BookingNotice, JobBatch, SendBookingEmail};
use crate::ssr::outbox::DomainEvent;
use sea_orm::{DatabaseTransaction, DbErr};

pub struct BookingEmails;

#[async_trait::async_trait]
impl Subscriber for BookingEmails {
    async fn handle(
        &self,
        _txn: &DatabaseTransaction,
        events: &[DomainEvent<'_>],
        jobs: &mut JobBatch,
    ) -> Result<(), DbErr> {
        for event in events {
            let (notice, change) = match event {
                DomainEvent::BookingCreated(change) => (BookingNotice::Confirmed, change),
                DomainEvent::BookingRescheduled(change) => (BookingNotice::Rescheduled, change),
                DomainEvent::BookingCancelled(change) => (BookingNotice::Cancelled, change),
                DomainEvent::ContactCreated(_) | DomainEvent::ContactUpdated(_) | DomainEvent::PaymentReceived(_) => {
                    continue;
                }
            };
            for job in SendBookingEmail::to_both(&change.booking.id, notice, change.manage_token_sealed) {
                jobs.push(&job)?;
            }
        }
        Ok(())
    }
}
