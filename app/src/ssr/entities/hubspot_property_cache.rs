//! A connection's HubSpot properties of one object type, as last read.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hubspot_property_cache")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub connection_id: String,
    /// `contacts` or `companies`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub object: String,
    /// The writable properties: a JSON list of `PropertyDef`.
    pub properties: String,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
