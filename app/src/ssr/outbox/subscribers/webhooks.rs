//! Webhooks and Zapier: each event with a contract key goes to the host's
//! matching webhooks, with the body of CONTRACTS §3.
use super::Subscriber;
use crate::domain::webhooks::EventKey;
use crate::ssr::jobs::JobBatch;
use crate::ssr::outbox::payloads::{booking_data, contact_data, payment_data};
use crate::ssr::outbox::{BookingChange, DomainEvent};
use crate::ssr::services::webhooks::fan_out::{Announcement, Subject, fan_out};
use sea_orm::{DatabaseTransaction, DbErr};

pub struct WebhookDeliveries;

#[async_trait::async_trait]
impl Subscriber for WebhookDeliveries {
    async fn handle(
        &self,
        txn: &DatabaseTransaction,
        events: &[DomainEvent<'_>],
        jobs: &mut JobBatch,
    ) -> Result<(), DbErr> {
        let mut announced = Vec::with_capacity(events.len());
        for event in events {
            if let Some(announcement) = announcement(event)? {
                announced.push(announcement);
            }
        }
        fan_out(txn, &announced, jobs).await
    }
}

/// `event` as webhooks hear it, if they hear of it.
fn announcement<'a>(event: &'a DomainEvent<'_>) -> Result<Option<Announcement<'a>>, DbErr> {
    let announcement = match event {
        DomainEvent::BookingCreated(change) => booking(EventKey::BookingCreated, change)?,
        DomainEvent::BookingRescheduled(change) => booking(EventKey::BookingRescheduled, change)?,
        DomainEvent::BookingCancelled(change) => booking(EventKey::BookingCancelled, change)?,
        DomainEvent::ContactCreated(change) => {
            let subject = Subject {
                user_id: change.user_id,
                id: change.contact.id.as_str(),
                event_type_id: None,
            };
            Announcement::new(EventKey::ContactCreated, subject, &contact_data(change.contact))?
        }
        DomainEvent::ContactUpdated(_) => return Ok(None),
        DomainEvent::PaymentReceived(change) => {
            let subject = Subject {
                user_id: &change.host.id,
                id: change.payment.id.as_str(),
                event_type_id: Some(&change.event_type.id),
            };
            Announcement::new(EventKey::PaymentReceived, subject, &payment_data(change.payment))?
        }
    };
    Ok(Some(announcement))
}

fn booking<'a>(key: EventKey, change: &'a BookingChange<'_>) -> Result<Announcement<'a>, DbErr> {
    let subject = Subject {
        user_id: &change.host.id,
        id: change.booking.id.as_str(),
        event_type_id: Some(&change.event_type.id),
    };
    let data = booking_data(change.booking, change.host, change.event_type, key);
    Announcement::new(key, subject, &data)
}
