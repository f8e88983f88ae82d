//! What Slotline sends HubSpot: a contact's fields as HubSpot properties,
//! the contacts HubSpot has not been given yet, and the link once it has.
use super::Portal;
use super::apply::put_property;
use crate::domain::ContactId;
use crate::domain::contact_sync::SyncedField;
use crate::ssr::entities::{contact, external_link as link, integration_connection as connection};
use crate::ssr::services::external_links::put_in_step;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value};

/// Every synced field of `contact` as HubSpot properties (blank ones left
/// out: a new record has nothing to clear).
pub fn contact_properties(contact: &contact::Model) -> Map<String, Value> {
    let mut properties = Map::new();
    put_property(&mut properties, SyncedField::Name, Some(&contact.name));
    put_property(&mut properties, SyncedField::Email, Some(&contact.email));
    if let Some(phone) = contact.phone.as_deref().filter(|p| !p.is_empty()) {
        put_property(&mut properties, SyncedField::Phone, Some(phone));
    }
    if let Some(company) = contact.company.as_deref().filter(|c| !c.is_empty()) {
        put_property(&mut properties, SyncedField::Company, Some(company));
    }
    properties.retain(|_, v| v.as_str().is_none_or(|s| !s.is_empty()));
    properties
}

/// Links `contact_id` to the HubSpot contact it was pushed as.
pub async fn link_pushed(
    db: &impl ConnectionTrait,
    portal: &Portal,
    contact_id: &ContactId,
    remote_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    put_in_step(db, portal.local(contact_id.as_str()), link::CONTACT, remote_id, now).await
}

/// The team's unarchived contacts with no HubSpot contact in the portal yet.
fn unlinked(portal: &Portal) -> sea_orm::Select<contact::Entity> {
    let linked = Query::select()
        .column(link::Column::LocalId)
        .from(link::Entity)
        .and_where(link::Column::Provider.eq(connection::HUBSPOT))
        .and_where(link::Column::AccountId.eq(&portal.account_id))
        .and_where(link::Column::LocalKind.eq(link::CONTACT))
        .and_where(link::Column::RemoteKind.eq(link::CONTACT))
        .to_owned();
    contact::Entity::find()
        .filter(contact::Column::TeamId.eq(&portal.team_id))
        .filter(contact::Column::ArchivedAt.is_null())
        .filter(contact::Column::Id.not_in_subquery(linked))
}

/// Up to `limit` of them, in id order after `after`.
pub async fn unlinked_after(
    db: &impl ConnectionTrait,
    portal: &Portal,
    after: Option<&str>,
    limit: u64,
) -> Result<Vec<contact::Model>, DbErr> {
    let mut query = unlinked(portal);
    if let Some(after) = after {
        query = query.filter(contact::Column::Id.gt(after));
    }
    query.order_by_asc(contact::Column::Id).limit(limit).all(db).await
}

/// How many there are.
pub async fn unlinked_count(db: &impl ConnectionTrait, portal: &Portal) -> Result<u64, DbErr> {
    unlinked(portal).count(db).await
}
