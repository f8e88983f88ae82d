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
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// The session cookie over plain http (development, tests).
pub const SESSION_COOKIE: &str = "slotline_session";
/// Over https: a `__Host-` cookie is Secure, for this host only and path
/// `/`, so a sibling subdomain can neither read nor plant it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-slotline_session";
const SESSION_DAYS: i64 = 30;
/// A session unused this long ends, whatever its age.
pub const IDLE_DAYS: i64 = 14;
/// How stale `last_seen_at` may grow before a request refreshes it: often
/// enough for the idle limit, rarely enough not to write on every request.
const SEEN_RESOLUTION_MINUTES: i64 = 60;

fn cookie_name(secure: bool) -> &'static str {
    if secure { SECURE_SESSION_COOKIE } else { SESSION_COOKIE }
}

/// A random salt; argon2's own generator needs a rand_core feature the
/// rest of the workspace does not use.
fn new_salt() -> SaltString {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    SaltString::encode_b64(&bytes).expect("16 bytes always encode as a salt")
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    HASHING
        .run(move || {
            let salt = new_salt();
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
        })
        .await?
        .map_err(|e| AppError::from(anyhow::anyhow!("password hashing: {e}")))
}

/// Checks `password` against a stored hash; `None` still spends the time of
/// a real check so that response times do not reveal which emails exist.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    HASHING
        .run(move || {
            let Some(stored) = stored else {
                // Spend what a real check would, then fail.
                let _ = Argon2::default().hash_password(password.as_bytes(), &new_salt());
                return Ok::<bool, anyhow::Error>(false);
            };
            let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await?
        .map_err(AppError::from)
}

/// Starts a session for `user_id` and sets its cookie on the response. A
/// session the browser already held ends: a log-in never inherits one
/// (planted or left behind).
pub async fn start_session(db: &DatabaseConnection, config: &AppConfig, user_id: &UserId) -> Result<(), AppError> {
    if let Some(previous) = session_token(config).await {
        session::Entity::delete_by_id(hash_token(&previous)).exec(db).await?;
    }
    let token = new_token();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id.to_owned()),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
        created_at: Set(now),
        last_seen_at: Set(Some(now)),
    }
    .insert(db)
    .await?;
    set_cookie(config, &token, Some(SESSION_DAYS * 24 * 3600));
    Ok(())
}

/// Ends the current session, if any, and clears its cookie.
pub async fn end_session(db: &DatabaseConnection, config: &AppConfig) -> Result<(), AppError> {
    if let Some(token) = session_token(config).await {
        session::Entity::delete_by_id(hash_token(&token)).exec(db).await?;
    }
    set_cookie(config, "", Some(0));
    Ok(())
}

fn set_cookie(config: &AppConfig, value: &str, max_age_secs: Option<i64>) {
    let mut cookie = cookie::Cookie::build((cookie_name(config.secure_cookies()), value.to_owned()))
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

/// The hash of the current request's session token, as sessions are stored.
pub async fn current_session_hash(config: &AppConfig) -> Option<String> {
    session_token(config).await.map(|token| hash_token(&token))
}

async fn session_token(config: &AppConfig) -> Option<String> {
    let headers: http::HeaderMap = leptos_axum::extract().await.ok()?;
    session_token_from(&headers, config)
}

/// The session cookie's value in a request's headers: over https only the
/// `__Host-` cookie counts.
pub fn session_token_from(headers: &http::HeaderMap, config: &AppConfig) -> Option<String> {
    let name = cookie_name(config.secure_cookies());
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The user whose session token this is, while the session has neither
/// expired nor lain idle too long; using it keeps it from idling.
pub async fn user_for_token(db: &DatabaseConnection, token: &str) -> Result<Option<user::Model>, AppError> {
    let now = Utc::now();
    let found = session::Entity::find_by_id(hash_token(token))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(now - Duration::days(IDLE_DAYS)))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    let Some((session, user)) = found else {
        return Ok(None);
    };
    if session
        .last_seen_at
        .is_none_or(|seen| now - seen > Duration::minutes(SEEN_RESOLUTION_MINUTES))
    {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(Some(now)))
            .filter(session::Column::TokenHash.eq(&session.token_hash))
            .exec(db)
            .await?;
    }
    Ok(user)
}

/// Ends every session of `user_id` but the one whose token hash is `keep`.
pub async fn end_other_sessions(
    db: &impl ConnectionTrait,
    user_id: &UserId,
    keep: Option<&str>,
) -> Result<u64, AppError> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::TokenHash.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}

/// The logged-in user of the current request, if any.
pub async fn current_user(db: &DatabaseConnection) -> Result<Option<user::Model>, AppError> {
    let config = crate::ssr::context::state()?.config;
    match session_token(&config).await {
        Some(token) => user_for_token(db, &token).await,
        None => Ok(None),
    }
}

/// The logged-in user, or [`AppError::Unauthorized`].
pub async fn require_user(db: &DatabaseConnection) -> Result<user::Model, AppError> {
    current_user(db).await?.ok_or(AppError::Unauthorized)
}

/// Removes expired and idle sessions; run now and then by the server.
pub async fn purge_expired_sessions(db: &DatabaseConnection) -> Result<u64, AppError> {
    let now = Utc::now();
    let result = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - Duration::days(IDLE_DAYS))),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
