use crate::dto::{HubspotCardDto, SyncLogLine};
use crate::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn hubspot_card() -> Result<HubspotCardDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot};
    let state = state()?;
    let user = require_user(&state.db).await?;
    hubspot::card(&state.db, &user, state.config.hubspot_configured).await
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
