//! What a connection remembers of its contact sync: the portal as the sync
//! sees it, how far the incremental pull got, when webhooks last arrived.
use super::Portal;
use crate::ssr::entities::{integration_connection as connection, user};
use crate::ssr::services::team::phone_region_of;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The connection's portal when it syncs both ways, phone numbers read in
/// the region of whoever connected it.
pub async fn portal_of(db: &impl ConnectionTrait, found: &connection::Model) -> Result<Option<Portal>, DbErr> {
    let connector = user::Entity::find_by_id(&found.connected_by).one(db).await?;
    let region = match &connector {
        Some(who) => phone_region_of(db, who).await?,
        None => None,
    };
    Ok(Portal::of(found, region))
}

pub async fn set_pulled_until(db: &impl ConnectionTrait, connection_id: &str, at: DateTime<Utc>) -> Result<(), DbErr> {
    connection::Entity::update_many()
        .col_expr(connection::Column::PulledUntil, Expr::value(at))
        .filter(connection::Column::Id.eq(connection_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Notes that HubSpot's webhooks reached Slotline for `account_id`; returns
/// the connections of that portal.
pub async fn webhook_arrived(
    db: &impl ConnectionTrait,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<connection::Model>, DbErr> {
    connection::Entity::update_many()
        .col_expr(connection::Column::WebhookSeenAt, Expr::value(now))
        .filter(connection::Column::Provider.eq(connection::HUBSPOT))
        .filter(connection::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    connection::Entity::find()
        .filter(connection::Column::Provider.eq(connection::HUBSPOT))
        .filter(connection::Column::AccountId.eq(account_id))
        .all(db)
        .await
}
