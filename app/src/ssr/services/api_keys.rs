//! API keys: created and shown once, kept only as SHA-256, acting as the
//! user who made them until they expire or are revoked.
use super::{FieldErrors, lock_user, team_of};
use crate::domain::ApiKeyId;
use crate::domain::api_keys::{KeyExpiry, parse_key_name};
use crate::domain::api_scopes::{ApiScopes, SCOPES_SHOWN};
use crate::dto::{ApiKeyDto, ApiKeysDto, NewApiKey};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{api_key, user};
use crate::ssr::ids::{API_KEY_PREFIX, hash_token, new_api_key};
use crate::ssr::time_fmt::moment_in;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use std::collections::BTreeMap;

/// How stale `last_used_at` may get: one write a minute per key at most,
/// rather than one per request.
const LAST_USED_PRECISION_SECS: i64 = 60;

fn active_at(now: DateTime<Utc>) -> Condition {
    Condition::all().add(api_key::Column::RevokedAt.is_null()).add(
        Condition::any()
            .add(api_key::Column::ExpiresAt.is_null())
            .add(api_key::Column::ExpiresAt.gt(now)),
    )
}

pub fn to_dto(key: &api_key::Model, tz: Tz, now: DateTime<Utc>) -> ApiKeyDto {
    let status = if key.revoked_at.is_some() {
        "revoked"
    } else if key.expires_at.is_some_and(|at| at <= now) {
        "expired"
    } else {
        "active"
    };
    ApiKeyDto {
        id: key.id.clone(),
        name: key.name.clone(),
        prefix: key.prefix.clone(),
        created: moment_in(tz, key.created_at),
        last_used: key.last_used_at.map(|at| moment_in(tz, at)),
        expires: key.expires_at.map(|at| moment_in(tz, at)),
        status: status.to_owned(),
        scopes: ApiScopes::from_stored(key.scopes.as_deref())
            .iter()
            .map(|scope| scope.as_str().to_owned())
            .collect(),
    }
}

/// The scopes a key form chose: none sent at all (a client from before
/// scopes) means every scope.
fn chosen_scopes(form: &BTreeMap<String, String>) -> Result<ApiScopes, String> {
    let ticked: Vec<&str> = form
        .iter()
        .filter(|(name, value)| name.as_str() != SCOPES_SHOWN && !value.is_empty())
        .map(|(name, _)| name.as_str())
        .collect();
    if ticked.is_empty() && !form.contains_key(SCOPES_SHOWN) {
        return Ok(ApiScopes::all());
    }
    ApiScopes::parse_chosen(ticked)
}

/// What a request's key may do.
pub fn scopes_of(key: &api_key::Model) -> ApiScopes {
    ApiScopes::from_stored(key.scopes.as_deref())
}

/// The keys `owner` made, newest first, as `viewer` reads them.
pub async fn keys_of(
    db: &impl ConnectionTrait,
    owner: &user::Model,
    viewer: &user::Model,
) -> Result<Vec<ApiKeyDto>, AppError> {
    let now = Utc::now();
    let tz = viewer.zone();
    Ok(api_key::Entity::find()
        .filter(api_key::Column::UserId.eq(&owner.id))
        .order_by_desc(api_key::Column::CreatedAt)
        .all(db)
        .await?
        .iter()
        .map(|key| to_dto(key, tz, now))
        .collect())
}

pub async fn page(db: &DatabaseConnection, user: &user::Model) -> Result<ApiKeysDto, AppError> {
    let plan = team_of(db, user).await?.plan;
    let keys = keys_of(db, user, user).await?;
    Ok(ApiKeysDto {
        active: keys.iter().filter(|k| k.status == "active").count() as u32,
        keys,
        plan_label: plan.label().to_owned(),
        limit: plan.api_key_limit().map(|n| n as u32),
    })
}

