//! An event type's HubSpot settings: which property each piece of booking
//! information fills, and whether bookings make companies.
use crate::domain::EventTypeId;
use crate::dto::HubspotMappingDto;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// `refresh` lists HubSpot's properties afresh instead of from the ten-minute cache.
#[server]
pub async fn hubspot_mapping(event_type_id: EventTypeId, refresh: bool) -> Result<HubspotMappingDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot::mapping_settings};
    let state = state()?;
    let user = require_user(&state.db).await?;
    mapping_settings::show(&state, &user, &event_type_id, refresh).await
}

/// Lists HubSpot's properties afresh, for the Refresh button.
#[server]
pub async fn refresh_hubspot_properties(event_type_id: EventTypeId) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot::mapping_settings};
    let state = state()?;
    let user = require_user(&state.db).await?;
    mapping_settings::show(&state, &user, &event_type_id, true)
        .await
        .map(drop)
}

#[server]
pub async fn add_hubspot_mapping(
    event_type_id: EventTypeId,
    object: String,
    property: String,
    source: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot::mapping_settings};
    let state = state()?;
    let user = require_user(&state.db).await?;
    mapping_settings::add_row(&state, &user, &event_type_id, &object, &property, &source).await
}

#[server]
pub async fn remove_hubspot_mapping(event_type_id: EventTypeId, object: String, position: u32) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot::mapping_settings};
    let state = state()?;
    let user = require_user(&state.db).await?;
    mapping_settings::remove_row(&state, &user, &event_type_id, &object, position).await
}

/// `choices`: by the place of each option of the row's choice question, the property option it fills.
#[server]
pub async fn save_hubspot_choices(
    event_type_id: EventTypeId,
    object: String,
    position: u32,
    #[server(default)] choices: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot::mapping_settings};
    let state = state()?;
    let user = require_user(&state.db).await?;
    mapping_settings::save_choices(&state, &user, &event_type_id, &object, position, choices).await
}

#[server]
pub async fn set_hubspot_companies(event_type_id: EventTypeId, on: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::hubspot::mapping_settings};
    let state = state()?;
    let user = require_user(&state.db).await?;
    mapping_settings::set_create_companies(&state, &user, &event_type_id, on).await
}
