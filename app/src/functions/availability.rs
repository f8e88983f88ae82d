use crate::dto::AvailabilityDto;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server]
pub async fn get_availability() -> Result<AvailabilityDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::availability};
    let state = state()?;
    let host = require_user(&state.db).await?;
    availability::get(&state.db, &host).await
}

#[server(input = Json)]
pub async fn save_availability(availability: AvailabilityDto) -> Result<AvailabilityDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::availability as service};
    let state = state()?;
    let host = require_user(&state.db).await?;
    service::save(&state.db, &host, availability).await
}
