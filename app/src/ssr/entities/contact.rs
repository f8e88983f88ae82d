use crate::domain::{ContactId, TeamId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ContactId,
    pub team_id: TeamId,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
    /// `booking`, `manual` or `payment`.
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When each synced field last changed in Slotline: a two-way sync
    /// settles a conflict per field by the newer change.
    pub name_changed_at: Option<DateTimeUtc>,
    pub email_changed_at: Option<DateTimeUtc>,
    pub phone_changed_at: Option<DateTimeUtc>,
    pub company_changed_at: Option<DateTimeUtc>,
    /// Hidden from the contact list, restorable; bookings keep it.
    pub archived_at: Option<DateTimeUtc>,
    /// HubSpot's `lifecyclestage` value, shown as a tag.
    pub lifecycle_stage: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
