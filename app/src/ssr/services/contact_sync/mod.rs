//! Two-way contact sync with a team's HubSpot portal, as the database sees
//! it: a HubSpot contact applied to Slotline's (`apply`), what Slotline
//! sends back (`outgoing`), and the reconcile runs with their progress
//! (`runs`). The HTTP side (HubSpot's search, batch read and writes, the
//! webhook endpoint, the jobs) lives in the server crate.
mod apply;
mod outgoing;
pub mod runs;
pub mod schedule;
mod state;

pub use apply::{
    Applied, ApplyOutcome, Origin, apply_remotes, archive_remote, known_ids, log, remote_id_of, restore_remote,
};
pub use outgoing::{contact_properties, link_pushed, unlinked_after, unlinked_count};
pub use state::{portal_of, set_pulled_until, webhook_arrived};

use crate::domain::TeamId;
use crate::domain::contact_sync::SyncedField;
use crate::ssr::entities::{external_link as link, integration_connection as connection};
use crate::ssr::phone::PhoneRegion;
use crate::ssr::services::external_links::Local;
use crate::ssr::services::hubspot::{HubspotSettings, SyncDirection};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The HubSpot properties two-way sync reads: the synced fields, the stage
/// and what the slicing and merge handling need.
pub const READ_PROPERTIES: [&str; 10] = [
    "email",
    "firstname",
    "lastname",
    "phone",
    "company",
    "lifecyclestage",
    "createdate",
    "lastmodifieddate",
    "hs_object_id",
    "hs_merged_object_ids",
];

/// The properties whose history settles conflicts.
pub const HISTORY_PROPERTIES: [&str; 5] = ["email", "firstname", "lastname", "phone", "company"];

/// A HubSpot contact as two-way sync reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteContact {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    /// When each property last changed, from its history; empty when the
    /// history was not read (a contact new to Slotline needs none).
    pub changed_at: HashMap<String, DateTime<Utc>>,
    /// The ids of the records merged into this one.
    pub merged_ids: Vec<String>,
}

impl RemoteContact {
    /// First and last name joined, as Slotline keeps a name.
    pub fn name(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.first_name, &self.last_name]
            .into_iter()
            .filter_map(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    pub fn value(&self, field: SyncedField) -> Option<String> {
        match field {
            SyncedField::Name => self.name(),
            SyncedField::Email => self.email.clone(),
            SyncedField::Phone => self.phone.clone(),
            SyncedField::Company => self.company.clone(),
        }
    }

    /// The latest change of the properties that hold `field`.
    pub fn changed(&self, field: SyncedField) -> Option<DateTime<Utc>> {
        field
            .properties()
            .iter()
            .filter_map(|p| self.changed_at.get(*p).copied())
            .max()
    }
}

/// One team's portal, as the sync of its contacts needs it.
#[derive(Debug, Clone)]
pub struct Portal {
    pub team_id: TeamId,
    pub account_id: String,
    pub stages: Vec<String>,
    /// The region national phone numbers from HubSpot are read in.
    pub region: Option<PhoneRegion>,
}

impl Portal {
    /// The portal of a connection syncing both ways; `None` for one-way.
    pub fn of(found: &connection::Model, region: Option<PhoneRegion>) -> Option<Self> {
        let settings = HubspotSettings::of(found);
        (settings.direction == SyncDirection::BothWays).then(|| Self {
            team_id: found.team_id.clone(),
            account_id: found.account_id.clone(),
            stages: settings.lifecycle_stages,
            region,
        })
    }

    pub fn pulls(&self, stage: Option<&str>) -> bool {
        stage.is_some_and(|s| self.stages.iter().any(|chosen| chosen == s))
    }

    fn local<'a>(&'a self, contact_id: &'a str) -> Local<'a> {
        Local {
            provider: connection::HUBSPOT,
            account_id: &self.account_id,
            team_id: &self.team_id,
            kind: link::CONTACT,
            id: contact_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_joins_what_hubspot_has_of_it() {
        let mut remote = RemoteContact {
            first_name: Some("Jane".into()),
            last_name: Some(" Doe ".into()),
            ..RemoteContact::default()
        };
        assert_eq!(remote.name().as_deref(), Some("Jane Doe"));
        remote.first_name = None;
        assert_eq!(remote.name().as_deref(), Some("Doe"));
        remote.last_name = Some(" ".into());
        assert_eq!(remote.name(), None);
    }

    #[test]
    fn a_name_changed_when_either_part_did() {
        let early = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").unwrap().to_utc();
        let late = DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().to_utc();
        let remote = RemoteContact {
            changed_at: HashMap::from([("firstname".to_owned(), early), ("lastname".to_owned(), late)]),
            ..RemoteContact::default()
        };
        assert_eq!(remote.changed(SyncedField::Name), Some(late));
        assert_eq!(remote.changed(SyncedField::Phone), None);
    }
}
