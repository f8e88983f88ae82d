use crate::dto::{CurrentUser, SignupForm};
use crate::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::ssr::{auth, context::state, services::accounts};
    let state = state()?;
    match auth::current_user(&state.db).await? {
        Some(user) => Ok(Some(accounts::current_user_dto(&state.db, &user).await?)),
        None => Ok(None),
    }
}

#[server]
pub async fn sign_up(form: SignupForm) -> Result<(), AppError> {
    use crate::ssr::{auth, context::client_ip, context::state, services::accounts};
    let state = state()?;
    state.access.admit_sign_up(client_ip())?;
    let user = accounts::sign_up(&state.db, form).await?;
    auth::start_session(&state.db, &state.config, &user.id).await?;
    leptos_axum::redirect("/dashboard");
    Ok(())
}

/// Its endpoint is fixed: the Zapier app's tests log in through it.
#[server(endpoint = "log_in")]
pub async fn log_in(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context::client_ip, context::state, services::accounts};
    let state = state()?;
    let user = accounts::log_in(&state.db, &state.access, client_ip(), &email, password).await?;
    auth::start_session(&state.db, &state.config, &user.id).await?;
    leptos_axum::redirect("/dashboard");
    Ok(())
}

/// Ends every session of the logged-in host, on every device.
#[server]
pub async fn log_out_everywhere() -> Result<(), AppError> {
    use crate::ssr::{auth, context::state};
    let state = state()?;
    let user = auth::require_user(&state.db).await?;
    let ended = auth::end_other_sessions(&state.db, &user.id, None).await?;
    auth::end_session(&state.db, &state.config).await?;
    tracing::info!(user.id = %user.id, sessions = ended, "logged out everywhere");
    leptos_axum::redirect("/login");
    Ok(())
}

#[server]
pub async fn log_out() -> Result<(), AppError> {
    use crate::ssr::{auth, context::state};
    let state = state()?;
    auth::end_session(&state.db, &state.config).await?;
    leptos_axum::redirect("/login");
    Ok(())
}
