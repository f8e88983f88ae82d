use crate::domain::UserId;
use sea_orm::entity::prelude::*;

/// An OAuth connect in flight: its `state`, bound to the session that began it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    /// `hubspot`.
    pub provider: String,
    pub session_hash: String,
    pub user_id: UserId,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
