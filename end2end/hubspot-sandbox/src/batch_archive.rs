//! `POST /crm/objects/2026-03/{objectType}/batch/archive` → `204`: archives up to 100 objects.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::batch;
use crate::batch_read::ObjectId;
use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_endpoints;
use crate::object_kind::ObjectKind;
use crate::property_history::Source;
use crate::sandbox::Sandbox;
use crate::writes;

#[derive(Deserialize)]
pub(crate) struct ArchiveBatch {
    inputs: Vec<ObjectId>,
}

/// Ids that name nothing live are skipped: HubSpot answers `204` whatever they name.
pub(crate) async fn archive_batch(
    State(sandbox): State<Sandbox>,
    Path(object_type): Path<String>,
    HubJson(input): HubJson<ArchiveBatch>,
) -> Result<StatusCode, ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    batch::check_size(input.inputs.len())?;
    let lag = sandbox.config().search_lag;
    let mut state = sandbox.lock();
    for wanted in &input.inputs {
        if let Ok(index) = object_endpoints::find(&state, kind, &wanted.id, None) {
            writes::archive(&mut state, kind, index, Source::Integration, lag)?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
