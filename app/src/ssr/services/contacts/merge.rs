//! Duplicates and merging: contacts that share a phone, or a name and a
//! company, are offered for merging; a merge keeps one contact and moves
//! the other's bookings and remote links to it. HubSpot merges arrive here
//! too (`services::contact_sync`).
use super::{find, to_dto};
use crate::domain::{ContactId, TeamId};
use crate::dto::DuplicateGroup;
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{booking, contact, external_link as link, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::BTreeMap;

/// The team's (unarchived) contacts that look like one person, oldest first in each group.
pub async fn duplicates(db: &impl ConnectionTrait, team_id: &TeamId) -> Result<Vec<DuplicateGroup>, DbErr> {
    let rows = contact::Entity::find()
        .filter(contact::Column::TeamId.eq(team_id))
        .filter(contact::Column::ArchivedAt.is_null())
        .order_by_asc(contact::Column::CreatedAt)
        .all(db)
        .await?;
    let mut groups: BTreeMap<(u8, String), Vec<&contact::Model>> = BTreeMap::new();
    for row in &rows {
        if let Some(phone) = row.phone.as_deref().filter(|p| !p.is_empty()) {
            groups.entry((0, phone.to_owned())).or_default().push(row);
        }
        if let Some(company) = row.company.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            let key = format!("{}\u{1f}{}", row.name.trim().to_lowercase(), company.to_lowercase());
            groups.entry((1, key)).or_default().push(row);
        }
    }
    let mut seen: Vec<Vec<&ContactId>> = Vec::new();
    let mut found = Vec::new();
    for ((by, _), members) in groups {
        let ids: Vec<&ContactId> = members.iter().map(|m| &m.id).collect();
        if members.len() < 2 || seen.contains(&ids) {
            continue;
        }
        seen.push(ids);
        found.push(DuplicateGroup {
            reason: if by == 0 { "Same phone" } else { "Same name and company" }.to_owned(),
            contacts: members.into_iter().cloned().map(to_dto).collect(),
        });
    }
    Ok(found)
}

/// A host's merge: `other` folds into `keep`.
pub async fn merge(
    db: &DatabaseConnection,
    host: &user::Model,
    keep: &ContactId,
    other: &ContactId,
) -> Result<(), AppError> {
    if keep == other {
        return Err(AppError::Request("choose two different contacts to merge.".to_owned()));
    }
    let txn = write_transaction(db).await?;
    let kept = find(&txn, host, keep).await?;
    let folded = find(&txn, host, other).await?;
    merge_into(&txn, kept, folded).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves `other`'s bookings and remote links to `keep`, fills what `keep`
/// lacks from `other`, and deletes `other`. Where both have a counterpart
/// in one remote account, `keep`'s stays.
pub async fn merge_into(
    db: &impl ConnectionTrait,
    keep: contact::Model,
    other: contact::Model,
) -> Result<contact::Model, DbErr> {
    booking::Entity::update_many()
        .col_expr(booking::Column::ContactId, Expr::value(keep.id.clone()))
        .filter(booking::Column::ContactId.eq(&other.id))
        .exec(db)
        .await?;
    let links_of = |id: &ContactId| {
        link::Entity::find()
            .filter(link::Column::LocalKind.eq(link::CONTACT))
            .filter(link::Column::LocalId.eq(id.as_str()))
    };
    let kept_links = links_of(&keep.id).all(db).await?;
    for moved in links_of(&other.id).all(db).await? {
        let clash = kept_links.iter().any(|k| {
            k.provider == moved.provider && k.account_id == moved.account_id && k.remote_kind == moved.remote_kind
        });
        if clash {
            moved.delete(db).await?;
        } else {
            let mut row: link::ActiveModel = moved.into();
            row.local_id = Set(keep.id.as_str().to_owned());
            row.update(db).await?;
        }
    }
    let fill = |mine: &Option<String>, theirs: &Option<String>| {
        mine.as_deref()
            .filter(|v| !v.trim().is_empty())
            .or(theirs.as_deref())
            .map(str::to_owned)
    };
    let mut row: contact::ActiveModel = keep.clone().into();
    row.phone = Set(fill(&keep.phone, &other.phone));
    row.company = Set(fill(&keep.company, &other.company));
    row.notes = Set(match (&keep.notes, &other.notes) {
        (Some(mine), Some(theirs)) if mine != theirs => Some(format!("{mine}\n\n{theirs}")),
        (mine, theirs) => fill(mine, theirs),
    });
    row.lifecycle_stage = Set(fill(&keep.lifecycle_stage, &other.lifecycle_stage));
    row.archived_at = Set(keep.archived_at.and(other.archived_at));
    row.updated_at = Set(chrono::Utc::now());
    other.delete(db).await?;
    row.update(db).await
}
