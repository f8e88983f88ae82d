//! The `/_sandbox/contacts…` control endpoints: a HubSpot user creating, editing, archiving,
//! restoring, merging and importing contacts (see `user_actions`). No authentication, like every
//! control endpoint; refusals use HubSpot's error bodies (`400`, `404`, `409`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::errors::ApiError;
use crate::object_kind::ObjectKind;
use crate::objects::Selection;
use crate::sandbox::Sandbox;

const KIND: ObjectKind = ObjectKind::Contact;

/// Control bodies are read as JSON whatever the content type, so `curl -d` works too.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|error| ApiError::Validation(format!("invalid JSON body: {error}")))
}

#[derive(Deserialize)]
struct PropertiesBody {
    #[serde(default)]
    properties: Map<String, Value>,
}

/// `POST /_sandbox/contacts {"properties":{…}}` → `201` with the contact.
pub(crate) async fn create(State(sandbox): State<Sandbox>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: PropertiesBody = parse(&body)?;
    let contact = sandbox.create_as_user(&body.properties)?;
    Ok((StatusCode::CREATED, Json(contact.to_json(KIND, Selection::Everything))))
}

/// `PATCH /_sandbox/contacts/{id} {"properties":{…}}` → `200` with the contact.
pub(crate) async fn update(
    State(sandbox): State<Sandbox>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: PropertiesBody = parse(&body)?;
    let contact = sandbox.update_as_user(&id, &body.properties)?;
    Ok(Json(contact.to_json(KIND, Selection::Everything)))
}

/// `DELETE /_sandbox/contacts/{id}` → `204`.
pub(crate) async fn archive(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    sandbox.archive_as_user(&id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /_sandbox/contacts/{id}/restore` → `200` with the contact.
pub(crate) async fn restore(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let contact = sandbox.restore_as_user(&id)?;
    Ok(Json(contact.to_json(KIND, Selection::Everything)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MergeBody {
    primary_object_id: String,
    object_id_to_merge: String,
}

/// `POST /_sandbox/contacts/merge {"primaryObjectId","objectIdToMerge"}` → `200` with the new record.
pub(crate) async fn merge(State(sandbox): State<Sandbox>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: MergeBody = parse(&body)?;
    let contact = sandbox.merge_as_user(&body.primary_object_id, &body.object_id_to_merge)?;
    Ok(Json(contact.to_json(KIND, Selection::Everything)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeedBody {
    count: usize,
    #[serde(default)]
    properties: Map<String, Value>,
    email_prefix: Option<String>,
}

/// `POST /_sandbox/contacts/seed {"count":10000,"properties":{…}?,"emailPrefix":"seed"?}` → `201
/// {"ids":[first,last]}`.
pub(crate) async fn seed(State(sandbox): State<Sandbox>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: SeedBody = parse(&body)?;
    let prefix = body.email_prefix.as_deref().unwrap_or("seed");
    let ids = sandbox.seed(body.count, prefix, &body.properties)?;
    let ends = [ids.first(), ids.last()];
    Ok((StatusCode::CREATED, Json(json!({"ids": ends}))))
}
