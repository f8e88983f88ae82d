//! The object store: contacts, companies and meetings, each with the recent versions search may
//! still serve (search lags writes), and the JSON shape HubSpot gives an object.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::object_kind::ObjectKind;
use crate::properties::Changes;
use crate::snapshot::SandboxObject;
use crate::state::{earlier, iso};

/// Ids start here so they look like HubSpot's and never collide with small test literals.
const FIRST_ID: u64 = 1000;

/// The properties of an object as written at one moment.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub(crate) at: DateTime<Utc>,
    pub(crate) properties: BTreeMap<String, String>,
}

/// Which properties a read returns.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Selection<'a> {
    /// Everything set: what create, update and upsert answers carry.
    Everything,
    /// What the caller asked for (plus id and dates), or the type's defaults when it asked for none.
    Requested(&'a [String]),
}

#[derive(Debug, Clone)]
pub(crate) struct StoredObject {
    pub(crate) id: String,
    pub(crate) created_at: DateTime<Utc>,
    current: Version,
    /// Older versions, oldest first, kept only while search may still serve one of them.
    history: Vec<Version>,
}

impl StoredObject {
    pub(crate) fn create(kind: ObjectKind, id: String, changes: Changes, now: DateTime<Utc>) -> Self {
        let mut properties = BTreeMap::new();
        apply(&mut properties, changes);
        properties.insert("hs_object_id".to_owned(), id.clone());
        properties.insert(kind.created_property().to_owned(), iso(now));
        properties.insert(kind.modified_property().to_owned(), iso(now));
        Self {
            id,
            created_at: now,
            current: Version { at: now, properties },
            history: Vec::new(),
        }
    }

    pub(crate) fn update(&mut self, kind: ObjectKind, changes: Changes, now: DateTime<Utc>, search_lag: Duration) {
        let mut properties = self.current.properties.clone();
        apply(&mut properties, changes);
        properties.insert(kind.modified_property().to_owned(), iso(now));
        let previous = std::mem::replace(&mut self.current, Version { at: now, properties });
        self.history.push(previous);
        self.prune(earlier(now, search_lag));
    }

    /// Drops versions search can no longer serve: everything older than the newest visible one.
    fn prune(&mut self, cutoff: DateTime<Utc>) {
        if self.current.at <= cutoff {
            self.history.clear();
        } else if let Some(newest_visible) = self.history.iter().rposition(|version| version.at <= cutoff) {
            self.history.drain(..newest_visible);
        }
    }

    pub(crate) fn property(&self, name: &str) -> Option<&str> {
        self.current.properties.get(name).map(String::as_str)
    }

    /// The version search sees when only writes at or before `cutoff` are indexed.
    pub(crate) fn indexed_version(&self, cutoff: DateTime<Utc>) -> Option<&Version> {
        if self.current.at <= cutoff {
            return Some(&self.current);
        }
        self.history.iter().rev().find(|version| version.at <= cutoff)
    }

    pub(crate) fn to_json(&self, kind: ObjectKind, selection: Selection<'_>) -> Value {
        self.version_json(kind, &self.current, selection)
    }

    pub(crate) fn version_json(&self, kind: ObjectKind, version: &Version, selection: Selection<'_>) -> Value {
        json!({
            "id": self.id,
            "properties": select(kind, &version.properties, selection),
            "createdAt": iso(self.created_at),
            "updatedAt": iso(version.at),
            "archived": false,
        })
    }

    pub(crate) fn snapshot(&self) -> SandboxObject {
        SandboxObject {
            id: self.id.clone(),
            properties: self.current.properties.clone(),
            created_at: self.created_at,
            updated_at: self.current.at,
            archived: false,
        }
    }
}

fn apply(properties: &mut BTreeMap<String, String>, changes: Changes) {
    for (name, value) in changes {
        match value {
            Some(value) => properties.insert(name, value),
            None => properties.remove(&name),
        };
    }
}

fn select(kind: ObjectKind, properties: &BTreeMap<String, String>, selection: Selection<'_>) -> Map<String, Value> {
    let names: Vec<&str> = match selection {
        Selection::Everything => {
            return properties
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect();
        }
        Selection::Requested([]) => kind.default_properties().to_vec(),
        Selection::Requested(requested) => {
            let always = ["hs_object_id", kind.created_property(), kind.modified_property()];
            always.into_iter().chain(requested.iter().map(String::as_str)).collect()
        }
    };
    // Requested but unset properties come back as null, as HubSpot does.
    names
        .into_iter()
        .map(|name| {
            (
                name.to_owned(),
                properties.get(name).map_or(Value::Null, |v| Value::from(v.as_str())),
            )
        })
        .collect()
}

