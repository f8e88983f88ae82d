//! Meeting endpoints under `/crm/objects/2026-03/meetings`: create (with meeting → contact
//! associations), read (optionally with associations) and update. Search lives in `search`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::contacts::ReadQuery;
use crate::errors::ApiError;
use crate::json::HubJson;
use crate::objects::{Selection, StoredObject};
use crate::properties::{self, ObjectKind};
use crate::sandbox::Sandbox;
use crate::state::State as SandboxState;

const KIND: ObjectKind = ObjectKind::Meeting;
/// HUBSPOT_DEFINED association type id of meeting → contact.
const MEETING_TO_CONTACT: u32 = 200;

#[derive(Deserialize)]
pub(crate) struct CreateInput {
    properties: Map<String, Value>,
    #[serde(default)]
    associations: Vec<AssociationInput>,
}

#[derive(Deserialize)]
pub(crate) struct UpdateInput {
    properties: Map<String, Value>,
}

#[derive(Deserialize)]
struct AssociationInput {
    to: AssociationTarget,
    types: Vec<AssociationType>,
}

#[derive(Deserialize)]
struct AssociationTarget {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssociationType {
    association_category: String,
    association_type_id: u32,
}

/// `POST …/meetings` → `201`; needs `hs_timestamp`, and associated contacts must exist.
pub(crate) async fn create_meeting(
    State(sandbox): State<Sandbox>,
    HubJson(input): HubJson<CreateInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let changes = properties::check(KIND, &input.properties, &[])?;
    if !matches!(changes.get("hs_timestamp"), Some(Some(_))) {
        return Err(vec![properties::required("hs_timestamp")].into());
    }
    let mut state = sandbox.lock();
    let contact_ids = check_associations(&state, &input.associations)?;
    let now = state.now();
    let id = state.objects.allocate_id();
    let mut meeting = StoredObject::create(KIND, id, changes, now);
    meeting.contact_ids = contact_ids;
    let created = state.objects.insert(KIND, meeting);
    Ok((StatusCode::CREATED, Json(created.to_json(KIND, Selection::Everything))))
}

/// Accepts only HUBSPOT_DEFINED meeting → contact (200) associations to existing contacts.
fn check_associations(state: &SandboxState, associations: &[AssociationInput]) -> Result<Vec<String>, ApiError> {
    let mut contact_ids: Vec<String> = Vec::new();
    for association in associations {
        if association.types.is_empty() {
            return Err(ApiError::Validation("Association types must not be empty".to_owned()));
        }
        for kind in &association.types {
            if kind.association_category != "HUBSPOT_DEFINED" || kind.association_type_id != MEETING_TO_CONTACT {
                return Err(ApiError::Validation(format!(
                    "Association type {} {} is not supported by the sandbox: only HUBSPOT_DEFINED {MEETING_TO_CONTACT} \
                     (meeting to contact)",
                    kind.association_category, kind.association_type_id
                )));
            }
        }
        let target = &association.to.id;
        if state.objects.position(ObjectKind::Contact, target).is_none() {
            return Err(ApiError::Validation(format!(
                "One or more associations are invalid: contact {target} does not exist"
            )));
        }
        if !contact_ids.contains(target) {
            contact_ids.push(target.clone());
        }
    }
    Ok(contact_ids)
}

/// `GET …/meetings/{id}` (`?properties=…`, `?associations=contacts`).
pub(crate) async fn get_meeting(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = ReadQuery::parse(query.as_deref());
    if query.id_property.is_some() {
        return Err(ApiError::Validation("The sandbox reads meetings by id only".to_owned()));
    }
    let state = sandbox.lock();
    let index = state.objects.position(KIND, &id).ok_or(ApiError::NotFound)?;
    let meeting = state.objects.get(KIND, index).ok_or(ApiError::NotFound)?;
    let mut value = meeting.to_json(KIND, Selection::Requested(&query.properties));
    let wants_contacts = query
        .associations
        .iter()
        .any(|name| name == "contacts" || name == "contact");
    // Like HubSpot, an association type with no associations is left out.
    if wants_contacts && !meeting.contact_ids.is_empty() {
        let results: Vec<Value> = meeting
            .contact_ids
            .iter()
            .map(|id| json!({"id": id, "type": "meeting_to_contact"}))
            .collect();
        value["associations"] = json!({"contacts": {"results": results}});
    }
    Ok(Json(value))
}

/// `PATCH …/meetings/{id}` → `200` with the updated meeting.
pub(crate) async fn update_meeting(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    HubJson(input): HubJson<UpdateInput>,
) -> Result<Json<Value>, ApiError> {
    let changes = properties::check(KIND, &input.properties, &[])?;
    if matches!(changes.get("hs_timestamp"), Some(None)) {
        return Err(vec![properties::required("hs_timestamp")].into());
    }
    let mut state = sandbox.lock();
    let now = state.now();
    let index = state.objects.position(KIND, &id).ok_or(ApiError::NotFound)?;
    let meeting = state.objects.get_mut(KIND, index).ok_or(ApiError::NotFound)?;
    meeting.update(KIND, changes, now, sandbox.config().search_lag);
    Ok(Json(meeting.to_json(KIND, Selection::Everything)))
}
