//! The Stripe events already taken in, by Stripe's event id: Stripe
//! delivers at least once, Slotline acts once.
use crate::domain::TeamId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stripe_events")]
pub struct Model {
    /// Stripe's `evt_…`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub team_id: TeamId,
    /// Stripe's event type, such as `checkout.session.completed`.
    pub kind: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
