use crate::dto::{HubspotCardDto, ReconcileProgress, SyncLogLine};
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[server]
pub async fn hubspot_card() -> Result<HubspotCardDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot};
    let state = state()?;
    let user = require_user(&state.db).await?;
    let source = state.hubspot_properties.as_deref();
    hubspot::card(&state.db, &user, state.config.hubspot_configured, source).await
}

/// Two-way contact sync's settings: `direction` is `to_hubspot` or
/// `both_ways`, `stages` has a key per lifecycle stage ticked,
/// `nightly_time` is `HH:MM`.
#[server]
pub async fn set_contact_sync(
    direction: String,
    #[server(default)] stages: BTreeMap<String, String>,
    nightly_time: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::hubspot::two_way};
    let state = state()?;
    let user = require_user(&state.db).await?;
    two_way::save(&state.db, &user, &direction, &stages, &nightly_time).await?;
    jobs_ready(&state);
    Ok(())
}

#[server]
pub async fn reconcile_contacts_now() -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::hubspot::two_way};
    let state = state()?;
    let user = require_user(&state.db).await?;
    two_way::reconcile_now(&state.db, &user).await?;
    jobs_ready(&state);
    Ok(())
}

/// The team's latest reconcile, polled by the progress bar.
#[server]
pub async fn fetch_reconcile_progress() -> Result<Option<ReconcileProgress>, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot::two_way};
    let state = state()?;
    let user = require_user(&state.db).await?;
    two_way::progress(&state.db, &user).await
}

#[server]
pub async fn disconnect_hubspot() -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::hubspot};
    let state = state()?;
    let user = require_user(&state.db).await?;
    hubspot::disconnect(&state.db, &user).await?;
    jobs_ready(&state);
    Ok(())
}

/// `update` is `true` to update contacts that already exist in HubSpot.
#[server]
pub async fn set_hubspot_contact_policy(update: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot};
    let state = state()?;
    let user = require_user(&state.db).await?;
    hubspot::set_update_existing(&state.db, &user, update).await
}

/// The team's HubSpot sync log, newest first.
#[server]
pub async fn hubspot_sync_log(failures_only: bool) -> Result<Vec<SyncLogLine>, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot};
    let state = state()?;
    let user = require_user(&state.db).await?;
    hubspot::sync_log(&state.db, &user, failures_only).await
}
