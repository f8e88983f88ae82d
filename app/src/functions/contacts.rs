//! The contacts pages' server functions: the list with its filters, one
//! contact, adding, editing, archiving, restoring and merging.
use crate::domain::ContactId;
use crate::dto::{ContactDto, ContactForm, ContactList};
use crate::error::AppError;
use leptos::prelude::*;

/// `tag` is a lifecycle stage value (blank: every contact); `archived`
/// shows the archived ones instead; `page` counts from 1.
#[server]
pub async fn list_contacts(
    tag: Option<String>,
    archived: bool,
    #[server(default)] page: Option<u64>,
) -> Result<ContactList, AppError> {
    use crate::ssr::services::contacts::{self, ContactFilter};
    use crate::ssr::{auth::require_user, context::state};
    let state = state()?;
    let host = require_user(&state.db).await?;
    let filter = ContactFilter {
        tag: tag.filter(|t| !t.trim().is_empty()),
        archived,
        page: page.unwrap_or(1),
    };
    contacts::list(&state.db, &host, filter).await
}

#[server]
pub async fn get_contact(id: ContactId) -> Result<ContactDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::contacts};
    let state = state()?;
    let host = require_user(&state.db).await?;
    contacts::page(&state.db, &host, &id).await
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

#[server]
pub async fn update_contact(id: ContactId, form: ContactForm) -> Result<ContactDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::contacts};
    let state = state()?;
    let host = require_user(&state.db).await?;
    let updated = contacts::update(&state.db, &host, &id, form).await?;
    jobs_ready(&state);
    Ok(updated)
}

/// `archive` true hides the contact; false restores it.
#[server]
pub async fn archive_contact(id: ContactId, archive: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::contacts};
    let state = state()?;
    let host = require_user(&state.db).await?;
    if archive {
        contacts::archive(&state.db, &host, &id).await
    } else {
        contacts::restore(&state.db, &host, &id).await
    }
}

/// Folds `other` into `keep`: its bookings and links move to `keep`.
#[server]
pub async fn merge_contacts(keep: ContactId, other: ContactId) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::contacts};
    let state = state()?;
    let host = require_user(&state.db).await?;
    contacts::merge(&state.db, &host, &keep, &other).await
}
