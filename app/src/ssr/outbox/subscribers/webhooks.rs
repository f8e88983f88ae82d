//! Webhooks and Zapier: each event with a contract key goes to the host's
//! matching webhooks, with the body of CONTRACTS §3.
use super::Subscriber;
use crate::domain::webhooks::EventKey;
use crate::ssr::outbox::payloads::{booking_data, contact_data, payment_data};
use crate::ssr::outbox::{BookingChange, DomainEvent};
use crate::ssr::services::webhooks::fan_out::{Subject, fan_out};
use sea_orm::{DatabaseTransaction, DbErr};

pub struct WebhookDeliveries;

#[async_trait::async_trait]
impl Subscriber for WebhookDeliveries {
    async fn handle(&self, txn: &DatabaseTransaction, event: &DomainEvent<'_>) -> Result<(), DbErr> {
        match event {
            DomainEvent::BookingCreated(change) => booking(txn, EventKey::BookingCreated, change).await,
            DomainEvent::BookingRescheduled(change) => booking(txn, EventKey::BookingRescheduled, change).await,
            DomainEvent::BookingCancelled(change) => booking(txn, EventKey::BookingCancelled, change).await,
            DomainEvent::ContactCreated(change) => {
                let subject = Subject {
                    user_id: change.user_id,
                    id: change.contact.id.as_str(),
                    event_type_id: None,
                };
                fan_out(txn, EventKey::ContactCreated, subject, &contact_data(change.contact)).await
            }
            // The contract has no event for an updated contact.
            DomainEvent::ContactUpdated(_) => Ok(()),
            DomainEvent::PaymentReceived(change) => {
                let subject = Subject {
                    user_id: &change.host.id,
                    id: change.payment.id.as_str(),
                    event_type_id: Some(&change.event_type.id),
                };
                fan_out(txn, EventKey::PaymentReceived, subject, &payment_data(change.payment)).await
            }
        }
    }
}

async fn booking(txn: &DatabaseTransaction, key: EventKey, change: &BookingChange<'_>) -> Result<(), DbErr> {
    let subject = Subject {
        user_id: &change.host.id,
        id: change.booking.id.as_str(),
        event_type_id: Some(&change.event_type.id),
    };
    let data = booking_data(change.booking, change.host, change.event_type, key);
    fan_out(txn, key, subject, &data).await
}
