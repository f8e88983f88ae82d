//! Where local rows live in remote accounts: a booking's HubSpot contact and
//! meeting. Every link names the account, so a team that reconnects to
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
    link::Entity::find()
        .filter(link::Column::Provider.eq(local.provider))
        .filter(link::Column::AccountId.eq(local.account_id))
        .filter(link::Column::LocalKind.eq(local.kind))
        .filter(link::Column::LocalId.eq(local.id))
        .all(db)
        .await
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

/// Records what is known of `local`'s `remote_kind` counterpart.
pub async fn put(
    db: &impl ConnectionTrait,
    local: Local<'_>,
    remote_kind: &str,
    remote: Remote<'_>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let (remote_id, pending_since) = remote.columns();
    let row = link::ActiveModel {
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
    };
    link::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                link::Column::Provider,
                link::Column::AccountId,
                link::Column::LocalKind,
                link::Column::LocalId,
                link::Column::RemoteKind,
            ])
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
