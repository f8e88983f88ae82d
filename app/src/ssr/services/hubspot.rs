//! A team's HubSpot connection as the database sees it: who may connect,
//! the single-use OAuth `state`, storing sealed tokens, disconnecting. The
//! HTTP side (HubSpot's token endpoint, sync) lives in the server crate.
use crate::domain::team::{Plan, Role};
use crate::dto::HubspotCardDto;
use crate::error::AppError;
use crate::ssr::crypto::SecretBox;
use crate::ssr::entities::{hubspot_connection as connection, oauth_state, team, user};
use crate::ssr::ids::{hash_token, new_id, new_token};
use crate::ssr::jobs::{Job, enqueue};
use crate::ssr::time_fmt::moment_in;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait,
};

const PROVIDER: &str = "hubspot";
/// How long a host has to finish HubSpot's consent screen.
const STATE_TTL_MIN: i64 = 15;

async fn team_of(db: &impl ConnectionTrait, user: &user::Model) -> Result<team::Model, AppError> {
    team::Entity::find_by_id(&user.team_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)
}

/// Why `user` may not connect or disconnect their team's HubSpot, if they may not.
fn refusal(team: &team::Model, user: &user::Model) -> Option<String> {
    let plan = Plan::parse(&team.plan);
    if !plan.allows_hubspot() {
        return Some(format!(
            "HubSpot is part of the Pro and Organization plans; your team is on {}.",
            plan.label()
        ));
    }
    if !Role::parse(&user.role).manages_integrations() {
        return Some("Only your team’s owner or an admin can connect or disconnect HubSpot.".to_owned());
    }
    None
}

async fn require_manager(db: &impl ConnectionTrait, user: &user::Model) -> Result<team::Model, AppError> {
    let team = team_of(db, user).await?;
    match refusal(&team, user) {
        Some(reason) => Err(AppError::Forbidden(reason)),
        None => Ok(team),
    }
}

pub async fn connection_of_team(
    db: &impl ConnectionTrait,
    team_id: &str,
) -> Result<Option<connection::Model>, AppError> {
    Ok(connection::Entity::find()
        .filter(connection::Column::TeamId.eq(team_id))
        .one(db)
        .await?)
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
        provider: Set(PROVIDER.to_owned()),
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
        .filter(oauth_state::Column::Provider.eq(PROVIDER))
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
    let txn = db.begin().await?;
    let existing = connection_of_team(&txn, &user.team_id).await?;
    let mut model = match existing {
        Some(found) => found.into(),
        None => connection::ActiveModel {
            id: Set(new_id()),
            team_id: Set(user.team_id.clone()),
            update_existing_contacts: Set(true),
            last_success_at: Set(None),
            last_error_email_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    model.connected_by = Set(user.id.clone());
    model.portal_id = Set(tokens.portal_id);
    model.scopes = Set(tokens.scopes.join(" "));
    model.access_token_sealed = Set(secrets.seal(&tokens.access_token));
    model.refresh_token_sealed = Set(secrets.seal(&tokens.refresh_token));
    model.access_expires_at = Set(tokens.expires_at);
    model.updated_at = Set(now);
    let saved = if model.id.is_unchanged() {
        model.update(&txn).await?
    } else {
        model.insert(&txn).await?
    };
    txn.commit().await?;
    tracing::info!(team.id = %saved.team_id, portal = %saved.portal_id, "HubSpot connected");
    Ok(saved)
}

/// Forgets the team's tokens and asks HubSpot, in the background, to revoke
/// the refresh token. What is already in HubSpot stays there.
#[tracing::instrument(skip_all, fields(user.id = %user.id))]
pub async fn disconnect(db: &DatabaseConnection, user: &user::Model) -> Result<(), AppError> {
    require_manager(db, user).await?;
    let txn = db.begin().await?;
    let Some(found) = connection_of_team(&txn, &user.team_id).await? else {
        return Ok(());
    };
    connection::Entity::delete_by_id(&found.id).exec(&txn).await?;
    enqueue(
        &txn,
        &Job::RevokeHubspotToken {
            refresh_token_sealed: found.refresh_token_sealed,
        },
    )
    .await?;
    txn.commit().await?;
    tracing::info!(team.id = %found.team_id, "HubSpot disconnected");
    Ok(())
}

pub async fn set_update_existing(db: &DatabaseConnection, user: &user::Model, update: bool) -> Result<(), AppError> {
    require_manager(db, user).await?;
    let found = connection_of_team(db, &user.team_id).await?.ok_or(AppError::NotFound)?;
    let mut model: connection::ActiveModel = found.into();
    model.update_existing_contacts = Set(update);
    model.updated_at = Set(Utc::now());
    model.update(db).await?;
    Ok(())
}

/// What the integrations page shows the user about their team's HubSpot.
pub async fn card(db: &DatabaseConnection, user: &user::Model, configured: bool) -> Result<HubspotCardDto, AppError> {
    let team = team_of(db, user).await?;
    let found = connection_of_team(db, &team.id).await?;
    let tz = super::bookings::host_tz(user);
    let at = |instant| moment_in(tz, instant);
    Ok(HubspotCardDto {
        configured,
        refusal: refusal(&team, user),
        plan: Plan::parse(&team.plan),
        portal_id: found.as_ref().map(|c| c.portal_id.clone()),
        connected_at: found.as_ref().map(|c| at(c.updated_at)),
        last_success_at: found.as_ref().and_then(|c| c.last_success_at).map(at),
        update_existing_contacts: found.as_ref().is_none_or(|c| c.update_existing_contacts),
    })
}
