//! The object store: contacts, companies and meetings, each with the recent versions search may
//! still serve (search lags writes), its per-property history and whether it is live, archived or
//! merged away; and the JSON shape HubSpot gives an object.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::object_kind::ObjectKind;
use crate::properties::Changes;
use crate::property_history::{PropertyHistory, Source};
use crate::snapshot::SandboxObject;
use crate::state::{earlier, iso};

/// Ids start here so they look like HubSpot's and never collide with small test literals.
const FIRST_ID: u64 = 1000;
/// Merges cannot chain forever; this bounds the walk from an old id to the record it became.
const MAX_MERGE_HOPS: usize = 64;

/// The properties of an object as written at one moment.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    /// When it was written: search sees it once it is older than the search lag.
    pub(crate) at: DateTime<Utc>,
    /// What `updatedAt` says; the same as `at` except for seeded contacts, whose dates are spread.
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) properties: BTreeMap<String, String>,
    /// `false` in the version an archive or a merge leaves: search stops listing the object.
    pub(crate) listed: bool,
}

/// When a write happened and who made it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp {
    pub(crate) at: DateTime<Utc>,
    pub(crate) source: Source,
}

/// Which properties a read returns.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Selection<'a> {
    /// Everything set: what create, update and upsert answers carry.
    Everything,
    /// What the caller asked for (plus id and dates), or the type's defaults when it asked for none.
    Requested(&'a [String]),
}

/// Whether an object is live, archived (restorable) or gone into a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Standing {
    Live,
    Archived,
    /// Merged into the record with this id (which may have been merged again since).
    MergedInto(String),
}

#[derive(Debug, Clone)]
pub(crate) struct StoredObject {
    pub(crate) id: String,
    pub(crate) created_at: DateTime<Utc>,
    current: Version,
    /// Older versions, oldest first, kept only while search may still serve one of them.
    older: Vec<Version>,
    pub(crate) standing: Standing,
    pub(crate) history: PropertyHistory,
}

impl StoredObject {
    /// A new object with `changes` and the properties HubSpot sets itself (id, dates).
    pub(crate) fn create(kind: ObjectKind, id: String, changes: Changes, stamp: Stamp) -> Self {
        let mut properties = BTreeMap::new();
        let mut history = PropertyHistory::default();
        for (name, value) in changes {
            if let Some(value) = value {
                history.record(&name, Some(&value), stamp.at, stamp.source);
                properties.insert(name, value);
            }
        }
        let calculated = Stamp {
            source: Source::Calculated,
            ..stamp
        };
        set(&mut properties, &mut history, "hs_object_id", &id, calculated);
        set(
            &mut properties,
            &mut history,
            kind.created_property(),
            &iso(stamp.at),
            calculated,
        );
        set(
            &mut properties,
            &mut history,
            kind.modified_property(),
            &iso(stamp.at),
            calculated,
        );
        Self::assemble(id, stamp.at, properties, history, stamp.at)
    }

