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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
