//! An event type: what invitees book on a host's page, and how.
use crate::domain::{EventTypeId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: EventTypeId,
    pub user_id: UserId,
    pub name: String,
    pub slug: String,
    pub duration_min: i32,
    /// Every duration an invitee may choose, in minutes, comma-separated;
    /// blank when `duration_min` is the only one. See `Durations`.
    pub durations: String,
    pub description: String,
    pub location: Option<String>,
    pub min_notice_min: i32,
    pub horizon_days: i32,
    pub buffer_before_min: i32,
    pub buffer_after_min: i32,
    pub active: bool,
    /// `hidden`, `optional` or `required`: see `PhoneField`.
    pub phone_field: String,
    /// Whether bookings of this event type reach the team's HubSpot.
    pub hubspot_sync: bool,
    /// Whether bookings of this event type make HubSpot companies even without company rows.
    pub hubspot_companies: bool,
    /// The price in minor units of `price_currency`; none for a free event type.
    pub price_amount: Option<i64>,
    pub price_currency: Option<String>,
    /// An invitee who cancels at least this many hours before the start
    /// gets a full refund, and none after.
    pub refund_window_hours: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
    #[sea_orm(has_many = "super::event_type_question::Entity")]
    Questions,
}

impl Related<super::event_type_question::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Questions.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