    /// An object made of given parts (a merge's new record), written at `at`.
    pub(crate) fn assemble(
        id: String,
        created_at: DateTime<Utc>,
        properties: BTreeMap<String, String>,
        history: PropertyHistory,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            created_at,
            current: Version {
                at,
                updated_at: at,
                properties,
                listed: true,
            },
            older: Vec::new(),
            standing: Standing::Live,
            history,
        }
    }

    /// The same object, visible to search only from `at` (a seed dates its contacts earlier than
    /// the moment it writes them).
    pub(crate) fn indexed_from(mut self, at: DateTime<Utc>) -> Self {
        self.current.at = at;
        self
    }

    /// Applies a write: records every value that changes, bumps the modified date (every write
    /// does), and returns the properties whose value changed.
    pub(crate) fn update(&mut self, kind: ObjectKind, changes: Changes, stamp: Stamp, lag: Duration) -> Changes {
        let mut properties = self.current.properties.clone();
        let mut changed = Changes::new();
        for (name, value) in changes {
            if properties.get(&name) == value.as_ref() {
                continue;
            }
            self.history.record(&name, value.as_deref(), stamp.at, stamp.source);
            match &value {
                Some(value) => properties.insert(name.clone(), value.clone()),
                None => properties.remove(&name),
            };
            changed.insert(name, value);
        }
        self.touch(kind, properties, stamp, lag);
        changed
    }

    /// Archives the object: reads no longer find it, and search stops listing it after the lag.
    pub(crate) fn archive(&mut self, at: DateTime<Utc>, lag: Duration) {
        self.standing = Standing::Archived;
        self.push_hidden(at, lag);
    }

    /// Brings an archived object back; the modified date moves so incremental pulls see it again.
    pub(crate) fn restore(&mut self, kind: ObjectKind, stamp: Stamp, lag: Duration) {
        self.standing = Standing::Live;
        let properties = self.current.properties.clone();
        self.touch(kind, properties, stamp, lag);
    }

    /// Marks the object as merged into `into`: reads of its id answer that record instead.
    pub(crate) fn merge_into(&mut self, into: &str, at: DateTime<Utc>, lag: Duration) {
        self.standing = Standing::MergedInto(into.to_owned());
        self.push_hidden(at, lag);
    }

    fn touch(&mut self, kind: ObjectKind, mut properties: BTreeMap<String, String>, stamp: Stamp, lag: Duration) {
        let calculated = Stamp {
            source: Source::Calculated,
            ..stamp
        };
        set(
            &mut properties,
            &mut self.history,
            kind.modified_property(),
            &iso(stamp.at),
            calculated,
        );
        let version = Version {
            at: stamp.at,
            updated_at: stamp.at,
            properties,
            listed: true,
        };
        self.push(version, lag);
    }

    fn push_hidden(&mut self, at: DateTime<Utc>, lag: Duration) {
        let version = Version {
            at,
            updated_at: self.current.updated_at,
            properties: self.current.properties.clone(),
            listed: false,
        };
        self.push(version, lag);
    }

    fn push(&mut self, version: Version, lag: Duration) {
        let now = version.at;
        let previous = std::mem::replace(&mut self.current, version);
        self.older.push(previous);
        self.prune(earlier(now, lag));
    }

    /// Drops versions search can no longer serve: everything older than the newest visible one.
    fn prune(&mut self, cutoff: DateTime<Utc>) {
        if self.current.at <= cutoff {
            self.older.clear();
        } else if let Some(newest_visible) = self.older.iter().rposition(|version| version.at <= cutoff) {
            self.older.drain(..newest_visible);
        }
    }

    pub(crate) fn is_live(&self) -> bool {
        self.standing == Standing::Live
    }

    pub(crate) fn property(&self, name: &str) -> Option<&str> {
        self.current.properties.get(name).map(String::as_str)
    }

    pub(crate) fn properties(&self) -> &BTreeMap<String, String> {
        &self.current.properties
    }

    /// The version search sees when only writes at or before `cutoff` are indexed.
    pub(crate) fn indexed_version(&self, cutoff: DateTime<Utc>) -> Option<&Version> {
        if self.current.at <= cutoff {
            return Some(&self.current);
        }
        self.older.iter().rev().find(|version| version.at <= cutoff)
    }

    pub(crate) fn to_json(&self, kind: ObjectKind, selection: Selection<'_>) -> Value {
        self.version_json(kind, &self.current, selection)
    }

    pub(crate) fn version_json(&self, kind: ObjectKind, version: &Version, selection: Selection<'_>) -> Value {
        json!({
            "id": self.id,
            "properties": select(kind, &version.properties, selection),
            "createdAt": iso(self.created_at),
            "updatedAt": iso(version.updated_at),
            "archived": self.standing == Standing::Archived,
        })
    }

    pub(crate) fn snapshot(&self) -> SandboxObject {
        SandboxObject {
            id: self.id.clone(),
            properties: self.current.properties.clone(),
            created_at: self.created_at,
            updated_at: self.current.updated_at,
            archived: self.standing == Standing::Archived,
        }
    }
}

