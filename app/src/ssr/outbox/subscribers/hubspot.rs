//! HubSpot: a connected team's booking changes are synced to its portal,
//! for the event types the host left HubSpot sync on for; with two-way
//! sync, every contact made or edited in Slotline is pushed too.
use super::Subscriber;
use crate::ssr::jobs::{PushContactToHubspot, SyncAction, SyncBookingToHubspot, enqueue};
use crate::ssr::outbox::{ContactChange, DomainEvent};
use crate::ssr::services::hubspot::{HubspotSettings, SyncDirection, connection_of_team};
use sea_orm::{DatabaseTransaction, DbErr};

pub struct HubspotSync;

#[async_trait::async_trait]
impl Subscriber for HubspotSync {
    async fn handle(&self, txn: &DatabaseTransaction, event: &DomainEvent<'_>) -> Result<(), DbErr> {
        let (action, change) = match event {
            DomainEvent::BookingCreated(change) => (SyncAction::Created, change),
            DomainEvent::BookingRescheduled(change) => (SyncAction::Rescheduled, change),
            DomainEvent::BookingCancelled(change) => (SyncAction::Cancelled, change),
            DomainEvent::ContactCreated(change) | DomainEvent::ContactUpdated(change) => {
                return push_contact(txn, change).await;
            }
            // The booking it paid for is synced as a booking.
            DomainEvent::PaymentReceived(_) => return Ok(()),
        };
        if !change.event_type.hubspot_sync {
            return Ok(());
        }
        let team_id = &change.host.team_id;
        if connection_of_team(txn, team_id).await?.is_none() {
            return Ok(());
        }
        let job = SyncBookingToHubspot {
            team_id: team_id.clone(),
            booking_id: change.booking.id.clone(),
            action,
        };
        enqueue(txn, &job).await
    }
}

async fn push_contact(txn: &DatabaseTransaction, change: &ContactChange<'_>) -> Result<(), DbErr> {
    let team_id = &change.contact.team_id;
    let Some(found) = connection_of_team(txn, team_id).await? else {
        return Ok(());
    };
    if HubspotSettings::of(&found).direction != SyncDirection::BothWays {
        return Ok(());
    }
    let job = PushContactToHubspot {
        team_id: team_id.clone(),
        contact_id: change.contact.id.clone(),
    };
    enqueue(txn, &job).await
}
