//! Changing a password, and resetting a forgotten one by e-mail.
use crate::error::AppError;
use leptos::prelude::*;

/// Sets a new password for the logged-in host and logs out their other sessions.
#[server]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context::state, services::passwords};
    let state = state()?;
    let user = auth::require_user(&state.db).await?;
    let keep = auth::current_session_hash(&state.config).await;
    passwords::change(&state.db, &user, current_password, new_password, keep.as_deref()).await?;
    Ok(())
}

/// E-mails a reset link to the account with `email`, if one exists; the
/// answer is the same either way.
#[server]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::ssr::{context::client_ip, context::state, jobs_ready, services::passwords};
    let state = state()?;
    passwords::request_reset(&state.db, &state.secrets, &state.access, client_ip(), &email).await?;
    jobs_ready(&state);
    Ok(())
}

/// Whether a reset link can still be used.
#[server]
pub async fn reset_link_works(token: String) -> Result<bool, AppError> {
    use crate::ssr::{context::state, services::passwords};
    let state = state()?;
    passwords::reset_link_works(&state.db, &token).await
}

/// Sets a new password through a reset link and logs the host in afresh.
#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context::state, services::passwords};
    let state = state()?;
    let user = passwords::reset(&state.db, &token, password).await?;
    auth::start_session(&state.db, &state.config, &user.id).await?;
    leptos_axum::redirect("/dashboard");
    Ok(())
}
