//! A team's contacts: everyone who booked, people added by hand and, with
//! two-way HubSpot sync, HubSpot's contacts in the chosen lifecycle stages.
//! Writing them is `write`, hiding and restoring them `archive`, folding
//! duplicates `merge`.
mod archive;
mod merge;
mod write;

pub use archive::{archive, restore, set_archived};
pub use merge::{duplicates, merge, merge_into};
pub(crate) use write::{Fields, new_row};
pub use write::{Upserted, create_manual, update, upsert_from_booking};

use crate::domain::{ContactId, Email, TeamId};
use crate::dto::{ContactDto, ContactList, ContactTag};
use crate::error::AppError;
use crate::ssr::entities::{booking, contact, user};
use crate::ssr::phone::Phone;
use crate::ssr::time_fmt::iso;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

pub fn to_dto(model: contact::Model) -> ContactDto {
    ContactDto {
        tag: model.lifecycle_stage.as_deref().map(tag_of),
        archived: model.archived_at.is_some(),
        id: model.id,
        name: model.name,
        email: model.email,
        phone: model.phone,
        company: model.company,
        notes: model.notes,
        source: model.source,
        created_at: iso(model.created_at),
    }
}

/// HubSpot's default lifecycle stages as HubSpot labels them; a stage a
/// portal added shows as its internal value.
pub fn stage_label(value: &str) -> String {
    match value {
        "subscriber" => "Subscriber",
        "lead" => "Lead",
        "marketingqualifiedlead" => "Marketing Qualified Lead",
        "salesqualifiedlead" => "Sales Qualified Lead",
        "opportunity" => "Opportunity",
        "customer" => "Customer",
        "evangelist" => "Evangelist",
        "other" => "Other",
        custom => custom,
    }
    .to_owned()
}

fn tag_of(value: &str) -> ContactTag {
    ContactTag {
        value: value.to_owned(),
        label: stage_label(value),
    }
}

/// Which of the team's contacts the list shows.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    /// Only those with this lifecycle stage.
    pub tag: Option<String>,
    /// The archived ones instead of the others.
    pub archived: bool,
    /// Which page of [`PAGE_SIZE`], from 1.
    pub page: u64,
}

/// Contacts a page of the list shows.
pub const PAGE_SIZE: u64 = 50;

pub async fn list(db: &DatabaseConnection, host: &user::Model, filter: ContactFilter) -> Result<ContactList, AppError> {
    let team = contact::Entity::find().filter(contact::Column::TeamId.eq(&host.team_id));
    let mut query = team.clone().filter(if filter.archived {
        contact::Column::ArchivedAt.is_not_null()
    } else {
        contact::Column::ArchivedAt.is_null()
    });
    if let Some(tag) = &filter.tag {
        query = query.filter(contact::Column::LifecycleStage.eq(tag));
    }
    let total = query.clone().count(db).await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let rows = query
        .order_by_desc(contact::Column::CreatedAt)
        .order_by_asc(contact::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    let mut stages: Vec<String> = team
        .filter(contact::Column::LifecycleStage.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.lifecycle_stage)
        .collect();
    stages.sort();
    stages.dedup();
    Ok(ContactList {
        total,
        page,
        pages,
        contacts: rows.into_iter().map(to_dto).collect(),
        tags: stages.iter().map(|s| tag_of(s)).collect(),
        duplicates: duplicates(db, &host.team_id).await?,
    })
}

/// One of the team's contacts, for its page.
pub async fn find(db: &impl ConnectionTrait, host: &user::Model, id: &ContactId) -> Result<contact::Model, AppError> {
    contact::Entity::find_by_id(id)
        .filter(contact::Column::TeamId.eq(&host.team_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn page(db: &DatabaseConnection, host: &user::Model, id: &ContactId) -> Result<ContactDto, AppError> {
    Ok(to_dto(find(db, host, id).await?))
}

/// How an agent names the person on the line.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// E.164.
    Phone(Phone),
    Email(Email),
}

/// The team's contact with this phone number or e-mail address. Several
/// contacts may share a phone (a family, an office): the one who booked
/// most recently is the one calling, most likely.
pub async fn lookup(db: &impl ConnectionTrait, team_id: &TeamId, by: &Lookup) -> Result<Option<contact::Model>, DbErr> {
    let query = contact::Entity::find().filter(contact::Column::TeamId.eq(team_id));
    let candidates = match by {
        Lookup::Email(email) => query.filter(contact::Column::Email.eq(email.as_str())).all(db).await?,
        Lookup::Phone(phone) => query.filter(contact::Column::Phone.eq(phone.as_str())).all(db).await?,
    };
    if candidates.len() <= 1 {
        return Ok(candidates.into_iter().next());
    }
    let mut latest: Option<(Option<chrono::DateTime<Utc>>, contact::Model)> = None;
    for candidate in candidates {
        let booked = booking::Entity::find()
            .filter(booking::Column::ContactId.eq(&candidate.id))
            .order_by_desc(booking::Column::CreatedAt)
            .one(db)
            .await?
            .map(|b| b.created_at);
        if latest.as_ref().is_none_or(|(best, _)| booked > *best) {
            latest = Some((booked, candidate));
        }
    }
    Ok(latest.map(|(_, contact)| contact))
}