/// Sets a property HubSpot calculates, recording the change.
fn set(
    properties: &mut BTreeMap<String, String>,
    history: &mut PropertyHistory,
    name: &str,
    value: &str,
    stamp: Stamp,
) {
    history.record(name, Some(value), stamp.at, stamp.source);
    properties.insert(name.to_owned(), value.to_owned());
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

    pub(crate) fn insert(&mut self, kind: ObjectKind, object: StoredObject) -> usize {
        let list = self.all_mut(kind);
        list.push(object);
        list.len() - 1
    }

    /// Live objects, in creation order.
    pub(crate) fn live(&self, kind: ObjectKind) -> impl Iterator<Item = &StoredObject> {
        self.all(kind).iter().filter(|object| object.is_live())
    }

    /// The object with exactly this id, whatever its standing. Objects are stored in id order (ids
    /// only grow), so this is a binary search: a seeded portal holds tens of thousands.
    pub(crate) fn position(&self, kind: ObjectKind, id: &str) -> Option<usize> {
        let wanted: u64 = id.parse().ok()?;
        let list = self.all(kind);
        let index = list.partition_point(|object| object.id.parse::<u64>().is_ok_and(|n| n < wanted));
        list.get(index).filter(|object| object.id == id).map(|_| index)
    }

    /// The live object an id names: the object itself, or the record a merge turned it into.
    /// Archived objects (and ids merged into one) are not found.
    pub(crate) fn resolve(&self, kind: ObjectKind, id: &str) -> Option<usize> {
        let mut index = self.position(kind, id)?;
        for _ in 0..MAX_MERGE_HOPS {
            let object = self.get(kind, index)?;
            match &object.standing {
                Standing::Live => return Some(index),
                Standing::Archived => return None,
                Standing::MergedInto(into) => index = self.position(kind, into)?,
            }
        }
        None
    }

    /// The live object with exactly this id.
    pub(crate) fn find(&self, kind: ObjectKind, id: &str) -> Option<&StoredObject> {
        self.position(kind, id)
            .and_then(|index| self.get(kind, index))
            .filter(|object| object.is_live())
    }

    pub(crate) fn get(&self, kind: ObjectKind, index: usize) -> Option<&StoredObject> {
        self.all(kind).get(index)
    }

    pub(crate) fn get_mut(&mut self, kind: ObjectKind, index: usize) -> Option<&mut StoredObject> {
        self.all_mut(kind).get_mut(index)
    }

    /// The live contact with this (already lowercased) email.
    pub(crate) fn contact_by_email(&self, email: &str) -> Option<usize> {
        self.contacts
            .iter()
            .position(|contact| contact.is_live() && contact.property("email") == Some(email))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn changes(name: &str, value: &str) -> Changes {
        Changes::from([(name.to_owned(), Some(value.to_owned()))])
    }

    fn by_app(at: DateTime<Utc>) -> Stamp {
        Stamp {
            at,
            source: Source::Integration,
        }
    }

    #[test]
    fn search_sees_the_last_version_written_before_the_cutoff() {
        let lag = Duration::from_secs(5);
        let t0 = Utc::now();
        let kind = ObjectKind::Contact;
        let mut object = StoredObject::create(kind, "1".into(), changes("firstname", "A"), by_app(t0));
        object.update(
            kind,
            changes("firstname", "B"),
            by_app(t0 + TimeDelta::seconds(10)),
            lag,
        );
        object.update(
            kind,
            changes("firstname", "C"),
            by_app(t0 + TimeDelta::seconds(12)),
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
        let object = StoredObject::create(
            ObjectKind::Contact,
            "1".into(),
            changes("email", "a@b.co"),
            by_app(Utc::now()),
        );
        let requested = ["phone".to_owned()];
        let value = object.to_json(ObjectKind::Contact, Selection::Requested(&requested));
        assert_eq!(value["properties"]["phone"], Value::Null);
        assert_eq!(value["properties"]["hs_object_id"], "1");
        assert!(value["properties"].get("email").is_none());
    }

    #[test]
    fn only_changed_values_enter_the_history_but_every_write_bumps_the_modified_date() {
        let t0 = Utc::now();
        let t1 = t0 + TimeDelta::seconds(1);
        let kind = ObjectKind::Contact;
        let mut object = StoredObject::create(kind, "1".into(), changes("firstname", "A"), by_app(t0));
        let changed = object.update(kind, changes("firstname", "A"), by_app(t1), Duration::ZERO);
        assert!(changed.is_empty());
        assert_eq!(object.history.of("firstname").len(), 1);
        assert_eq!(object.property("lastmodifieddate"), Some(iso(t1).as_str()));
        assert_eq!(object.history.of("lastmodifieddate").len(), 2);
        assert_eq!(object.history.of("hs_object_id")[0].source, Source::Calculated);
    }

    #[test]
    fn ids_resolve_through_merges_but_not_to_archived_objects() {
        let mut store = ObjectStore::default();
        let kind = ObjectKind::Contact;
        let now = Utc::now();
        let mut ids = Vec::new();
        for _ in 0..3 {
            let id = store.allocate_id();
            store.insert(
                kind,
                StoredObject::create(kind, id.clone(), Changes::new(), by_app(now)),
            );
            ids.push(id);
        }
        assert_eq!(store.position(kind, &ids[1]), Some(1));
        assert_eq!(store.position(kind, "999999"), None);
        assert_eq!(store.position(kind, "jane@example.com"), None);
        if let Some(first) = store.get_mut(kind, 0) {
            first.merge_into(&ids[2], now, Duration::ZERO);
        }
        assert_eq!(store.resolve(kind, &ids[0]), Some(2));
        assert!(store.find(kind, &ids[0]).is_none());
        if let Some(last) = store.get_mut(kind, 2) {
            last.archive(now, Duration::ZERO);
        }
        assert_eq!(store.resolve(kind, &ids[0]), None);
        assert_eq!(store.live(kind).count(), 1);
    }
}
