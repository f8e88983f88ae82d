//! Association endpoints: `PUT /crm/objects/2026-03/{from}/{id}/associations/default/{to}/{toId}`,
//! `POST /crm/associations/2026-03/{from}/{to}/batch/create`, and the `associations` of a create
//! body. Only HUBSPOT_DEFINED types are accepted (see `associations` for which).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::associations::Definition;
use crate::batch;
use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_kind::ObjectKind;
use crate::sandbox::Sandbox;
use crate::state::State as SandboxState;

/// One entry of a create body's `associations`.
#[derive(Deserialize)]
pub(crate) struct AssociationInput {
    to: ObjectId,
    types: Vec<AssociationSpec>,
}

#[derive(Deserialize)]
struct ObjectId {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssociationSpec {
    association_category: String,
    association_type_id: u32,
}

#[derive(Deserialize)]
pub(crate) struct BatchCreate {
    inputs: Vec<BatchInput>,
}

#[derive(Deserialize)]
struct BatchInput {
    from: ObjectId,
    to: ObjectId,
    types: Vec<AssociationSpec>,
}

/// Checks a create body's associations: known types from `kind`, existing targets. Returns the
/// links to make once the object exists.
pub(crate) fn check_on_create(
    state: &SandboxState,
    kind: ObjectKind,
    inputs: &[AssociationInput],
) -> Result<Vec<(&'static Definition, String)>, ApiError> {
    let mut links = Vec::new();
    for input in inputs {
        for definition in definitions(kind, None, &input.types)? {
            let target = &input.to.id;
            if state.objects.find(definition.to, target).is_none() {
                return Err(ApiError::Validation(format!(
                    "One or more associations are invalid: {} {target} does not exist",
                    definition.to.singular()
                )));
            }
            links.push((definition, target.clone()));
        }
    }
    Ok(links)
}

/// `PUT …/{from}/{fromId}/associations/default/{to}/{toId}` → `200` with both directions' types.
pub(crate) async fn associate_default(
    State(sandbox): State<Sandbox>,
    Path((from_type, from_id, to_type, to_id)): Path<(String, String, String, String)>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let from = ObjectKind::from_path(&from_type)?;
    let to = ObjectKind::from_path(&to_type)?;
    let definition = Definition::default_between(from, to).ok_or_else(|| {
        ApiError::Validation(format!(
            "The sandbox has no default association from {} to {}",
            from.plural(),
            to.plural()
        ))
    })?;
    let mut state = sandbox.lock();
    if state.objects.find(from, &from_id).is_none() || state.objects.find(to, &to_id).is_none() {
        return Err(ApiError::NotFound);
    }
    let started = state.now();
    state.associations.associate(definition, &from_id, &to_id);
    let results = vec![
        spec_json(&from_id, &to_id, definition),
        spec_json(&to_id, &from_id, definition.reverse()),
    ];
    Ok(batch::answer(StatusCode::OK, results, Vec::new(), started, state.now()))
}

fn spec_json(from_id: &str, to_id: &str, definition: &Definition) -> Value {
    json!({
        "from": {"id": from_id},
        "to": {"id": to_id},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": definition.type_id},
    })
}

/// `POST /crm/associations/2026-03/{from}/{to}/batch/create` → `201`; inputs naming unknown objects
/// make it a `207` (the others are still linked), or a `400` when no input is good.
pub(crate) async fn create_batch(
    State(sandbox): State<Sandbox>,
    Path((from_type, to_type)): Path<(String, String)>,
    HubJson(batch): HubJson<BatchCreate>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let from = ObjectKind::from_path(&from_type)?;
    let to = ObjectKind::from_path(&to_type)?;
    batch::check_size(batch.inputs.len())?;
    let typed = batch
        .inputs
        .iter()
        .map(|input| Ok((input, definitions(from, Some(to), &input.types)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;

    let mut state = sandbox.lock();
    let started = state.now();
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for (input, definitions) in typed {
        let ends = [(from, input.from.id.as_str()), (to, input.to.id.as_str())];
        let missing: Vec<(ObjectKind, &str)> = ends
            .into_iter()
            .filter(|(kind, id)| state.objects.find(*kind, id).is_none())
            .collect();
        if !missing.is_empty() {
            failures.push(invalid_objects(&missing));
            continue;
        }
        for definition in definitions {
            state.associations.associate(definition, &input.from.id, &input.to.id);
        }
        results.push(pair_json(&state, from, &input.from.id, to, &input.to.id));
    }
    if results.is_empty() && !failures.is_empty() {
        return Err(failures.swap_remove(0).0);
    }
    let errors = failures
        .iter()
        .map(|(error, context)| batch::error(error, context.clone()))
        .collect();
    Ok(batch::answer(
        StatusCode::CREATED,
        results,
        errors,
        started,
        state.now(),
    ))
}

/// The error for an input naming objects that do not exist, with HubSpot's context keys.
fn invalid_objects(missing: &[(ObjectKind, &str)]) -> (ApiError, Value) {
    let kinds: Vec<String> = missing.iter().map(|(kind, _)| kind.singular().to_uppercase()).collect();
    let ids: Vec<&str> = missing.iter().map(|(_, id)| *id).collect();
    let details: Vec<String> = kinds
        .iter()
        .zip(&ids)
        .map(|(kind, id)| format!("{kind}={id} is not valid"))
        .collect();
    let error = ApiError::Validation(format!("One or more associations are invalid: {}", details.join(", ")));
    let context = json!({"INVALID_OBJECT_IDS": details, "objectId": ids, "objectType": kinds});
    (error, context)
}

/// A batch result as HubSpot's `LabelsBetweenObjectPair`: numeric ids and the pair's labels.
fn pair_json(state: &SandboxState, from: ObjectKind, from_id: &str, to: ObjectKind, to_id: &str) -> Value {
    let type_ids = state
        .associations
        .linked(from, from_id, to)
        .into_iter()
        .find(|(id, _)| *id == to_id)
        .map(|(_, type_ids)| type_ids)
        .unwrap_or_default();
    let labels: Vec<&str> = type_ids
        .into_iter()
        .filter(|&type_id| Definition::is_primary(from, type_id))
        .map(|_| "Primary")
        .collect();
    let numeric = |id: &str| id.parse::<u64>().map_or_else(|_| json!(id), |id| json!(id));
    json!({
        "fromObjectTypeId": from.type_id(),
        "fromObjectId": numeric(from_id),
        "toObjectTypeId": to.type_id(),
        "toObjectId": numeric(to_id),
        "labels": labels,
    })
}

/// The known types `specs` name from `from` (and to `to`, when the path fixes it).
fn definitions(
    from: ObjectKind,
    to: Option<ObjectKind>,
    specs: &[AssociationSpec],
) -> Result<Vec<&'static Definition>, ApiError> {
    if specs.is_empty() {
        return Err(ApiError::Validation("Association types must not be empty".to_owned()));
    }
    specs
        .iter()
        .map(|spec| {
            let known = Definition::find(from, spec.association_type_id)
                .filter(|definition| to.is_none_or(|to| definition.to == to))
                .filter(|_| spec.association_category == "HUBSPOT_DEFINED");
            known.ok_or_else(|| {
                ApiError::Validation(format!(
                    "Association type {} {} is not supported by the sandbox from {}{}",
                    spec.association_category,
                    spec.association_type_id,
                    from.plural(),
                    to.map(|to| format!(" to {}", to.plural())).unwrap_or_default(),
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(category: &str, type_id: u32) -> AssociationSpec {
        AssociationSpec {
            association_category: category.to_owned(),
            association_type_id: type_id,
        }
    }

    #[test]
    fn only_known_hubspot_defined_types_between_the_path_types_are_accepted() {
        let ids = |from, to, specs: &[AssociationSpec]| {
            definitions(from, to, specs).map(|found| found.iter().map(|d| d.type_id).collect::<Vec<_>>())
        };
        let contact = ObjectKind::Contact;
        let company = Some(ObjectKind::Company);
        let both = [spec("HUBSPOT_DEFINED", 1), spec("HUBSPOT_DEFINED", 279)];
        assert_eq!(ids(contact, company, &both).ok(), Some(vec![1, 279]));
        assert!(ids(contact, company, &[spec("USER_DEFINED", 279)]).is_err());
        assert!(
            ids(contact, company, &[spec("HUBSPOT_DEFINED", 280)]).is_err(),
            "280 is company → contact"
        );
        assert!(ids(contact, Some(ObjectKind::Meeting), &[spec("HUBSPOT_DEFINED", 279)]).is_err());
        assert!(ids(contact, company, &[]).is_err());
        assert_eq!(
            ids(ObjectKind::Meeting, None, &[spec("HUBSPOT_DEFINED", 200)]).ok(),
            Some(vec![200])
        );
    }

    #[test]
    fn unknown_objects_are_named_with_hubspots_context() {
        let (error, context) = invalid_objects(&[(ObjectKind::Contact, "999")]);
        assert_eq!(
            error.to_string(),
            "One or more associations are invalid: CONTACT=999 is not valid"
        );
        assert_eq!(
            context,
            json!({"INVALID_OBJECT_IDS": ["CONTACT=999 is not valid"], "objectId": ["999"], "objectType": ["CONTACT"]})
        );
    }
}
