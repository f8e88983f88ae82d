use crate::domain::{EventId, WebhookDeliveryId, WebhookId};
use sea_orm::entity::prelude::*;

pub const PENDING: &str = "pending";
pub const SUCCEEDED: &str = "succeeded";
/// Failed and waiting for its next attempt.
pub const RETRYING: &str = "retrying";
/// Failed for good: out of attempts, refused target or gone hook.
pub const FAILED: &str = "failed";

/// One event on its way to one webhook; its id is the `webhook-id` header.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: WebhookDeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: EventId,
    pub status: String,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::event::Entity",
        from = "Column::EventId",
        to = "super::event::Column::Id"
    )]
    Event,
}

impl Related<super::event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
