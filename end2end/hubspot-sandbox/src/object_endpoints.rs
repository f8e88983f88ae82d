//! Create, read, update and archive for every object type under `/crm/objects/2026-03/{objectType}`,
//! with each type's own rules: contacts' unique email and `?idProperty=email`, companies' domain or
//! name, meetings' `hs_timestamp`. Search lives in `search`, contact upsert in `contacts`, batch
//! read and archive in `batch_read` and `batch_archive`, merge in `merge`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::association_endpoints::{self, AssociationInput};
use crate::associations::Definition;
use crate::contacts;
use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_kind::ObjectKind;
use crate::objects::{Selection, Standing};
use crate::properties::{self, Changes};
use crate::property_history::Source;
use crate::sandbox::Sandbox;
use crate::state::State as SandboxState;
use crate::writes;

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

/// `POST …/{objectType}` → `201`. Companies are not deduplicated by domain: HubSpot does not on
/// create through the API, so a client that creates twice makes two.
pub(crate) async fn create_object(
    State(sandbox): State<Sandbox>,
    Path(object_type): Path<String>,
    HubJson(input): HubJson<CreateInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    let changes = properties::check(sandbox.registry(), kind, &input.properties)?;
    check_required(kind, &changes, Write::Create)?;
    let mut state = sandbox.lock();
    if kind == ObjectKind::Contact {
        contacts::refuse_taken_email(&state, &changes, None)?;
    }
    let links = association_endpoints::check_on_create(&state, kind, &input.associations)?;
    let index = writes::create(&mut state, kind, changes, Source::Integration);
    let created = state.objects.get(kind, index).ok_or(ApiError::Internal)?;
    let (id, body) = (created.id.clone(), created.to_json(kind, Selection::Everything));
    for (definition, target) in links {
        state.associations.associate(definition, &id, &target);
    }
    Ok((StatusCode::CREATED, Json(body)))
}

