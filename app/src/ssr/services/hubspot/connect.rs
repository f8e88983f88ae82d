//! Connecting a team's HubSpot: who may, the single-use OAuth `state`,
//! storing sealed tokens, refreshing and disconnecting.
use super::sync_log::{SyncRecord, record};
use super::{HubspotSettings, connection_of_team};
use crate::error::AppError;
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{integration_connection as connection, job, oauth_state, team, user};
use crate::ssr::ids::{hash_token, new_id, new_token};
use crate::ssr::jobs::{RevokeHubspotToken, SendHubspotAlert, enqueue, hubspot_key};
use crate::ssr::services::team_of;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};

/// How long a host has to finish HubSpot's consent screen.
const STATE_TTL_MIN: i64 = 15;

/// Why `user` may not connect or disconnect their team's HubSpot, if they may not.
pub(super) fn refusal(team: &team::Model, user: &user::Model) -> Option<String> {
    let plan = team.plan;
    if !plan.allows_hubspot() {
        return Some(format!(
            "HubSpot is part of the Pro and Organization plans; your team is on {}.",
            plan.label()
        ));
    }
    if !user.role.manages_integrations() {
        return Some("Only your team’s owner or an admin can connect or disconnect HubSpot.".to_owned());
    }
    None
}

pub(super) async fn require_manager(db: &impl ConnectionTrait, user: &user::Model) -> Result<team::Model, AppError> {
    let team = team_of(db, user).await?;
    match refusal(&team, user) {
        Some(reason) => Err(AppError::Forbidden(reason)),
        None => Ok(team),
    }
}

