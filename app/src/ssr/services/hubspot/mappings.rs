//! An event type's HubSpot property mapping, and each connection's list of
//! HubSpot properties, cached for ten minutes: the settings page and every
//! sync read it, and HubSpot's property list rarely changes.
use crate::domain::hubspot_mapping::{CrmObject, Information, Mapping, PropertyDef};
use crate::domain::{EventTypeId, TeamId, UserId};
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{
    event_type, hubspot_mapping as mapping, hubspot_property_cache as cache, integration_connection as connection, user,
};
use crate::ssr::ids::new_id;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// How long a connection's property list is trusted before HubSpot is asked again.
pub const PROPERTIES_TTL_MIN: i64 = 10;

fn to_mapping(row: mapping::Model) -> Option<Mapping> {
    let object = CrmObject::parse(&row.object);
    let source = Information::parse(&row.source);
    if object.is_none() || source.is_none() {
        tracing::error!(mapping.id = %row.id, "unreadable HubSpot mapping row");
    }
    Some(Mapping {
        object: object?,
        property: row.property,
        source: source?,
        choices: serde_json::from_str(&row.choices).unwrap_or_default(),
    })
}

/// The event type's rows, contacts first, each object's in the host's order.
pub async fn of_event(db: &impl ConnectionTrait, event_type_id: &EventTypeId) -> Result<Vec<Mapping>, DbErr> {
    let rows = mapping::Entity::find()
        .filter(mapping::Column::EventTypeId.eq(event_type_id))
        .order_by_asc(mapping::Column::Object)
        .order_by_asc(mapping::Column::Position)
        .all(db)
        .await?;
    let mut list: Vec<Mapping> = rows.into_iter().filter_map(to_mapping).collect();
    list.sort_by_key(|m| m.object);
    Ok(list)
}

/// Replaces the event type's rows with `rows`, in their order.
pub async fn replace(db: &DatabaseConnection, event_type_id: &EventTypeId, rows: &[Mapping]) -> Result<(), DbErr> {
    let txn = write_transaction(db).await?;
    mapping::Entity::delete_many()
        .filter(mapping::Column::EventTypeId.eq(event_type_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    let models: Vec<mapping::ActiveModel> = rows
        .iter()
        .zip(0..)
        .map(|(row, position)| mapping::ActiveModel {
            id: Set(new_id()),
            event_type_id: Set(event_type_id.clone()),
            object: Set(row.object.as_str().to_owned()),
            property: Set(row.property.clone()),
            source: Set(row.source.key()),
            choices: Set(serde_json::to_string(&row.choices).unwrap_or_else(|_| "{}".to_owned())),
            position: Set(position),
            created_at: Set(now),
        })
        .collect();
    if !models.is_empty() {
        mapping::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

/// The connection's cached properties of `object` and when they were read,
/// if read less than [`PROPERTIES_TTL_MIN`] before `now`.
pub async fn cached_properties(
    db: &impl ConnectionTrait,
    connection_id: &str,
    object: CrmObject,
    now: DateTime<Utc>,
) -> Result<Option<(Vec<PropertyDef>, DateTime<Utc>)>, DbErr> {
    let Some(row) = cache::Entity::find_by_id((connection_id.to_owned(), object.as_str().to_owned()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if now - row.fetched_at >= Duration::minutes(PROPERTIES_TTL_MIN) {
        return Ok(None);
    }
    Ok(serde_json::from_str(&row.properties)
        .ok()
        .map(|list| (list, row.fetched_at)))
}

/// Keeps what HubSpot just listed.
pub async fn store_properties(
    db: &impl ConnectionTrait,
    connection_id: &str,
    object: CrmObject,
    properties: &[PropertyDef],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = cache::ActiveModel {
        connection_id: Set(connection_id.to_owned()),
        object: Set(object.as_str().to_owned()),
        properties: Set(serde_json::to_string(properties).unwrap_or_else(|_| "[]".to_owned())),
        fetched_at: Set(now),
    };
    cache::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([cache::Column::ConnectionId, cache::Column::Object])
                .update_columns([cache::Column::Properties, cache::Column::FetchedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What a connection needs before Slotline reads and writes companies.
pub const COMPANY_SCOPES: [&str; 2] = ["crm.objects.companies.read", "crm.objects.companies.write"];

/// Whether a connection was granted the companies scopes.
pub fn can_use_companies(scopes: &str) -> bool {
    COMPANY_SCOPES
        .iter()
        .all(|needed| scopes.split_whitespace().any(|granted| granted == *needed))
}

/// Whether any of the team's event types makes HubSpot companies: then
/// connecting asks for the companies scopes too.
pub async fn team_uses_companies(db: &impl ConnectionTrait, team_id: &TeamId) -> Result<bool, DbErr> {
    let hosts: Vec<UserId> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::TeamId.eq(team_id))
        .into_tuple()
        .all(db)
        .await?;
    let events: Vec<(EventTypeId, bool)> = event_type::Entity::find()
        .select_only()
        .column(event_type::Column::Id)
        .column(event_type::Column::HubspotCompanies)
        .filter(event_type::Column::UserId.is_in(hosts))
        .filter(event_type::Column::HubspotSync.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    if events.iter().any(|(_, companies)| *companies) {
        return Ok(true);
    }
    let rows = mapping::Entity::find()
        .filter(mapping::Column::EventTypeId.is_in(events.into_iter().map(|(id, _)| id)))
        .filter(mapping::Column::Object.eq(CrmObject::Companies.as_str()))
        .count(db)
        .await?;
    Ok(rows > 0)
}

/// Reads a portal's properties from HubSpot; the server crate, which holds
/// the HubSpot client and tokens, provides it.
#[async_trait::async_trait]
pub trait PropertySource: Send + Sync {
    /// The writable properties of `object`, or what went wrong, as a sentence for the host.
    async fn fetch(&self, connection: &connection::Model, object: CrmObject) -> Result<Vec<PropertyDef>, String>;
}

/// The connection's properties of `object` and when HubSpot listed them:
/// the cached list while fresh, unless `refresh`; else what `fetch` (only
/// awaited then) brings, kept for the next ten minutes.
pub async fn properties<E>(
    db: &impl ConnectionTrait,
    connection_id: &str,
    object: CrmObject,
    refresh: bool,
    fetch: impl Future<Output = Result<Vec<PropertyDef>, E>>,
) -> Result<Result<(Vec<PropertyDef>, DateTime<Utc>), E>, DbErr> {
    let now = Utc::now();
    if !refresh && let Some(cached) = cached_properties(db, connection_id, object, now).await? {
        return Ok(Ok(cached));
    }
    match fetch.await {
        Ok(list) => {
            store_properties(db, connection_id, object, &list, now).await?;
            Ok(Ok((list, now)))
        }
        Err(problem) => Ok(Err(problem)),
    }
}
