use crate::domain::{BookingId, TeamId};
use sea_orm::entity::prelude::*;

/// One attempt to bring a booking change (or the connection) to HubSpot.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hubspot_sync_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub team_id: TeamId,
    pub booking_id: Option<BookingId>,
    /// `created`, `rescheduled`, `cancelled` or `token`.
    pub action: String,
    pub succeeded: bool,
    pub http_status: Option<i32>,
    pub message: String,
    pub contact_id: Option<String>,
    pub meeting_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
