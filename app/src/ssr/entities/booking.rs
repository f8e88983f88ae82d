use crate::domain::{BookingId, BookingSource, BookingStatus, ContactId, EventTypeId, TimeZoneName, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: BookingId,
    pub host_id: UserId,
    pub event_type_id: EventTypeId,
    pub contact_id: ContactId,
    pub start_at: DateTimeUtc,
    pub end_at: DateTimeUtc,
    /// The event type's buffers when booked, so later edits of the event
    /// type do not move the time this booking blocks.
    pub buffer_before_min: i32,
    pub buffer_after_min: i32,
    pub status: BookingStatus,
    /// Where it was booked: the booking page, the REST API or MCP.
    pub source: BookingSource,
    pub invitee_name: String,
    pub invitee_email: String,
    pub invitee_phone: Option<String>,
    pub invitee_time_zone: TimeZoneName,
    pub notes: Option<String>,
    /// The invitee's answers to the event type's questions: a JSON list of `Answer`.
    pub answers: String,
    pub manage_token_hash: String,
    pub cancel_reason: Option<String>,
    /// `invitee` or `host`.
    pub cancelled_by: Option<String>,
    pub previous_start_at: Option<DateTimeUtc>,
    pub previous_end_at: Option<DateTimeUtc>,
    /// The iCalendar SEQUENCE: 0 when booked, +1 on every reschedule or cancel.
    pub sequence: i32,
    /// The contact was made by this booking (for a paid one, announced
    /// only once it is paid).
    pub contact_is_new: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::event_type::Entity",
        from = "Column::EventTypeId",
        to = "super::event_type::Column::Id"
    )]
    EventType,
    #[sea_orm(has_one = "super::payment::Entity")]
    Payment,
}

impl Related<super::event_type::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::EventType.def()
    }
}

impl Related<super::payment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Payment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
