//! A team's HubSpot connection as the database sees it: who may connect and
//! the OAuth dance (`connect`), the sync log and the weekly alert
//! (`sync_log`), what the integrations card shows (`card`), which property
//! each piece of booking information fills (`mappings`), two-way contact
//! sync's settings (`two_way`). The HTTP side
//! (HubSpot's token endpoint, the sync job) lives in the server crate; a
//! booking's HubSpot ids are `external_links`.
pub mod card;
pub mod connect;
pub mod mapping_settings;
pub mod mappings;
pub mod sync_log;
pub mod two_way;

pub use card::{card, set_update_existing, sync_log};
pub use connect::{
    IssuedTokens, REVOKED_PROBLEM, RefreshedTokens, begin_connect, claim_refresh, disconnect, disconnect_revoked,
    release_refresh, reload, save_connection, store_refreshed, take_state,
};
pub use sync_log::{ALERT_INTERVAL_DAYS, SyncRecord, alert_cutoff, alert_owner, record, record_success};

use crate::domain::TeamId;
use crate::domain::TimeZoneName;
use crate::ssr::entities::integration_connection as connection;
use chrono::NaiveTime;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

/// What a team chose for its HubSpot sync: the connection's `settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubspotSettings {
    /// When the invitee is already a HubSpot contact: update them (true) or leave them.
    #[serde(default = "yes")]
    pub update_existing_contacts: bool,
    #[serde(default)]
    pub direction: SyncDirection,
    /// The `lifecyclestage` values whose contacts come in from HubSpot.
    #[serde(default = "default_stages")]
    pub lifecycle_stages: Vec<String>,
    /// When the nightly reconcile runs, in `nightly_zone`.
    #[serde(default = "default_nightly_time")]
    pub nightly_time: NaiveTime,
    /// The zone of whoever chose the time; absent until someone does (the
    /// zone of whoever connected then applies).
    #[serde(default)]
    pub nightly_zone: Option<TimeZoneName>,
}

/// Which way contacts flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncDirection {
    /// Bookings bring their invitees to HubSpot; nothing comes back.
    #[default]
    ToHubspot,
    /// Contacts made or edited on either side reach the other.
    BothWays,
}

/// Customers and subscribers come in; leads and MQLs stay in HubSpot.
pub const DEFAULT_STAGES: [&str; 2] = ["customer", "subscriber"];

fn default_stages() -> Vec<String> {
    DEFAULT_STAGES.map(str::to_owned).to_vec()
}

fn default_nightly_time() -> NaiveTime {
    NaiveTime::from_hms_opt(3, 0, 0).expect("a valid time")
}

fn yes() -> bool {
    true
}

impl Default for HubspotSettings {
    fn default() -> Self {
        Self {
            update_existing_contacts: true,
            direction: SyncDirection::default(),
            lifecycle_stages: default_stages(),
            nightly_time: default_nightly_time(),
            nightly_zone: None,
        }
    }
}

impl HubspotSettings {
    /// The connection's settings; a row written by hand that does not parse
    /// reads as the defaults.
    pub fn of(connection: &connection::Model) -> Self {
        serde_json::from_str(&connection.settings).unwrap_or_else(|error| {
            tracing::error!(connection.id = %connection.id, %error, "unreadable HubSpot settings");
            Self::default()
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain settings serialise")
    }
}

/// The team's HubSpot connection, if it has one.
pub async fn connection_of_team(
    db: &impl ConnectionTrait,
    team_id: &TeamId,
) -> Result<Option<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::Provider.eq(connection::HUBSPOT))
        .filter(connection::Column::TeamId.eq(team_id))
        .one(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_to_updating_existing_contacts_one_way() {
        assert!(
            serde_json::from_str::<HubspotSettings>("{}")
                .unwrap()
                .update_existing_contacts
        );
        let old: HubspotSettings = serde_json::from_str(r#"{"update_existing_contacts":false}"#).unwrap();
        assert_eq!(old.direction, SyncDirection::ToHubspot);
        assert_eq!(old.lifecycle_stages, ["customer", "subscriber"]);
        let chosen = HubspotSettings {
            update_existing_contacts: false,
            direction: SyncDirection::BothWays,
            ..HubspotSettings::default()
        };
        assert_eq!(
            serde_json::from_str::<HubspotSettings>(&chosen.to_json()).unwrap(),
            chosen
        );
    }
}
