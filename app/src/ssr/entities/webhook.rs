use crate::domain::{EventTypeId, TeamId, UserId, WebhookId};
use sea_orm::entity::prelude::*;

pub const MANUAL: &str = "manual";
pub const ZAPIER: &str = "zapier";

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: WebhookId,
    pub user_id: UserId,
    pub team_id: TeamId,
    /// [`MANUAL`] (the dashboard) or [`ZAPIER`] (`POST /api/v1/hooks`).
    pub source: String,
    pub target_url: String,
    /// JSON array of event keys.
    pub events: String,
    pub event_type_id: Option<EventTypeId>,
    /// The `whsec_…` signing secret, sealed with the server key.
    pub secret_sealed: String,
    /// The secret before the last roll, sealed; deliveries are signed with
    /// it too until `previous_secret_until`.
    pub previous_secret_sealed: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    pub active: bool,
    /// Start of the current run of failed deliveries.
    pub failing_since: Option<DateTimeUtc>,
    /// Why Slotline switched it off, when it did.
    pub disabled_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