/// All objects, in creation order, with one id counter across types as in a portal.
#[derive(Default)]
pub(crate) struct ObjectStore {
    issued_ids: u64,
    contacts: Vec<StoredObject>,
    companies: Vec<StoredObject>,
    meetings: Vec<StoredObject>,
}

impl ObjectStore {
    pub(crate) fn allocate_id(&mut self) -> String {
        self.issued_ids += 1;
        (FIRST_ID + self.issued_ids).to_string()
    }

    pub(crate) fn all(&self, kind: ObjectKind) -> &[StoredObject] {
        match kind {
            ObjectKind::Contact => &self.contacts,
            ObjectKind::Company => &self.companies,
            ObjectKind::Meeting => &self.meetings,
        }
    }

    fn all_mut(&mut self, kind: ObjectKind) -> &mut Vec<StoredObject> {
        match kind {
            ObjectKind::Contact => &mut self.contacts,
            ObjectKind::Company => &mut self.companies,
            ObjectKind::Meeting => &mut self.meetings,
        }
    }

    pub(crate) fn insert(&mut self, kind: ObjectKind, object: StoredObject) -> &StoredObject {
        let list = self.all_mut(kind);
        list.push(object);
        &list[list.len() - 1]
    }

    pub(crate) fn position(&self, kind: ObjectKind, id: &str) -> Option<usize> {
        self.all(kind).iter().position(|object| object.id == id)
    }

    pub(crate) fn find(&self, kind: ObjectKind, id: &str) -> Option<&StoredObject> {
        self.all(kind).iter().find(|object| object.id == id)
    }

    pub(crate) fn get(&self, kind: ObjectKind, index: usize) -> Option<&StoredObject> {
        self.all(kind).get(index)
    }

    pub(crate) fn get_mut(&mut self, kind: ObjectKind, index: usize) -> Option<&mut StoredObject> {
        self.all_mut(kind).get_mut(index)
    }

    /// The contact with this (already lowercased) email.
    pub(crate) fn contact_by_email(&self, email: &str) -> Option<usize> {
        self.contacts
            .iter()
            .position(|contact| contact.property("email") == Some(email))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn changes(name: &str, value: &str) -> Changes {
        Changes::from([(name.to_owned(), Some(value.to_owned()))])
    }

    #[test]
    fn search_sees_the_last_version_written_before_the_cutoff() {
        let lag = Duration::from_secs(5);
        let t0 = Utc::now();
        let mut object = StoredObject::create(ObjectKind::Contact, "1".into(), changes("firstname", "A"), t0);
        object.update(
            ObjectKind::Contact,
            changes("firstname", "B"),
            t0 + TimeDelta::seconds(10),
            lag,
        );
        object.update(
            ObjectKind::Contact,
            changes("firstname", "C"),
            t0 + TimeDelta::seconds(12),
            lag,
        );

        let seen = |cutoff: DateTime<Utc>| {
            object
                .indexed_version(cutoff)
                .and_then(|v| v.properties.get("firstname").cloned())
        };
        assert_eq!(seen(t0 - TimeDelta::seconds(1)), None);
        assert_eq!(seen(t0 + TimeDelta::seconds(7)).as_deref(), Some("A"));
        assert_eq!(seen(t0 + TimeDelta::seconds(11)).as_deref(), Some("B"));
        assert_eq!(seen(t0 + TimeDelta::seconds(20)).as_deref(), Some("C"));
    }

    #[test]
    fn requested_properties_come_back_with_nulls_for_unset_ones() {
        let object = StoredObject::create(ObjectKind::Contact, "1".into(), changes("email", "a@b.co"), Utc::now());
        let requested = ["phone".to_owned()];
        let value = object.to_json(ObjectKind::Contact, Selection::Requested(&requested));
        assert_eq!(value["properties"]["phone"], Value::Null);
        assert_eq!(value["properties"]["hs_object_id"], "1");
        assert!(value["properties"].get("email").is_none());
    }
}
