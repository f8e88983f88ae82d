use crate::dto::{ContactDto, ContactForm};
use crate::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn list_contacts() -> Result<Vec<ContactDto>, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::contacts};
    let state = state()?;
    let host = require_user(&state.db).await?;
    contacts::list(&state.db, &host).await
}

#[server]
pub async fn add_contact(form: ContactForm) -> Result<ContactDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::contacts};
    let state = state()?;
    let host = require_user(&state.db).await?;
    let created = contacts::create_manual(&state.db, &host, form).await?;
    jobs_ready(&state);
    Ok(created)
}
