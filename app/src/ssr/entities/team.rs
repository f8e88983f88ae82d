use crate::domain::{TeamId, team::Plan};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: TeamId,
    pub name: String,
    /// `free`, `pro` or `organization`.
    pub plan: Plan,
    /// ISO 3166 alpha-2 region national phone numbers are read in; `None`:
    /// the one of the owner's time zone.
    pub phone_region: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
