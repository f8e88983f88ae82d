//! Passwords and server-side sessions.
//!
//! Sessions are rows keyed by the SHA-256 of a random cookie value, so a
//! leaked database cannot be replayed as cookies. Hand-written rather than
//! tower-sessions because that crate's stores speak sqlx directly, not the
//! SeaORM connection every other table here uses; this is all it takes.
use crate::domain::UserId;
use crate::error::AppError;
use crate::ssr::access::HASHING;
use crate::ssr::context::AppConfig;
use crate::ssr::entities::{session, user};
use crate::ssr::ids::{hash_token, new_token};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

pub const SESSION_COOKIE: &str = "slotline_session";
const SESSION_DAYS: i64 = 30;

/// A random salt; argon2's own generator needs a rand_core feature the
/// rest of the workspace does not use.
fn new_salt() -> SaltString {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    SaltString::encode_b64(&bytes).expect("16 bytes always encode as a salt")
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _permit = HASHING.enter().await?;
    tokio::task::spawn_blocking(move || {
        let salt = new_salt();
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|e| anyhow::anyhow!("password hashing task: {e}"))?
    .map_err(|e| AppError::from(anyhow::anyhow!("password hashing: {e}")))
}

/// Checks `password` against a stored hash; `None` still spends the time of
/// a real check so that response times do not reveal which emails exist.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let _permit = HASHING.enter().await?;
    tokio::task::spawn_blocking(move || {
        let Some(stored) = stored else {
            // Spend what a real check would, then fail.
            let _ = Argon2::default().hash_password(password.as_bytes(), &new_salt());
            return Ok::<bool, anyhow::Error>(false);
        };
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| anyhow::anyhow!("password check task: {e}"))?
    .map_err(AppError::from)
}

/// Starts a session for `user_id` and sets its cookie on the response.
pub async fn start_session(db: &DatabaseConnection, config: &AppConfig, user_id: &UserId) -> Result<(), AppError> {
    let token = new_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id.to_owned()),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    set_cookie(config, &token, Some(SESSION_DAYS * 24 * 3600));
    Ok(())
}

/// Ends the current session, if any, and clears its cookie.
pub async fn end_session(db: &DatabaseConnection, config: &AppConfig) -> Result<(), AppError> {
    if let Some(token) = session_token().await {
        session::Entity::delete_by_id(hash_token(&token)).exec(db).await?;
    }
    set_cookie(config, "", Some(0));
    Ok(())
}

fn set_cookie(config: &AppConfig, value: &str, max_age_secs: Option<i64>) {
    let mut cookie = cookie::Cookie::build((SESSION_COOKIE, value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(config.secure_cookies());
    if let Some(secs) = max_age_secs {
        cookie = cookie.max_age(cookie::time::Duration::seconds(secs));
    }
    if let (Some(response), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie.build().to_string()),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

async fn session_token() -> Option<String> {
    let headers: http::HeaderMap = leptos_axum::extract().await.ok()?;
    session_token_from(&headers)
}

/// The session cookie's value in a request's headers.
pub fn session_token_from(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The user whose unexpired session token this is.
pub async fn user_for_token(db: &DatabaseConnection, token: &str) -> Result<Option<user::Model>, AppError> {
    let found = session::Entity::find_by_id(hash_token(token))
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(_, user)| user))
}

/// The logged-in user of the current request, if any.
pub async fn current_user(db: &DatabaseConnection) -> Result<Option<user::Model>, AppError> {
    match session_token().await {
        Some(token) => user_for_token(db, &token).await,
        None => Ok(None),
    }
}

/// The logged-in user, or [`AppError::Unauthorized`].
pub async fn require_user(db: &DatabaseConnection) -> Result<user::Model, AppError> {
    current_user(db).await?.ok_or(AppError::Unauthorized)
}

/// Removes expired sessions; run now and then by the server.
pub async fn purge_expired_sessions(db: &DatabaseConnection) -> Result<u64, AppError> {
    let result = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
