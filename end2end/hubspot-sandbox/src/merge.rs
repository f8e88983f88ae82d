//! Contact merge (`POST /crm/objects/2026-03/contacts/merge`) as HUBSPOT.md describes HubSpot's
//! current behaviour: the two records become a new record with a new id, the primary's values win
//! and the merged one's fill blanks, `hs_merged_object_ids` lists the old ids, reads of an old id
//! answer the new record, and the old ids leave search and listings.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_kind::ObjectKind;
use crate::objects::{Selection, StoredObject};
use crate::property_history::{PropertyHistory, Source};
use crate::sandbox::Sandbox;
use crate::state::{State as SandboxState, iso};
use crate::webhooks::ContactEvent;

const KIND: ObjectKind = ObjectKind::Contact;
const MERGED_IDS: &str = "hs_merged_object_ids";
/// Properties HubSpot sets on the new record itself rather than taking from either old one.
const OWN_PROPERTIES: [&str; 4] = ["hs_object_id", "createdate", "lastmodifieddate", MERGED_IDS];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MergeInput {
    primary_object_id: String,
    object_id_to_merge: String,
}

/// `POST …/contacts/merge {"primaryObjectId","objectIdToMerge"}` → `200` with the new record.
pub(crate) async fn merge_objects(
    State(sandbox): State<Sandbox>,
    Path(object_type): Path<String>,
    HubJson(input): HubJson<MergeInput>,
) -> Result<Json<Value>, ApiError> {
    if ObjectKind::from_path(&object_type)? != KIND {
        return Err(ApiError::Validation("The sandbox merges contacts only".to_owned()));
    }
    let mut state = sandbox.lock();
    let lag = sandbox.config().search_lag;
    let index = merge(
        &mut state,
        &input.primary_object_id,
        &input.object_id_to_merge,
        Source::Integration,
        lag,
    )?;
    let merged = state.objects.get(KIND, index).ok_or(ApiError::Internal)?;
    Ok(Json(merged.to_json(KIND, Selection::Everything)))
}

/// Merges two live contacts (ids merged away before name the record they became); returns the new
/// record's index. Unknown or archived ids are a `404`, one contact twice a `400`.
pub(crate) fn merge(
    state: &mut SandboxState,
    primary_id: &str,
    id_to_merge: &str,
    source: Source,
    lag: Duration,
) -> Result<usize, ApiError> {
    if primary_id == id_to_merge {
        return Err(ApiError::Validation(format!(
            "Cannot merge contact {primary_id} with itself"
        )));
    }
    let primary = state.objects.resolve(KIND, primary_id).ok_or(ApiError::NotFound)?;
    let other = state.objects.resolve(KIND, id_to_merge).ok_or(ApiError::NotFound)?;
    if primary == other {
        return Err(ApiError::Validation(format!(
            "Contacts {primary_id} and {id_to_merge} were already merged"
        )));
    }
    let at = state.now();
    let new_id = state.objects.allocate_id();
    let (primary_old, other_old, combined) = {
        let primary = state.objects.get(KIND, primary).ok_or(ApiError::Internal)?;
        let other = state.objects.get(KIND, other).ok_or(ApiError::Internal)?;
        let combined = combine(primary, other, &new_id, at);
        (primary.id.clone(), other.id.clone(), combined)
    };
    for index in [primary, other] {
        let old = state.objects.get_mut(KIND, index).ok_or(ApiError::Internal)?;
        old.merge_into(&new_id, at, lag);
    }
    // The primary's links move first so that its primary company stays the primary one.
    state.associations.move_links(KIND, &primary_old, &new_id);
    state.associations.move_links(KIND, &other_old, &new_id);
    let index = state.objects.insert(KIND, combined);
    let event = ContactEvent::Merge {
        primary: &primary_old,
        merged: &other_old,
        new: &new_id,
    };
    state.webhooks.raise(event, at, source);
    Ok(index)
}

