//! Contact endpoints under `/crm/objects/2026-03/contacts`: create, batch upsert by email, read and
//! update by id or by email (`?idProperty=email`). Search lives in `search`.

use std::collections::HashSet;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::errors::ApiError;
use crate::json::HubJson;
use crate::objects::{Selection, StoredObject};
use crate::properties::{self, Changes, ObjectKind};
use crate::sandbox::Sandbox;
use crate::state::{State as SandboxState, iso};

const KIND: ObjectKind = ObjectKind::Contact;
const MAX_BATCH: usize = 100;

#[derive(Deserialize)]
pub(crate) struct CreateInput {
    properties: Map<String, Value>,
    #[serde(default)]
    associations: Vec<Value>,
}

#[derive(Deserialize)]
pub(crate) struct UpdateInput {
    properties: Map<String, Value>,
}

#[derive(Deserialize)]
pub(crate) struct UpsertBatch {
    inputs: Vec<UpsertInput>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpsertInput {
    id_property: Option<String>,
    id: String,
    #[serde(default)]
    properties: Map<String, Value>,
}

/// `POST …/contacts` → `201`, or `409` when a contact already has the email.
pub(crate) async fn create_contact(
    State(sandbox): State<Sandbox>,
    HubJson(input): HubJson<CreateInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if !input.associations.is_empty() {
        return Err(ApiError::Validation(
            "The sandbox does not support associations on contact create".to_owned(),
        ));
    }
    let changes = properties::check(KIND, &input.properties, &sandbox.config().extra_contact_properties)?;
    let mut state = sandbox.lock();
    if let Some(Some(email)) = changes.get("email") {
        refuse_taken_email(&state, email, None)?;
    }
    let now = state.now();
    let id = state.objects.allocate_id();
    let created = state.objects.insert(KIND, StoredObject::create(KIND, id, changes, now));
    Ok((StatusCode::CREATED, Json(created.to_json(KIND, Selection::Everything))))
}

/// `POST …/contacts/batch/upsert` with `idProperty: "email"`; the whole batch is checked first.
pub(crate) async fn upsert_contacts(
    State(sandbox): State<Sandbox>,
    HubJson(batch): HubJson<UpsertBatch>,
) -> Result<Json<Value>, ApiError> {
    let extra = &sandbox.config().extra_contact_properties;
    let checked = check_batch(&batch.inputs, extra)?;
    let mut state = sandbox.lock();
    let started = state.now();
    let lag = sandbox.config().search_lag;
    let mut results = Vec::with_capacity(checked.len());
    for (email, changes) in checked {
        let now = state.now();
        let (mut result, new) = match state.objects.contact_by_email(&email) {
            Some(index) => {
                let contact = state.objects.get_mut(KIND, index).ok_or(ApiError::Internal)?;
                contact.update(KIND, changes, now, lag);
                (contact.to_json(KIND, Selection::Everything), false)
            }
            None => {
                let id = state.objects.allocate_id();
                let created = state.objects.insert(KIND, StoredObject::create(KIND, id, changes, now));
                (created.to_json(KIND, Selection::Everything), true)
            }
        };
        result["new"] = json!(new);
        results.push(result);
    }
    // HubSpot does not promise input order; reversing it makes clients that pair by position fail.
    results.reverse();
    let completed = state.now();
    Ok(Json(json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso(started),
        "completedAt": iso(completed),
    })))
}

