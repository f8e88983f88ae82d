//! The outbox: the one way a change in the domain becomes work. A service
//! [`publish`]es its [`DomainEvent`]s inside the transaction of the change, and
//! every subscriber in [`subscribers::ALL`] turns it into durable jobs in
//! that same transaction: the work exists exactly when the change committed.
//! A new integration is a new subscriber, not edits across services.
pub mod events;
pub mod payloads;
pub mod subscribers;

pub use events::{BookingChange, ContactChange, DomainEvent, PaymentChange};

use crate::ssr::jobs::JobBatch;
use sea_orm::{DatabaseTransaction, DbErr};

/// Hands the `events` of one change to every subscriber, in the change's
/// transaction; the jobs they queue are written together, last.
#[tracing::instrument(skip_all, fields(events = ?events.iter().map(DomainEvent::name).collect::<Vec<_>>()))]
pub async fn publish(txn: &DatabaseTransaction, events: &[DomainEvent<'_>]) -> Result<(), DbErr> {
    let mut jobs = JobBatch::default();
    for subscriber in subscribers::ALL {
        subscriber.handle(txn, events, &mut jobs).await?;
    }
    jobs.enqueue(txn).await
}
