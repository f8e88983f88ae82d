//! `GET /crm/properties/2026-03/{objectType}` (every property, read-only ones included, no paging)
//! and `GET /crm/properties/2026-03/{objectType}/{propertyName}`.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::object_kind::ObjectKind;
use crate::sandbox::Sandbox;

pub(crate) async fn list_properties(
    State(sandbox): State<Sandbox>,
    Path(object_type): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    let results: Vec<Value> = sandbox
        .registry()
        .all(kind)
        .iter()
        .map(|def| def.to_json(kind))
        .collect();
    Ok(Json(json!({"results": results})))
}

pub(crate) async fn read_property(
    State(sandbox): State<Sandbox>,
    Path((object_type, name)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    let def = sandbox.registry().find(kind, &name).ok_or(ApiError::NotFound)?;
    Ok(Json(def.to_json(kind)))
}
