use crate::domain::EventTypeId;
use crate::dto::{EventTypeDto, EventTypeForm};
use crate::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn list_event_types() -> Result<Vec<EventTypeDto>, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::event_types};
    let state = state()?;
    let host = require_user(&state.db).await?;
    event_types::list(&state.db, &host).await
}

#[server]
pub async fn get_event_type(id: EventTypeId) -> Result<EventTypeDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::event_types};
    let state = state()?;
    let host = require_user(&state.db).await?;
    Ok(event_types::to_dto(
        &event_types::find_own(&state.db, &host, &id).await?,
    ))
}

/// Creates an event type, or updates it when `id` is given.
#[server]
pub async fn save_event_type(id: Option<EventTypeId>, form: EventTypeForm) -> Result<EventTypeDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::event_types};
    let state = state()?;
    let host = require_user(&state.db).await?;
    match id.filter(|id| !id.as_str().is_empty()) {
        Some(id) => event_types::update(&state.db, &host, &id, form).await,
        None => event_types::create(&state.db, &host, form).await,
    }
}

#[server]
pub async fn set_event_type_active(id: EventTypeId, active: bool) -> Result<EventTypeDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::event_types};
    let state = state()?;
    let host = require_user(&state.db).await?;
    event_types::set_active(&state.db, &host, &id, active).await
}
