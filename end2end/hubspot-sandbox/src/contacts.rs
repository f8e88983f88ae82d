//! What only contacts have: batch upsert by email (`POST …/contacts/batch/upsert`, answering bad
//! inputs by [`BatchErrors`]), lookup by email and the one-contact-per-email rule.

use std::collections::HashSet;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::batch;
use crate::config::BatchErrors;
use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_kind::ObjectKind;
use crate::objects::Selection;
use crate::properties::{self, Changes};
use crate::property_history::Source;
use crate::property_registry::Registry;
use crate::sandbox::Sandbox;
use crate::state::State as SandboxState;
use crate::{value_formats, writes};

const KIND: ObjectKind = ObjectKind::Contact;

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

/// `POST …/contacts/batch/upsert` with `idProperty: "email"`. Problems with the batch as a whole
/// are a `400`; bad inputs are answered by the sandbox's [`BatchErrors`] mode.
pub(crate) async fn upsert_contacts(
    State(sandbox): State<Sandbox>,
    Path(object_type): Path<String>,
    HubJson(batch): HubJson<UpsertBatch>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if ObjectKind::from_path(&object_type)? != KIND {
        return Err(ApiError::Validation(
            "The sandbox supports batch upsert for contacts only".to_owned(),
        ));
    }
    check_batch(&batch.inputs)?;
    let mode = sandbox.lock().batch_errors;
    let mut checked = Vec::with_capacity(batch.inputs.len());
    let mut errors = Vec::new();
    for input in &batch.inputs {
        match check_input(sandbox.registry(), input) {
            Ok(pair) => checked.push(pair),
            Err(error) if mode == BatchErrors::MultiStatus207 => {
                errors.push(batch::error(&error, json!({"ids": [input.id]})));
            }
            Err(error) => return Err(error),
        }
    }

    let mut state = sandbox.lock();
    let started = state.now();
    let lag = sandbox.config().search_lag;
    let mut results = Vec::with_capacity(checked.len());
    for (email, changes) in checked {
        let (index, new) = match state.objects.contact_by_email(&email) {
            Some(index) => {
                writes::update(&mut state, KIND, index, changes, Source::Integration, lag)?;
                (index, false)
            }
            None => (writes::create(&mut state, KIND, changes, Source::Integration), true),
        };
        let contact = state.objects.get(KIND, index).ok_or(ApiError::Internal)?;
        let mut result = contact.to_json(KIND, Selection::Everything);
        result["new"] = json!(new);
        results.push(result);
    }
    // HubSpot does not promise input order; reversing it makes clients that pair by position fail.
    results.reverse();
    Ok(batch::answer(StatusCode::OK, results, errors, started, state.now()))
}

/// What fails the whole batch whatever the mode: its size, the id property, repeated emails.
fn check_batch(inputs: &[UpsertInput]) -> Result<(), ApiError> {
    batch::check_size(inputs.len())?;
    if inputs.iter().any(|input| input.id_property.as_deref() != Some("email")) {
        return Err(ApiError::Validation(
            "The sandbox supports batch upsert only with idProperty \"email\"".to_owned(),
        ));
    }
    let mut seen = HashSet::new();
    for email in inputs
        .iter()
        .filter_map(|input| value_formats::normalise_email(&input.id))
    {
        if !seen.insert(email.clone()) {
            return Err(ApiError::Validation(format!(
                "Duplicate IDs found in batch input: [{email}]"
            )));
        }
    }
    Ok(())
}

/// Checks one input; returns its email and its changes with the email also written.
fn check_input(registry: &Registry, input: &UpsertInput) -> Result<(String, Changes), ApiError> {
    let Some(email) = value_formats::normalise_email(&input.id) else {
        return Err(ApiError::Validation(format!("Email address {} is invalid", input.id)));
    };
    let mut changes = properties::check(registry, KIND, &input.properties)?;
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
    Ok((email, changes))
}

/// The live contact a path names: by id (an id merged away names the record it became), or by
/// email with `?idProperty=email`.
pub(crate) fn find(state: &SandboxState, id: &str, id_property: Option<&str>) -> Result<usize, ApiError> {
    let found = match id_property {
        None | Some("hs_object_id") => state.objects.resolve(KIND, id),
        Some("email") => state.objects.contact_by_email(&id.trim().to_lowercase()),
        Some(other) => {
            return Err(ApiError::Validation(format!(
                "The sandbox cannot look contacts up by idProperty {other:?}"
            )));
        }
    };
    found.ok_or(ApiError::NotFound)
}

/// `409 CONFLICT` when the changes would give another live contact's email to this one (`except`).
pub(crate) fn refuse_taken_email(
    state: &SandboxState,
    changes: &Changes,
    except: Option<usize>,
) -> Result<(), ApiError> {
    let Some(Some(email)) = changes.get("email") else {
        return Ok(());
    };
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
