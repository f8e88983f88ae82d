//! A team's HubSpot connection as the database sees it: who may connect,
//! the single-use OAuth `state`, storing sealed tokens, disconnecting. The
//! HTTP side (HubSpot's token endpoint, sync) lives in the server crate.
use super::team_of;
use crate::domain::team::{Plan, Role};
use crate::dto::{HubspotCardDto, SyncLogLine};
use crate::error::AppError;
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::job;
use crate::ssr::entities::{hubspot_connection as connection, hubspot_sync_log as sync_log, oauth_state, team, user};
use crate::ssr::ids::{hash_token, new_id, new_token};
use crate::ssr::jobs::{RevokeHubspotToken, SendHubspotAlert, enqueue, hubspot_key};
use crate::ssr::time_fmt::moment_in;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

const PROVIDER: &str = "hubspot";
/// How long a host has to finish HubSpot's consent screen.
const STATE_TTL_MIN: i64 = 15;

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

pub async fn connection_of_team(db: &impl ConnectionTrait, team_id: &str) -> Result<Option<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::TeamId.eq(team_id))
        .one(db)
        .await
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
    let txn = write_transaction(db).await?;
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

/// Deletes a connection and the team's pending syncs, which would only fail without it.
async fn forget(txn: &impl ConnectionTrait, found: &connection::Model) -> Result<(), AppError> {
    connection::Entity::delete_by_id(&found.id).exec(txn).await?;
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
    enqueue(
        &txn,
        &RevokeHubspotToken {
            refresh_token_sealed: found.refresh_token_sealed,
        },
    )
    .await?;
    txn.commit().await?;
    tracing::info!(team.id = %found.team_id, "HubSpot disconnected");
    Ok(())
}

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

/// Stores tokens from a refresh.
pub async fn store_refreshed(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    found: &connection::Model,
    access_token: &str,
    refresh_token: &str,
    expires_at: DateTime<Utc>,
) -> Result<connection::Model, AppError> {
    let mut model: connection::ActiveModel = found.clone().into();
    model.access_token_sealed = Set(secrets.seal(access_token));
    model.refresh_token_sealed = Set(secrets.seal(refresh_token));
    model.access_expires_at = Set(expires_at);
    model.updated_at = Set(Utc::now());
    Ok(model.update(db).await?)
}

/// One line of the sync log.
pub struct SyncRecord<'a> {
    pub team_id: &'a str,
    pub booking_id: Option<&'a str>,
    pub action: &'a str,
    pub succeeded: bool,
    pub http_status: Option<u16>,
    pub message: &'a str,
    pub contact_id: Option<&'a str>,
    pub meeting_id: Option<&'a str>,
}

impl<'a> SyncRecord<'a> {
    pub fn failure(
        team_id: &'a str,
        booking_id: Option<&'a str>,
        action: &'a str,
        http_status: Option<u16>,
        message: &'a str,
    ) -> Self {
        Self {
            team_id,
            booking_id,
            action,
            succeeded: false,
            http_status,
            message,
            contact_id: None,
            meeting_id: None,
        }
    }
}

pub async fn record(db: &impl ConnectionTrait, line: SyncRecord<'_>) -> Result<(), AppError> {
    sync_log::ActiveModel {
        id: Set(new_id()),
        team_id: Set(line.team_id.to_owned()),
        booking_id: Set(line.booking_id.map(str::to_owned)),
        action: Set(line.action.to_owned()),
        succeeded: Set(line.succeeded),
        http_status: Set(line.http_status.map(i32::from)),
        message: Set(line.message.chars().take(1_000).collect()),
        contact_id: Set(line.contact_id.map(str::to_owned)),
        meeting_id: Set(line.meeting_id.map(str::to_owned)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records a success and remembers when the last one was.
pub async fn record_success(
    db: &DatabaseConnection,
    connection_id: &str,
    line: SyncRecord<'_>,
) -> Result<(), AppError> {
    let txn = write_transaction(db).await?;
    connection::Entity::update_many()
        .col_expr(connection::Column::LastSuccessAt, Expr::value(Utc::now()))
        .filter(connection::Column::Id.eq(connection_id))
        .exec(&txn)
        .await?;
    record(&txn, line).await?;
    txn.commit().await?;
    Ok(())
}

/// At most one failure email a week per connection.
pub const ALERT_INTERVAL_DAYS: i64 = 7;

/// A failure at `now` is emailed only if the last email went out at or
/// before this instant.
pub fn alert_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(ALERT_INTERVAL_DAYS)
}

/// Emails the team's owner about a failure unless one went out this week.
/// Returns whether an email was queued.
pub async fn alert_owner(
    db: &DatabaseConnection,
    team_id: &str,
    problem: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = write_transaction(db).await?;
    // One conditional update claims the week's email, so two jobs failing at
    // once cannot both send it.
    let claimed = connection::Entity::update_many()
        .col_expr(connection::Column::LastErrorEmailAt, Expr::value(now))
        .filter(connection::Column::TeamId.eq(team_id))
        .filter(
            Condition::any()
                .add(connection::Column::LastErrorEmailAt.is_null())
                .add(connection::Column::LastErrorEmailAt.lte(alert_cutoff(now))),
        )
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    enqueue(
        &txn,
        &SendHubspotAlert {
            team_id: team_id.to_owned(),
            problem: problem.to_owned(),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
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

/// The team's sync log, newest first; only failures when asked.
pub async fn sync_log(
    db: &DatabaseConnection,
    user: &user::Model,
    failures_only: bool,
) -> Result<Vec<SyncLogLine>, AppError> {
    let mut query = sync_log::Entity::find()
        .filter(sync_log::Column::TeamId.eq(&user.team_id))
        .order_by_desc(sync_log::Column::CreatedAt)
        .limit(100);
    if failures_only {
        query = query.filter(sync_log::Column::Succeeded.eq(false));
    }
    let tz = user.zone();
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|line| SyncLogLine {
            when: moment_in(tz, line.created_at),
            booking_id: line.booking_id,
            action: line.action,
            succeeded: line.succeeded,
            http_status: line.http_status.and_then(|s| u16::try_from(s).ok()),
            message: line.message,
            contact_id: line.contact_id,
            meeting_id: line.meeting_id,
        })
        .collect())
}

/// What the integrations page shows the user about their team's HubSpot.
pub async fn card(db: &DatabaseConnection, user: &user::Model, configured: bool) -> Result<HubspotCardDto, AppError> {
    let team = team_of(db, user).await?;
    let found = connection_of_team(db, &team.id).await?;
    let tz = user.zone();
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Whether a failure at `now` is emailed, given when the last email went.
    fn alert_due(last_sent: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        last_sent.is_none_or(|last| last <= alert_cutoff(now))
    }

    #[test]
    fn one_failure_email_a_week_at_most() {
        let first = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        assert!(alert_due(None, first), "the first failure is always told");
        assert!(!alert_due(Some(first), first + Duration::hours(1)));
        assert!(!alert_due(Some(first), first + Duration::days(6) + Duration::hours(23)));
        assert!(alert_due(Some(first), first + Duration::days(7)));
        assert!(alert_due(Some(first), first + Duration::days(8)));
    }
}