/// Starts a connect: checks the plan and role, and records a fresh `state`
/// bound to the session that asked. Returns the `state` to send to HubSpot.
pub async fn begin_connect(
    db: &DatabaseConnection,
    user: &user::Model,
    session_token: &str,
) -> Result<String, AppError> {
    require_manager(db, user).await?;
    let state = new_token();
    let now = Utc::now();
    oauth_state::ActiveModel {
        state_hash: Set(hash_token(&state)),
        provider: Set(connection::HUBSPOT.to_owned()),
        session_hash: Set(hash_token(session_token)),
        user_id: Set(user.id.clone()),
        expires_at: Set(now + Duration::minutes(STATE_TTL_MIN)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(state)
}

/// Consumes a `state` coming back from HubSpot: it must exist, be unused,
/// unexpired and belong to this session. Returns the user who began it,
/// checked again against their current plan and role.
pub async fn take_state(
    db: &DatabaseConnection,
    state: &str,
    session_token: Option<&str>,
) -> Result<user::Model, AppError> {
    let refused = || AppError::Forbidden("This HubSpot connection attempt is not valid. Please start again.".into());
    let hash = hash_token(state);
    let found = oauth_state::Entity::find_by_id(&hash)
        .filter(oauth_state::Column::Provider.eq(connection::HUBSPOT))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    // Deleting first makes the state single-use even when two callbacks race.
    let deleted = oauth_state::Entity::delete_by_id(&hash).exec(db).await?;
    let same_session = session_token.is_some_and(|t| hash_token(t) == found.session_hash);
    if deleted.rows_affected != 1 || !same_session || found.expires_at <= Utc::now() {
        return Err(refused());
    }
    let user = user::Entity::find_by_id(&found.user_id)
        .one(db)
        .await?
        .ok_or_else(refused)?;
    require_manager(db, &user).await?;
    Ok(user)
}

/// Tokens as HubSpot issued them, in the clear only in memory.
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
    pub portal_id: String,
    pub scopes: Vec<String>,
}

/// Stores (or replaces) the team's connection with its tokens sealed.
pub async fn save_connection(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &user::Model,
    tokens: IssuedTokens,
) -> Result<connection::Model, AppError> {
    let now = Utc::now();
    let txn = write_transaction(db).await?;
    let existing = connection_of_team(&txn, &user.team_id).await?;
    // Another portal's pull position and webhooks say nothing of this one.
    let same_portal = existing
        .as_ref()
        .is_some_and(|found| found.account_id == tokens.portal_id);
    let mut model = match existing {
        Some(found) => found.into(),
        None => connection::ActiveModel {
            id: Set(new_id()),
            provider: Set(connection::HUBSPOT.to_owned()),
            team_id: Set(user.team_id.clone()),
            settings: Set(HubspotSettings::default().to_json()),
            status: Set(connection::CONNECTED.to_owned()),
            last_success_at: Set(None),
            last_error_email_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    model.connected_by = Set(user.id.clone());
    model.account_id = Set(tokens.portal_id);
    model.scopes = Set(tokens.scopes.join(" "));
    model.access_token_sealed = Set(secrets.seal(&tokens.access_token));
    model.refresh_token_sealed = Set(Some(secrets.seal(&tokens.refresh_token)));
    model.access_expires_at = Set(Some(tokens.expires_at));
    model.refresh_lease_until = Set(None);
    if !same_portal {
        model.pulled_until = Set(None);
        model.webhook_seen_at = Set(None);
    }
    model.updated_at = Set(now);
    let saved = if model.id.is_unchanged() {
        model.update(&txn).await?
    } else {
        model.insert(&txn).await?
    };
    txn.commit().await?;
    tracing::info!(team.id = %saved.team_id, portal = %saved.account_id, "HubSpot connected");
    Ok(saved)
}

/// Deletes a connection and the team's pending syncs, which would only
/// fail without it, and stops a running reconcile; contacts stay.
async fn forget(txn: &impl ConnectionTrait, found: &connection::Model) -> Result<(), AppError> {
    connection::Entity::delete_by_id(&found.id).exec(txn).await?;
    crate::ssr::services::contact_sync::runs::stop_team(txn, &found.team_id, "HubSpot was disconnected.").await?;
    job::Entity::delete_many()
        .filter(job::Column::OrderingKey.starts_with(hubspot_key(&found.team_id, None)))
        .filter(job::Column::Status.eq(job::PENDING))
        .exec(txn)
        .await?;
    Ok(())
}

/// Forgets the team's tokens and asks HubSpot, in the background, to revoke
/// the refresh token. What is already in HubSpot stays there.
#[tracing::instrument(skip_all, fields(user.id = %user.id))]
pub async fn disconnect(db: &DatabaseConnection, user: &user::Model) -> Result<(), AppError> {
    require_manager(db, user).await?;
    let txn = write_transaction(db).await?;
    let Some(found) = connection_of_team(&txn, &user.team_id).await? else {
        return Ok(());
    };
    forget(&txn, &found).await?;
    if let Some(refresh_token_sealed) = found.refresh_token_sealed {
        enqueue(&txn, &RevokeHubspotToken { refresh_token_sealed }).await?;
    }
    txn.commit().await?;
    tracing::info!(team.id = %found.team_id, "HubSpot disconnected");
    Ok(())
}

/// What the owner is told when HubSpot no longer accepts the connection.
pub const REVOKED_PROBLEM: &str = "HubSpot no longer accepts Slotline's access (the app was uninstalled or its \
                                   access revoked), so the connection was removed. Connect HubSpot again on the \
                                   Integrations page.";

/// HubSpot no longer accepts the refresh token: the connection goes, the
/// log says why and the owner is told (always: there is no connection left
/// to remember an earlier email by).
pub async fn disconnect_revoked(
    db: &DatabaseConnection,
    found: &connection::Model,
    problem: &str,
) -> Result<(), AppError> {
    let txn = write_transaction(db).await?;
    forget(&txn, found).await?;
    record(&txn, SyncRecord::failure(&found.team_id, None, "token", None, problem)).await?;
    enqueue(
        &txn,
        &SendHubspotAlert {
            team_id: found.team_id.clone(),
            problem: problem.to_owned(),
        },
    )
    .await?;
    txn.commit().await?;
    tracing::warn!(team.id = %found.team_id, "HubSpot refresh token revoked; disconnected");
    Ok(())
}

/// How long one job may hold a connection's token refresh before another
/// may take it over: longer than the token call's 20 s timeout.
const REFRESH_LEASE_SECS: i64 = 30;

/// The connection as stored now, if the team has not disconnected.
pub async fn reload(db: &DatabaseConnection, found: &connection::Model) -> Result<Option<connection::Model>, AppError> {
    Ok(connection::Entity::find_by_id(&found.id).one(db).await?)
}

/// Takes the right to refresh the connection's tokens, unless another job
/// holds it. A lease rather than a transaction's row lock: the refresh is
/// an HTTP call, and a transaction held across it would keep SQLite's one
/// writer waiting for its whole length.
pub async fn claim_refresh(db: &DatabaseConnection, found: &connection::Model) -> Result<bool, AppError> {
    let now = Utc::now();
    let claimed = connection::Entity::update_many()
        .col_expr(
            connection::Column::RefreshLeaseUntil,
            Expr::value(now + Duration::seconds(REFRESH_LEASE_SECS)),
        )
        .filter(connection::Column::Id.eq(&found.id))
        .filter(
            Condition::any()
                .add(connection::Column::RefreshLeaseUntil.is_null())
                .add(connection::Column::RefreshLeaseUntil.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Gives the refresh lease back after a refresh that got no tokens.
pub async fn release_refresh(db: &DatabaseConnection, found: &connection::Model) -> Result<(), AppError> {
    connection::Entity::update_many()
        .col_expr(
            connection::Column::RefreshLeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(connection::Column::Id.eq(&found.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Tokens from a refresh of the refresh token `found` holds.
pub struct RefreshedTokens<'a> {
    pub access_token: &'a str,
    pub refresh_token: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Stores tokens from a refresh and gives the lease back, only if the
/// refresh token is still the one `found` holds (a compare-and-swap, so a
/// late writer never replaces a newer token). `None` when it was not.
pub async fn store_refreshed(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    found: &connection::Model,
    tokens: RefreshedTokens<'_>,
) -> Result<Option<connection::Model>, AppError> {
    let unchanged = match &found.refresh_token_sealed {
        Some(sealed) => connection::Column::RefreshTokenSealed.eq(sealed),
        None => connection::Column::RefreshTokenSealed.is_null(),
    };
    let stored = connection::Entity::update_many()
        .col_expr(
            connection::Column::AccessTokenSealed,
            Expr::value(secrets.seal(tokens.access_token)),
        )
        .col_expr(
            connection::Column::RefreshTokenSealed,
            Expr::value(secrets.seal(tokens.refresh_token)),
        )
        .col_expr(connection::Column::AccessExpiresAt, Expr::value(tokens.expires_at))
        .col_expr(
            connection::Column::RefreshLeaseUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(connection::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(connection::Column::Id.eq(&found.id))
        .filter(unchanged)
        .exec(db)
        .await?;
    if stored.rows_affected != 1 {
        return Ok(None);
    }
    reload(db, found).await
}
