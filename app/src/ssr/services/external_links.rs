//! Where local rows live in remote accounts: a booking's HubSpot contact and
//! meeting, a contact's HubSpot contact. Every link names the account, so a team that reconnects to
//! another account starts afresh there instead of patching the old one's ids.
use crate::domain::TeamId;
use crate::ssr::entities::external_link as link;
use crate::ssr::ids::new_id;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

/// One local row, as seen from one remote account.
#[derive(Debug, Clone, Copy)]
pub struct Local<'a> {
    pub provider: &'a str,
    pub account_id: &'a str,
    pub team_id: &'a TeamId,
    pub kind: &'a str,
    pub id: &'a str,
}

/// What is known of a remote counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remote<'a> {
    Known(&'a str),
    /// A create went out at this time and its answer never came back.
    PendingSince(DateTime<Utc>),
    /// Neither: a pending create turned out not to have happened.
    Unknown,
}

impl Remote<'_> {
    /// The stored columns: the remote id and when a create went out unanswered.
    pub fn columns(self) -> (Option<String>, Option<DateTime<Utc>>) {
        match self {
            Self::Known(id) => (Some(id.to_owned()), None),
            Self::PendingSince(at) => (None, Some(at)),
            Self::Unknown => (None, None),
        }
    }
}

/// Every counterpart of `local` in its account.
pub async fn of(db: &impl ConnectionTrait, local: Local<'_>) -> Result<Vec<link::Model>, DbErr> {
    link::Entity::find().filter(rows_of(local)).all(db).await
}

/// The links of `local` in its account.
fn rows_of(local: Local<'_>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(link::Column::Provider.eq(local.provider))
        .add(link::Column::AccountId.eq(local.account_id))
        .add(link::Column::LocalKind.eq(local.kind))
        .add(link::Column::LocalId.eq(local.id))
}

/// Another account of the same provider that `local` has counterparts in,
/// if any: after a reconnect to another account, the one it was synced to.
pub async fn linked_elsewhere(db: &impl ConnectionTrait, local: Local<'_>) -> Result<Option<String>, DbErr> {
    Ok(link::Entity::find()
        .filter(link::Column::Provider.eq(local.provider))
        .filter(link::Column::AccountId.ne(local.account_id))
        .filter(link::Column::LocalKind.eq(local.kind))
        .filter(link::Column::LocalId.eq(local.id))
        .one(db)
        .await?
        .map(|found| found.account_id))
}

/// What identifies a link: one counterpart of each kind per local row and account.
const KEY: [link::Column; 5] = [
    link::Column::Provider,
    link::Column::AccountId,
    link::Column::LocalKind,
    link::Column::LocalId,
    link::Column::RemoteKind,
];

fn new_row(local: Local<'_>, remote_kind: &str, remote: Remote<'_>, now: DateTime<Utc>) -> link::ActiveModel {
    let (remote_id, pending_since) = remote.columns();
    link::ActiveModel {
        id: Set(new_id()),
        provider: Set(local.provider.to_owned()),
        account_id: Set(local.account_id.to_owned()),
        team_id: Set(local.team_id.to_owned()),
        local_kind: Set(local.kind.to_owned()),
        local_id: Set(local.id.to_owned()),
        remote_kind: Set(remote_kind.to_owned()),
        remote_id: Set(remote_id),
        pending_since: Set(pending_since),
        remote_updated_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Records what is known of `local`'s `remote_kind` counterpart.
pub async fn put(
    db: &impl ConnectionTrait,
    local: Local<'_>,
    remote_kind: &str,
    remote: Remote<'_>,
) -> Result<(), DbErr> {
    link::Entity::insert(new_row(local, remote_kind, remote, Utc::now()))
        .on_conflict(
            OnConflict::columns(KEY)
                .update_columns([
                    link::Column::RemoteId,
                    link::Column::PendingSince,
                    link::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Records `local`'s `remote_kind` counterpart as `remote_id`, the two in
/// step as of `at` (a contact pair of two-way sync).
pub async fn put_in_step(
    db: &impl ConnectionTrait,
    local: Local<'_>,
    remote_kind: &str,
    remote_id: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row = new_row(local, remote_kind, Remote::Known(remote_id), at);
    row.remote_updated_at = Set(Some(at));
    link::Entity::insert(row)
        .on_conflict(
            OnConflict::columns(KEY)
                .update_columns([
                    link::Column::RemoteId,
                    link::Column::PendingSince,
                    link::Column::RemoteUpdatedAt,
                    link::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The links of `kind` rows to any of `remote_ids` in `account_id`.
pub async fn by_remote(
    db: &impl ConnectionTrait,
    provider: &str,
    account_id: &str,
    kind: &str,
    remote_ids: &[&str],
) -> Result<Vec<link::Model>, DbErr> {
    link::Entity::find()
        .filter(link::Column::Provider.eq(provider))
        .filter(link::Column::AccountId.eq(account_id))
        .filter(link::Column::LocalKind.eq(kind))
        .filter(link::Column::RemoteKind.eq(kind))
        .filter(link::Column::RemoteId.is_in(remote_ids.iter().copied()))
        .all(db)
        .await
}

/// Who makes `local`'s `remote_kind` counterpart, when several jobs may want to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The caller: it alone creates the counterpart, marked pending from now.
    Mine,
    Known(String),
    /// Another create went out at this time and its answer has not come back (yet).
    Pending(DateTime<Utc>),
}

fn keyed(local: Local<'_>, remote_kind: &str) -> sea_orm::Condition {
    rows_of(local).add(link::Column::RemoteKind.eq(remote_kind))
}

/// Claims the right to create `local`'s `remote_kind` counterpart, unless
/// it is known or another create is pending.
pub async fn claim(
    db: &impl ConnectionTrait,
    local: Local<'_>,
    remote_kind: &str,
    now: DateTime<Utc>,
) -> Result<Claim, DbErr> {
    let inserted = link::Entity::insert(new_row(local, remote_kind, Remote::PendingSince(now), now))
        .on_conflict(OnConflict::columns(KEY).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        return Ok(Claim::Mine);
    }
    let found = link::Entity::find().filter(keyed(local, remote_kind)).one(db).await?;
    match found {
        Some(link::Model {
            remote_id: Some(id), ..
        }) => Ok(Claim::Known(id)),
        Some(link::Model {
            pending_since: Some(at),
            ..
        }) => Ok(Claim::Pending(at)),
        _ if take_over(db, local, remote_kind, None, now).await? => Ok(Claim::Mine),
        _ => Ok(Claim::Pending(now)),
    }
}

/// Takes over the create from a pending one sent at `since` (or from none,
/// after a create that failed outright): true when this caller now holds it.
pub async fn take_over(
    db: &impl ConnectionTrait,
    local: Local<'_>,
    remote_kind: &str,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let pending = match since {
        Some(at) => link::Column::PendingSince.eq(at),
        None => link::Column::PendingSince.is_null(),
    };
    let updated = link::Entity::update_many()
        .col_expr(link::Column::PendingSince, sea_orm::sea_query::Expr::value(now))
        .col_expr(link::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(keyed(local, remote_kind))
        .filter(link::Column::RemoteId.is_null())
        .filter(pending)
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}
