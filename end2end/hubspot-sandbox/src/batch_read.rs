//! `POST /crm/objects/2026-03/{objectType}/batch/read`: up to 100 objects by id (contacts also by
//! email with `idProperty`), up to 50 when property histories are asked for; ids not found are
//! listed in one `OBJECT_NOT_FOUND` error of a `207`.

use std::collections::HashSet;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::batch;
use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_endpoints;
use crate::object_kind::ObjectKind;
use crate::objects::Selection;
use crate::sandbox::Sandbox;

/// HubSpot's limit on inputs when `propertiesWithHistory` is not empty.
const MAX_INPUTS_WITH_HISTORY: usize = 50;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReadBatch {
    inputs: Vec<ObjectId>,
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    properties_with_history: Vec<String>,
    id_property: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ObjectId {
    pub(crate) id: String,
}

/// `200` when every id was found, else `207` with the found ones in `results`. An id merged away
/// answers the record it became (once, however many of its ids are asked for); results come in no
/// particular order (the sandbox reverses the input's), so pair them by id.
pub(crate) async fn read_batch(
    State(sandbox): State<Sandbox>,
    Path(object_type): Path<String>,
    HubJson(input): HubJson<ReadBatch>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    batch::check_size(input.inputs.len())?;
    if !input.properties_with_history.is_empty() && input.inputs.len() > MAX_INPUTS_WITH_HISTORY {
        return Err(ApiError::Validation(format!(
            "inputs must contain at most {MAX_INPUTS_WITH_HISTORY} items when propertiesWithHistory is \
             requested; got {}",
            input.inputs.len()
        )));
    }
    let state = sandbox.lock();
    let started = state.now();
    let mut results = Vec::new();
    let mut found = HashSet::new();
    let mut missing = Vec::new();
    for wanted in &input.inputs {
        let index = match object_endpoints::find(&state, kind, &wanted.id, input.id_property.as_deref()) {
            Ok(index) => index,
            Err(ApiError::NotFound) => {
                missing.push(wanted.id.clone());
                continue;
            }
            Err(error) => return Err(error),
        };
        if !found.insert(index) {
            continue;
        }
        let object = state.objects.get(kind, index).ok_or(ApiError::Internal)?;
        let mut result = object.to_json(kind, Selection::Requested(&input.properties));
        if !input.properties_with_history.is_empty() {
            result["propertiesWithHistory"] = object.history.to_json(&input.properties_with_history);
        }
        results.push(result);
    }
    results.reverse();
    let errors = if missing.is_empty() {
        Vec::new()
    } else {
        vec![not_found(kind, &missing)]
    };
    Ok(batch::answer(StatusCode::OK, results, errors, started, state.now()))
}

/// HubSpot's error for the ids of a batch read it could not find.
fn not_found(kind: ObjectKind, ids: &[String]) -> Value {
    json!({
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": format!(
            "Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.",
            kind.singular().to_uppercase()
        ),
        "context": {"ids": ids},
        "errors": [],
        "links": {},
    })
}
