//! Everything that reacts to domain events, in one list. Each subscriber
//! only queues jobs (or rows) in the publishing transaction; the work
//! itself runs later, so no subscriber can slow a booking down.
mod emails;
mod hubspot;
mod webhooks;

use super::DomainEvent;
use sea_orm::{DatabaseTransaction, DbErr};

#[async_trait::async_trait]
pub trait Subscriber: Sync {
    /// Queues this subscriber's work for `event`, in `txn`.
    async fn handle(&self, txn: &DatabaseTransaction, event: &DomainEvent<'_>) -> Result<(), DbErr>;
}

/// Every subscriber, in the order their work is queued.
pub static ALL: &[&dyn Subscriber] = &[
    &emails::BookingEmails,
    &hubspot::HubspotSync,
    &webhooks::WebhookDeliveries,
];
