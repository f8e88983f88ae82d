//! Passwords after sign-up: changing one, which ends the host's other
//! sessions, and resetting a forgotten one by an e-mailed link that works
//! once, for an hour, and ends every session.
use super::accounts::check_new_password;
use crate::domain::Email;
use crate::error::AppError;
use crate::ssr::access::{AccessGuards, ClientIp};
use crate::ssr::auth::{end_other_sessions, hash_password, verify_password};
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{password_reset, user};
use crate::ssr::ids::{hash_token, new_token};
use crate::ssr::jobs::{SendPasswordReset, enqueue};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

/// How long a reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;
/// Reset e-mails one account gets an hour, so the form cannot flood an inbox.
const RESETS_PER_HOUR: u64 = 3;
const LINK_DEAD: &str = "This reset link has expired or was already used. Ask for a new one below.";

/// Sets `user`'s password to `new` if `current` is theirs, and ends every
/// other session (those of a thief included); `keep` is the hash of the
/// session asking, which stays. Returns how many sessions ended.
#[tracing::instrument(skip_all, fields(user.id = %user.id))]
pub async fn change(
    db: &DatabaseConnection,
    user: &user::Model,
    current: String,
    new: String,
    keep: Option<&str>,
) -> Result<u64, AppError> {
    check_new_password(&new).map_err(|message| AppError::field("new_password", message))?;
    let refused = || AppError::field("current_password", "That is not your current password.");
    if current.len() > super::accounts::MAX_PASSWORD_BYTES {
        return Err(refused());
    }
    if !verify_password(current, Some(user.password_hash.clone())).await? {
        return Err(refused());
    }
    let hash = hash_password(new).await?;
    let txn = write_transaction(db).await?;
    set_password(&txn, user, hash).await?;
    let ended = end_other_sessions(&txn, &user.id, keep).await?;
    txn.commit().await?;
    tracing::info!(sessions = ended, "password changed");
    Ok(ended)
}

async fn set_password(db: &impl ConnectionTrait, user: &user::Model, hash: String) -> Result<(), AppError> {
    let mut model: user::ActiveModel = user.clone().into();
    model.password_hash = Set(hash);
    model.update(db).await?;
    Ok(())
}

/// E-mails a reset link to the account with `email`, if there is one. The
/// answer is the same either way, so the form tells no one which addresses
/// have accounts; each client IP asks as often as it may sign up.
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    guards: &AccessGuards,
    client: ClientIp,
    email: &str,
) -> Result<(), AppError> {
    let email = Email::parse(email).map_err(|e| AppError::field("email", e.to_string()))?;
    guards.admit_reset_request(client)?;
    let Some(user) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let now = Utc::now();
    let recent = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(&user.id))
        .filter(password_reset::Column::CreatedAt.gt(now - Duration::hours(1)))
        .count(db)
        .await?;
    if recent >= RESETS_PER_HOUR {
        tracing::info!(user.id = %user.id, "reset e-mail withheld: enough sent this hour");
        return Ok(());
    }
    let token = new_token();
    let txn = write_transaction(db).await?;
    password_reset::ActiveModel {
        token_hash: Set(hash_token(&token)),
        user_id: Set(user.id.clone()),
        expires_at: Set(now + Duration::minutes(RESET_LINK_MINUTES)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let job = SendPasswordReset {
        user_id: user.id.clone(),
        token_sealed: secrets.seal(&token),
    };
    enqueue(&txn, &job).await?;
    txn.commit().await?;
    tracing::info!(user.id = %user.id, "password reset link sent");
    Ok(())
}

/// Whether a reset link still works, so its page can say so before the
/// host types a new password.
pub async fn reset_link_works(db: &DatabaseConnection, token: &str) -> Result<bool, AppError> {
    Ok(password_reset::Entity::find_by_id(hash_token(token))
        .one(db)
        .await?
        .is_some_and(|found| found.expires_at > Utc::now()))
}

/// Sets a new password through a reset link, which is then spent along
/// with every other link of the account; every session ends. Returns the
/// host, for a session of their own.
#[tracing::instrument(skip_all)]
pub async fn reset(db: &DatabaseConnection, token: &str, new: String) -> Result<user::Model, AppError> {
    check_new_password(&new).map_err(|message| AppError::field("password", message))?;
    let hash = hash_token(token);
    let dead = || AppError::Gone(LINK_DEAD.to_owned());
    let found = password_reset::Entity::find_by_id(&hash)
        .one(db)
        .await?
        .ok_or_else(dead)?;
    if found.expires_at <= Utc::now() {
        return Err(dead());
    }
    let user = user::Entity::find_by_id(&found.user_id)
        .one(db)
        .await?
        .ok_or_else(dead)?;
    let password_hash = hash_password(new).await?;
    let txn = write_transaction(db).await?;
    // Deleting first makes the link single-use even when two submits race.
    let spent = password_reset::Entity::delete_by_id(&hash).exec(&txn).await?;
    if spent.rows_affected != 1 {
        return Err(dead());
    }
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::UserId.eq(&user.id))
        .exec(&txn)
        .await?;
    set_password(&txn, &user, password_hash).await?;
    let ended = end_other_sessions(&txn, &user.id, None).await?;
    txn.commit().await?;
    tracing::info!(user.id = %user.id, sessions = ended, "password reset");
    Ok(user)
}
