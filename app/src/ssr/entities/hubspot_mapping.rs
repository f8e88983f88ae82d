//! One "HubSpot property ← booking information" row of an event type.
use crate::domain::EventTypeId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hubspot_mappings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub event_type_id: EventTypeId,
    /// `contacts` or `companies`: see `CrmObject`.
    pub object: String,
    /// HubSpot's internal property name.
    pub property: String,
    /// See `Information::key`.
    pub source: String,
    /// A choice question's options mapped to enumeration values: a JSON object.
    pub choices: String,
    /// Order in the settings, ascending.
    pub position: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
