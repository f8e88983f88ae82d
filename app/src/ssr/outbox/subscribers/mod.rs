//! Everything that reacts to domain events, in one list. Each subscriber
//! only queues jobs (or rows) in the publishing transaction; the work
//! itself runs later, so no subscriber can slow a booking down.
mod emails;
mod hubspot;
mod webhooks;

use super::DomainEvent;
use crate::ssr::jobs::JobBatch;
use sea_orm::{DatabaseTransaction, DbErr};

#[async_trait::async_trait]
pub trait Subscriber: Sync {
    /// Adds this subscriber's jobs for one change's `events` to `jobs`;
    /// rows of its own it writes in `txn`.
    async fn handle(
        &self,
        txn: &DatabaseTransaction,
        events: &[DomainEvent<'_>],
        jobs: &mut JobBatch,
    ) -> Result<(), DbErr>;
}

/// Every subscriber, in the order their work is queued.
pub static ALL: &[&dyn Subscriber] = &[
    &emails::BookingEmails,
    &hubspot::HubspotSync,
    &webhooks::WebhookDeliveries,
];