/// Validates every input; returns `(email, changes)` pairs with the email also written.
fn check_batch(inputs: &[UpsertInput], extra: &[String]) -> Result<Vec<(String, Changes)>, ApiError> {
    if inputs.is_empty() || inputs.len() > MAX_BATCH {
        return Err(ApiError::Validation(format!(
            "inputs must contain between 1 and {MAX_BATCH} items; got {}",
            inputs.len()
        )));
    }
    let mut seen = HashSet::new();
    let mut checked = Vec::with_capacity(inputs.len());
    for input in inputs {
        if input.id_property.as_deref() != Some("email") {
            return Err(ApiError::Validation(
                "The sandbox supports batch upsert only with idProperty \"email\"".to_owned(),
            ));
        }
        let Some(email) = properties::normalise_email(&input.id) else {
            return Err(ApiError::Validation(format!("Email address {} is invalid", input.id)));
        };
        if !seen.insert(email.clone()) {
            return Err(ApiError::Validation(format!(
                "Duplicate IDs found in batch input: [{email}]"
            )));
        }
        let mut changes = properties::check(KIND, &input.properties, extra)?;
        match changes.get("email") {
            Some(Some(written)) if *written != email => {
                return Err(ApiError::Validation(format!(
                    "Property \"email\" ({written}) does not match the input id ({email})"
                )));
            }
            Some(None) => return Err(ApiError::Validation("Property \"email\" cannot be cleared".to_owned())),
            _ => {}
        }
        changes.insert("email".to_owned(), Some(email.clone()));
        checked.push((email, changes));
    }
    Ok(checked)
}

/// `GET …/contacts/{id}` (`?idProperty=email`, `?properties=a,b`).
pub(crate) async fn get_contact(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = ReadQuery::parse(query.as_deref());
    let state = sandbox.lock();
    let index = find(&state, &id, query.id_property.as_deref())?;
    let contact = state.objects.get(KIND, index).ok_or(ApiError::NotFound)?;
    Ok(Json(contact.to_json(KIND, Selection::Requested(&query.properties))))
}

/// `PATCH …/contacts/{id}` (`?idProperty=email`) → `200` with the updated contact.
pub(crate) async fn update_contact(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    HubJson(input): HubJson<UpdateInput>,
) -> Result<Json<Value>, ApiError> {
    let query = ReadQuery::parse(query.as_deref());
    let changes = properties::check(KIND, &input.properties, &sandbox.config().extra_contact_properties)?;
    let mut state = sandbox.lock();
    let index = find(&state, &id, query.id_property.as_deref())?;
    if let Some(Some(email)) = changes.get("email") {
        refuse_taken_email(&state, email, Some(index))?;
    }
    let now = state.now();
    let lag = sandbox.config().search_lag;
    let contact = state.objects.get_mut(KIND, index).ok_or(ApiError::NotFound)?;
    contact.update(KIND, changes, now, lag);
    Ok(Json(contact.to_json(KIND, Selection::Everything)))
}

fn find(state: &SandboxState, id: &str, id_property: Option<&str>) -> Result<usize, ApiError> {
    let found = match id_property {
        None | Some("hs_object_id") => state.objects.position(KIND, id),
        Some("email") => state.objects.contact_by_email(&id.trim().to_lowercase()),
        Some(other) => {
            return Err(ApiError::Validation(format!(
                "The sandbox cannot look contacts up by idProperty {other:?}"
            )));
        }
    };
    found.ok_or(ApiError::NotFound)
}

fn refuse_taken_email(state: &SandboxState, email: &str, except: Option<usize>) -> Result<(), ApiError> {
    match state.objects.contact_by_email(email) {
        Some(index) if Some(index) != except => {
            let id = state
                .objects
                .get(KIND, index)
                .map(|contact| contact.id.clone())
                .unwrap_or_default();
            Err(ApiError::Conflict(format!("Contact already exists. Existing ID: {id}")))
        }
        _ => Ok(()),
    }
}

/// The query parameters of single-object reads and updates.
pub(crate) struct ReadQuery {
    pub(crate) id_property: Option<String>,
    pub(crate) properties: Vec<String>,
    pub(crate) associations: Vec<String>,
}

impl ReadQuery {
    /// Reads `idProperty`, and `properties` / `associations` both repeated and comma-separated.
    pub(crate) fn parse(query: Option<&str>) -> Self {
        let mut read = Self {
            id_property: None,
            properties: Vec::new(),
            associations: Vec::new(),
        };
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let list = value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned);
            match key.as_ref() {
                "idProperty" => read.id_property = Some(value.into_owned()),
                "properties" => read.properties.extend(list),
                "associations" => read.associations.extend(list),
                _ => {}
            }
        }
        read
    }
}
