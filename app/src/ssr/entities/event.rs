use crate::domain::{EventId, EventTypeId, UserId};
use sea_orm::entity::prelude::*;

/// One change a user's webhooks hear about, with the exact body every
/// delivery of it sends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: EventId,
    pub user_id: UserId,
    /// The event key, e.g. `booking.created`.
    pub kind: String,
    /// The booking's event type, for webhooks filtered by one.
    pub event_type_id: Option<EventTypeId>,
    /// The booking, contact or payment the event is about.
    pub subject_id: String,
    /// The envelope, serialised once at commit.
    pub body: String,
    /// Sent by "Send test event": never offered as sample data.
    pub is_test: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