/// The new record: each property (with its history) from the primary if set there, else from the
/// other; the older creation date; its own id, modified date and merged ids.
fn combine(primary: &StoredObject, other: &StoredObject, new_id: &str, at: DateTime<Utc>) -> StoredObject {
    let mut properties = BTreeMap::new();
    let mut history = PropertyHistory::default();
    // The primary comes last, so its values overwrite the other's.
    for donor in [other, primary] {
        for (name, value) in donor.properties() {
            if !OWN_PROPERTIES.contains(&name.as_str()) {
                properties.insert(name.clone(), value.clone());
                history.set(name, donor.history.of(name).to_vec());
            }
        }
    }
    let older = if other.created_at < primary.created_at {
        other
    } else {
        primary
    };
    let created = "createdate";
    if let Some(date) = older.property(created) {
        properties.insert(created.to_owned(), date.to_owned());
        history.set(created, older.history.of(created).to_vec());
    }
    let merged_ids = merged_ids(primary, other);
    for (name, value) in [
        ("hs_object_id", new_id.to_owned()),
        (KIND.modified_property(), iso(at)),
        (MERGED_IDS, merged_ids),
    ] {
        history.record(name, Some(&value), at, Source::Calculated);
        properties.insert(name.to_owned(), value);
    }
    StoredObject::assemble(new_id.to_owned(), older.created_at, properties, history, at)
}

/// Both old ids and the ids they had merged before, ascending, `;`-separated.
fn merged_ids(primary: &StoredObject, other: &StoredObject) -> String {
    let mut ids: Vec<u64> = [primary, other]
        .into_iter()
        .flat_map(|old| {
            let earlier = old.property(MERGED_IDS).unwrap_or_default().split(';');
            earlier.chain([old.id.as_str()])
        })
        .filter_map(|id| id.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
    ids.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::Stamp;
    use crate::properties::Changes;
    use chrono::TimeDelta;

    fn contact(id: &str, pairs: &[(&str, &str)], at: DateTime<Utc>) -> StoredObject {
        let changes: Changes = pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), Some((*value).to_owned())))
            .collect();
        let stamp = Stamp {
            at,
            source: Source::Integration,
        };
        StoredObject::create(KIND, id.to_owned(), changes, stamp)
    }

    #[test]
    fn the_primary_wins_the_other_fills_blanks_and_the_older_creation_date_stays() {
        let t0 = Utc::now();
        let older = contact("1001", &[("email", "old@example.com"), ("phone", "+1 555")], t0);
        let primary = contact(
            "1002",
            &[("email", "new@example.com"), ("firstname", "Jane")],
            t0 + TimeDelta::seconds(5),
        );
        let at = t0 + TimeDelta::seconds(10);
        let merged = combine(&primary, &older, "1003", at);
        assert_eq!(merged.property("email"), Some("new@example.com"));
        assert_eq!(merged.property("phone"), Some("+1 555"));
        assert_eq!(merged.property("firstname"), Some("Jane"));
        assert_eq!(merged.property("hs_object_id"), Some("1003"));
        assert_eq!(merged.property("createdate"), Some(iso(t0).as_str()));
        assert_eq!(merged.property("lastmodifieddate"), Some(iso(at).as_str()));
        assert_eq!(merged.property(MERGED_IDS), Some("1001;1002"));
        assert_eq!(merged.created_at, t0);
        assert_eq!(merged.history.of("phone")[0].timestamp, t0);
    }

    #[test]
    fn merged_ids_accumulate_over_merges() {
        let now = Utc::now();
        let mut earlier = contact("1005", &[], now);
        earlier.update(
            KIND,
            Changes::from([(MERGED_IDS.to_owned(), Some("1001;1003".to_owned()))]),
            Stamp {
                at: now,
                source: Source::Calculated,
            },
            Duration::ZERO,
        );
        assert_eq!(merged_ids(&contact("1010", &[], now), &earlier), "1001;1003;1005;1010");
    }
}
