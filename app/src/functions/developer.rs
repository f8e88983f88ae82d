//! API keys, the team page and webhooks.
use crate::domain::{ApiKeyId, WebhookDeliveryId, WebhookId};
use crate::dto::{ApiKeysDto, DeliveryLogDto, NewApiKey, TeamDto, WebhookForm, WebhookSecret, WebhooksDto};
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[server]
pub async fn api_keys_page() -> Result<ApiKeysDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::api_keys};
    let state = state()?;
    let user = require_user(&state.db).await?;
    api_keys::page(&state.db, &user).await
}

/// `expires_in_days` is blank (never), 30, 90 or 365; `scopes` has a key
/// per scope ticked (none sent: every scope). Its endpoint is fixed: the
/// Zapier app's tests make their key through it.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    expires_in_days: String,
    #[server(default)] scopes: BTreeMap<String, String>,
) -> Result<NewApiKey, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::api_keys};
    let state = state()?;
    let user = require_user(&state.db).await?;
    api_keys::create(&state.db, &user, &name, &expires_in_days, &scopes).await
}

#[server]
pub async fn revoke_api_key(id: ApiKeyId) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::api_keys};
    let state = state()?;
    let user = require_user(&state.db).await?;
    api_keys::revoke(&state.db, &user, &id).await
}

#[server]
pub async fn team_page() -> Result<TeamDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::team};
    let state = state()?;
    let user = require_user(&state.db).await?;
    team::page(&state.db, &state.config, &user).await
}

#[server]
pub async fn set_team_plan(plan: String) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::team};
    let state = state()?;
    let user = require_user(&state.db).await?;
    team::set_plan(&state.db, &state.config, &user, &plan).await
}

/// `phone_region`: two letters (ISO 3166), or blank for the time zone's country.
#[server]
pub async fn set_team_phone_region(phone_region: String) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::team};
    let state = state()?;
    let user = require_user(&state.db).await?;
    team::set_phone_region(&state.db, &user, &phone_region).await
}

#[server]
pub async fn webhooks_page() -> Result<WebhooksDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::page(&state.db, &user).await
}

#[server]
pub async fn create_webhook(form: WebhookForm) -> Result<WebhookSecret, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::create_manual(
        &state.db,
        &state.secrets,
        state.config.webhook_allow_private,
        &user,
        form,
    )
    .await
}

#[server]
pub async fn delete_webhook(id: WebhookId) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::delete(&state.db, &user, &id, None).await
}

#[server]
pub async fn set_webhook_active(id: WebhookId, active: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::set_active(&state.db, &user, &id, active).await
}

#[server]
pub async fn roll_webhook_secret(id: WebhookId) -> Result<WebhookSecret, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::roll_secret(&state.db, &state.secrets, &user, &id).await
}

#[server]
pub async fn zapier_webhook_secret(id: WebhookId) -> Result<WebhookSecret, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::zapier_secret(&state.db, &state.secrets, &user, &id).await
}

#[server]
pub async fn send_test_webhook(id: WebhookId) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    state.access.admit_test_event(&id)?;
    webhooks::send_test(&state.db, &user, &id).await?;
    jobs_ready(&state);
    Ok(())
}

#[server]
pub async fn webhook_log(id: WebhookId) -> Result<DeliveryLogDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::log(&state.db, &user, &id).await
}

#[server]
pub async fn redeliver_webhook(delivery_id: WebhookDeliveryId) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::webhooks};
    let state = state()?;
    let user = require_user(&state.db).await?;
    webhooks::redeliver(&state.db, &user, &delivery_id).await?;
    jobs_ready(&state);
    Ok(())
}
