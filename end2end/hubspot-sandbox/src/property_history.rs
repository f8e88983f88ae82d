//! Per-property value history, as batch read's `propertiesWithHistory` answers it: every value a
//! property took, when, and who wrote it (an app, a HubSpot user, an import or HubSpot itself).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::config::{SANDBOX_APP_ID, SANDBOX_USER_ID};
use crate::state::iso;

/// Who made a write; decides a history entry's `sourceType` and a webhook event's `changeSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The app, through the authenticated API (`INTEGRATION`, `sourceId` = the app id).
    Integration,
    /// A HubSpot user in HubSpot's UI, i.e. a `/_sandbox/contacts…` control endpoint (`CRM_UI`).
    User,
    /// A bulk import by a HubSpot user (`/_sandbox/contacts/seed`): no webhook events.
    Import,
    /// Values HubSpot sets itself: ids, create and modify dates, merged ids.
    Calculated,
}

impl Source {
    pub(crate) fn source_type(self) -> &'static str {
        match self {
            Self::Integration => "INTEGRATION",
            Self::User => "CRM_UI",
            Self::Import => "IMPORT",
            Self::Calculated => "CALCULATED",
        }
    }
}

/// One value a property took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistoryEntry {
    /// `""` when the write cleared the property, as HubSpot shows it.
    pub(crate) value: String,
    pub(crate) timestamp: DateTime<Utc>,
    pub(crate) source: Source,
}

impl HistoryEntry {
    fn to_json(&self) -> Value {
        let mut entry = json!({
            "value": self.value,
            "timestamp": iso(self.timestamp),
            "sourceType": self.source.source_type(),
        });
        match self.source {
            Source::Integration => entry["sourceId"] = json!(SANDBOX_APP_ID.to_string()),
            Source::User | Source::Import => entry["updatedByUserId"] = json!(SANDBOX_USER_ID),
            Source::Calculated => {}
        }
        entry
    }
}

/// The history of every property of one object, each oldest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct PropertyHistory {
    entries: BTreeMap<String, Vec<HistoryEntry>>,
}

impl PropertyHistory {
    pub(crate) fn record(&mut self, name: &str, value: Option<&str>, timestamp: DateTime<Utc>, source: Source) {
        let entry = HistoryEntry {
            value: value.unwrap_or_default().to_owned(),
            timestamp,
            source,
        };
        self.entries.entry(name.to_owned()).or_default().push(entry);
    }

    /// One property's history, oldest first.
    pub(crate) fn of(&self, name: &str) -> &[HistoryEntry] {
        self.entries.get(name).map_or(&[], Vec::as_slice)
    }

    /// Replaces one property's history (a merge carries over the history of the value it kept).
    pub(crate) fn set(&mut self, name: &str, entries: Vec<HistoryEntry>) {
        if !entries.is_empty() {
            self.entries.insert(name.to_owned(), entries);
        }
    }

    /// `{"name": [entries, newest first]}` for each requested property that has a history (like
    /// HubSpot, a property never set is left out).
    pub(crate) fn to_json(&self, names: &[String]) -> Value {
        let map = names
            .iter()
            .filter_map(|name| {
                let entries = self.entries.get(name)?;
                let newest_first: Vec<Value> = entries.iter().rev().map(HistoryEntry::to_json).collect();
                Some((name.clone(), Value::Array(newest_first)))
            })
            .collect();
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn history_comes_newest_first_with_each_writers_fields() {
        let t0 = Utc::now();
        let mut history = PropertyHistory::default();
        history.record("firstname", Some("Jane"), t0, Source::Integration);
        history.record("firstname", None, t0 + TimeDelta::seconds(1), Source::User);
        let names = ["firstname".to_owned(), "phone".to_owned()];
        let json = history.to_json(&names);
        assert!(json.get("phone").is_none());
        let entries = json["firstname"].as_array().cloned().unwrap_or_default();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0]["value"], "");
        assert_eq!(entries[0]["sourceType"], "CRM_UI");
        assert_eq!(entries[0]["updatedByUserId"], SANDBOX_USER_ID);
        assert!(entries[0].get("sourceId").is_none());
        assert_eq!(entries[1]["value"], "Jane");
        assert_eq!(entries[1]["sourceType"], "INTEGRATION");
        assert_eq!(entries[1]["sourceId"], SANDBOX_APP_ID.to_string());
        assert_eq!(entries[1]["timestamp"], iso(t0));
    }
}
