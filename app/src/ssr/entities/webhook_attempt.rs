use crate::domain::WebhookDeliveryId;
use sea_orm::entity::prelude::*;

/// One HTTP attempt of a delivery, as the delivery log shows it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub delivery_id: WebhookDeliveryId,
    pub status_code: Option<i32>,
    pub duration_ms: i32,
    /// The first 2 KB of the response.
    pub response_body: Option<String>,
    /// Why there was no usable answer (timeout, refused address…).
    pub error: Option<String>,
    pub next_retry_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
