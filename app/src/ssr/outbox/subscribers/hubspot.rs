//! HubSpot: a connected team's booking changes are synced to its portal,
//! for the event types the host left HubSpot sync on for; with two-way
//! sync, every contact made or edited in Slotline is pushed too.
use super::Subscriber;
use crate::domain::TeamId;
use crate::ssr::entities::integration_connection as connection;
use crate::ssr::jobs::{JobBatch, PushContactToHubspot, SyncAction, SyncBookingToHubspot};
use crate::ssr::outbox::DomainEvent;
use crate::ssr::services::hubspot::{HubspotSettings, SyncDirection, connection_of_team};
use sea_orm::{DatabaseTransaction, DbErr};

pub struct HubspotSync;

#[async_trait::async_trait]
impl Subscriber for HubspotSync {
    async fn handle(
        &self,
        txn: &DatabaseTransaction,
        events: &[DomainEvent<'_>],
        jobs: &mut JobBatch,
    ) -> Result<(), DbErr> {
        let mut connections = Connections::default();
        for event in events {
            let (action, change) = match event {
                DomainEvent::BookingCreated(change) => (SyncAction::Created, change),
                DomainEvent::BookingRescheduled(change) => (SyncAction::Rescheduled, change),
                DomainEvent::BookingCancelled(change) => (SyncAction::Cancelled, change),
                DomainEvent::ContactCreated(change) | DomainEvent::ContactUpdated(change) => {
                    let team_id = &change.contact.team_id;
                    let both_ways = connections
                        .of(txn, team_id)
                        .await?
                        .is_some_and(|found| HubspotSettings::of(found).direction == SyncDirection::BothWays);
                    if both_ways {
                        jobs.push(&PushContactToHubspot {
                            team_id: team_id.clone(),
                            contact_id: change.contact.id.clone(),
                        })?;
                    }
                    continue;
                }
                DomainEvent::PaymentReceived(_) => continue,
            };
            let team_id = &change.host.team_id;
            if change.event_type.hubspot_sync && connections.of(txn, team_id).await?.is_some() {
                jobs.push(&SyncBookingToHubspot {
                    team_id: team_id.clone(),
                    booking_id: change.booking.id.clone(),
                    action,
                })?;
            }
        }
        Ok(())
    }
}

/// Each team's HubSpot connection, read once per change: a booking and its
/// contact are one team's.
#[derive(Default)]
struct Connections(Vec<(TeamId, Option<connection::Model>)>);

impl Connections {
    async fn of(&mut self, txn: &DatabaseTransaction, team_id: &TeamId) -> Result<Option<&connection::Model>, DbErr> {
        let at = match self.0.iter().position(|(team, _)| team == team_id) {
            Some(at) => at,
            None => {
                self.0.push((team_id.clone(), connection_of_team(txn, team_id).await?));
                self.0.len() - 1
            }
        };
        Ok(self.0[at].1.as_ref())
    }
}