/// `GET …/{objectType}/{id}` (`?properties=a,b`, `?associations=contacts`, contacts also
/// `?idProperty=email`).
pub(crate) async fn read_object(
    State(sandbox): State<Sandbox>,
    Path((object_type, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    let query = ReadQuery::parse(query.as_deref());
    let state = sandbox.lock();
    let index = find(&state, kind, &id, query.id_property.as_deref())?;
    let object = state.objects.get(kind, index).ok_or(ApiError::NotFound)?;
    let mut value = object.to_json(kind, Selection::Requested(&query.properties));
    let associations = associations_json(&state, kind, &object.id, &query.associations);
    if !associations.is_empty() {
        value["associations"] = Value::Object(associations);
    }
    Ok(Json(value))
}

/// `PATCH …/{objectType}/{id}` (contacts also `?idProperty=email`) → `200` with the updated object.
pub(crate) async fn update_object(
    State(sandbox): State<Sandbox>,
    Path((object_type, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    HubJson(input): HubJson<UpdateInput>,
) -> Result<Json<Value>, ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    let query = ReadQuery::parse(query.as_deref());
    let changes = properties::check(sandbox.registry(), kind, &input.properties)?;
    check_required(kind, &changes, Write::Update)?;
    let mut state = sandbox.lock();
    let index = find(&state, kind, &id, query.id_property.as_deref())?;
    if kind == ObjectKind::Contact {
        contacts::refuse_taken_email(&state, &changes, Some(index))?;
    }
    writes::update(
        &mut state,
        kind,
        index,
        changes,
        Source::Integration,
        sandbox.config().search_lag,
    )?;
    let object = state.objects.get(kind, index).ok_or(ApiError::Internal)?;
    Ok(Json(object.to_json(kind, Selection::Everything)))
}

/// `DELETE …/{objectType}/{id}` → `204`: archives the object (restorable, see the control
/// endpoints). An unknown id is a `404`; an archived one answers `204` again.
pub(crate) async fn archive_object(
    State(sandbox): State<Sandbox>,
    Path((object_type, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    let mut state = sandbox.lock();
    let index = match find(&state, kind, &id, None) {
        Ok(index) => index,
        // Archiving again answers as the first time did.
        Err(ApiError::NotFound) if is_archived(&state, kind, &id) => return Ok(StatusCode::NO_CONTENT),
        Err(error) => return Err(error),
    };
    writes::archive(
        &mut state,
        kind,
        index,
        Source::Integration,
        sandbox.config().search_lag,
    )?;
    Ok(StatusCode::NO_CONTENT)
}

fn is_archived(state: &SandboxState, kind: ObjectKind, id: &str) -> bool {
    let position = state.objects.position(kind, id);
    position
        .and_then(|index| state.objects.get(kind, index))
        .is_some_and(|object| object.standing == Standing::Archived)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Create,
    Update,
}

/// The properties a type cannot be without: a meeting's `hs_timestamp`, a new company's domain or name.
fn check_required(kind: ObjectKind, changes: &Changes, write: Write) -> Result<(), ApiError> {
    let is_set = |name: &str| matches!(changes.get(name), Some(Some(_)));
    match (kind, write) {
        (ObjectKind::Meeting, Write::Create) if !is_set("hs_timestamp") => {
            Err(vec![properties::required("hs_timestamp")].into())
        }
        (ObjectKind::Meeting, Write::Update) if matches!(changes.get("hs_timestamp"), Some(None)) => {
            Err(vec![properties::required("hs_timestamp")].into())
        }
        (ObjectKind::Company, Write::Create) if !is_set("domain") && !is_set("name") => Err(ApiError::Validation(
            "A company needs a \"domain\" (recommended) or a \"name\"".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// The live object a path names (an id merged away names the record it became); only contacts can
/// be named by another property (their email).
pub(crate) fn find(
    state: &SandboxState,
    kind: ObjectKind,
    id: &str,
    id_property: Option<&str>,
) -> Result<usize, ApiError> {
    match (kind, id_property) {
        (ObjectKind::Contact, _) => contacts::find(state, id, id_property),
        (_, None | Some("hs_object_id")) => state.objects.resolve(kind, id).ok_or(ApiError::NotFound),
        (_, Some(other)) => Err(ApiError::Validation(format!(
            "The sandbox cannot look {} up by idProperty {other:?}",
            kind.plural()
        ))),
    }
}

/// `{"contacts": {"results": [{"id", "type"}]}}` for each requested type with associations; like
/// HubSpot, a type without any is left out.
fn associations_json(state: &SandboxState, kind: ObjectKind, id: &str, requested: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    for other in requested.iter().filter_map(|name| ObjectKind::parse(name)) {
        let results: Vec<Value> = state
            .associations
            .linked(kind, id, other)
            .into_iter()
            // Archived objects keep their links for a restore, but reads leave them out.
            .filter(|(other_id, _)| state.objects.find(other, other_id).is_some())
            .flat_map(|(other_id, type_ids)| {
                type_ids
                    .into_iter()
                    .filter_map(|type_id| Definition::find(kind, type_id))
                    .map(move |definition| json!({"id": other_id, "type": definition.name}))
            })
            .collect();
        if !results.is_empty() {
            out.insert(other.plural().to_owned(), json!({"results": results}));
        }
    }
    out
}

/// The query parameters of single-object reads and updates.
struct ReadQuery {
    id_property: Option<String>,
    properties: Vec<String>,
    associations: Vec<String>,
}

impl ReadQuery {
    /// Reads `idProperty`, and `properties` / `associations` both repeated and comma-separated.
    fn parse(query: Option<&str>) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(pairs: &[(&str, Option<&str>)]) -> Changes {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn a_new_company_needs_a_domain_or_a_name() {
        let create = |pairs| check_required(ObjectKind::Company, &changes(pairs), Write::Create).is_ok();
        assert!(!create(&[("city", Some("Paris"))]));
        assert!(create(&[("domain", Some("acme.example"))]));
        assert!(create(&[("name", Some("Acme"))]));
        assert!(check_required(ObjectKind::Company, &changes(&[]), Write::Update).is_ok());
    }

    #[test]
    fn a_meeting_keeps_its_timestamp() {
        let meeting = |pairs, write| check_required(ObjectKind::Meeting, &changes(pairs), write).is_ok();
        assert!(!meeting(&[("hs_meeting_title", Some("Intro"))], Write::Create));
        assert!(meeting(
            &[("hs_timestamp", Some("2026-12-01T10:00:00.000Z"))],
            Write::Create
        ));
        assert!(meeting(&[("hs_meeting_title", Some("Intro"))], Write::Update));
        assert!(!meeting(&[("hs_timestamp", None)], Write::Update));
    }

    #[test]
    fn read_queries_take_lists_both_ways() {
        let query = ReadQuery::parse(Some(
            "properties=a,b&properties=c&associations=companies&idProperty=email",
        ));
        assert_eq!(query.properties, ["a", "b", "c"]);
        assert_eq!(query.associations, ["companies"]);
        assert_eq!(query.id_property.as_deref(), Some("email"));
    }
}