/// Makes a key for `user`; the raw key is in the answer and nowhere else.
#[tracing::instrument(skip_all, fields(user.id = %user.id))]
pub async fn create(
    db: &DatabaseConnection,
    user: &user::Model,
    name: &str,
    expiry: &str,
    scopes: &BTreeMap<String, String>,
) -> Result<NewApiKey, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", parse_key_name(name));
    let expiry = errors.check("expires_in_days", KeyExpiry::parse(expiry));
    let scopes = errors.check("scopes", chosen_scopes(scopes));
    errors.into_result()?;
    let (Some(name), Some(expiry), Some(scopes)) = (name, expiry, scopes) else {
        return Err(AppError::Internal);
    };
    let now = Utc::now();
    let txn = write_transaction(db).await?;
    lock_user(&txn, &user.id).await?;
    let plan = team_of(&txn, user).await?.plan;
    if let Some(limit) = plan.api_key_limit() {
        let active = api_key::Entity::find()
            .filter(api_key::Column::UserId.eq(&user.id))
            .filter(active_at(now))
            .count(&txn)
            .await?;
        if active as usize >= limit {
            return Err(AppError::PlanLimit(format!(
                "The {} plan allows {limit} active API keys per person. Revoke one, or move to Pro for unlimited keys.",
                plan.label()
            )));
        }
    }
    let key = new_api_key();
    let model = api_key::ActiveModel {
        id: Set(ApiKeyId::generate()),
        user_id: Set(user.id.clone()),
        team_id: Set(user.team_id.clone()),
        name: Set(name),
        prefix: Set(key[..12].to_owned()),
        key_hash: Set(hash_token(&key)),
        created_at: Set(now),
        last_used_at: Set(None),
        expires_at: Set(match expiry {
            KeyExpiry::Never => None,
            KeyExpiry::Days(days) => Some(now + Duration::days(days.into())),
        }),
        revoked_at: Set(None),
        scopes: Set((!scopes.is_all()).then(|| scopes.to_stored())),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(api_key.id = %model.id, "API key created");
    Ok(NewApiKey {
        key,
        api_key: to_dto(&model, user.zone(), now),
    })
}

/// Revokes a key: its maker may, and so may their team's owner.
#[tracing::instrument(skip_all, fields(api_key.id = %key_id))]
pub async fn revoke(db: &DatabaseConnection, actor: &user::Model, key_id: &ApiKeyId) -> Result<(), AppError> {
    let mut visible = Condition::any().add(api_key::Column::UserId.eq(&actor.id));
    if actor.role.manages_team() {
        visible = visible.add(api_key::Column::TeamId.eq(&actor.team_id));
    }
    let key = api_key::Entity::find_by_id(key_id)
        .filter(visible)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if key.revoked_at.is_none() {
        let mut model: api_key::ActiveModel = key.into();
        model.revoked_at = Set(Some(Utc::now()));
        model.update(db).await?;
        tracing::info!("API key revoked");
    }
    Ok(())
}

/// The user a raw key acts as and what it may do, if it is well-formed,
/// known, unexpired and not revoked; anything else is
/// [`AppError::Unauthorized`].
pub async fn authenticate(db: &DatabaseConnection, raw: &str) -> Result<(user::Model, ApiScopes), AppError> {
    if raw.len() != 72 || !raw.starts_with(API_KEY_PREFIX) {
        return Err(AppError::Unauthorized);
    }
    let now = Utc::now();
    let (key, owner) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash_token(raw)))
        .filter(active_at(now))
        .find_also_related(user::Entity)
        .one(db)
        .await?
        .and_then(|(key, owner)| owner.map(|owner| (key, owner)))
        .ok_or(AppError::Unauthorized)?;
    if key
        .last_used_at
        .is_none_or(|at| now - at >= Duration::seconds(LAST_USED_PRECISION_SECS))
    {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(&key.id))
            .exec(db)
            .await?;
    }
    Ok((owner, scopes_of(&key)))
}
