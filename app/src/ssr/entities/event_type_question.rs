//! A question an event type's booking form asks.
use crate::domain::{EventTypeId, QuestionId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_type_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: QuestionId,
    pub event_type_id: EventTypeId,
    /// Order on the booking form, ascending.
    pub position: i32,
    pub label: String,
    /// See `QuestionKind::as_str`.
    pub kind: String,
    pub required: bool,
    /// The choices of a choice question, one per line.
    pub options: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::event_type::Entity",
        from = "Column::EventTypeId",
        to = "super::event_type::Column::Id"
    )]
    EventType,
}

impl Related<super::event_type::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::EventType.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
