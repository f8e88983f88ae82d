//! The outbox: the one way a change in the domain becomes work. A service
//! [`publish`]es a [`DomainEvent`] inside the transaction of its change, and
//! every subscriber in [`subscribers::ALL`] turns it into durable jobs in
//! that same transaction: the work exists exactly when the change committed.
//! A new integration is a new subscriber, not edits across services.
pub mod events;
pub mod payloads;
pub mod subscribers;

pub use events::{BookingChange, ContactChange, DomainEvent, PaymentChange};

use sea_orm::{DatabaseTransaction, DbErr};

/// Hands `event` to every subscriber, in the change's transaction.
#[tracing::instrument(skip_all, fields(event = event.name()))]
pub async fn publish(txn: &DatabaseTransaction, event: &DomainEvent<'_>) -> Result<(), DbErr> {
    for subscriber in subscribers::ALL {
        subscriber.handle(txn, event).await?;
    }
    Ok(())
}
