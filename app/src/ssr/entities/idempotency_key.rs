//! An `Idempotency-Key` an API user sent with a booking, the hash of the
//! request it came with, and the booking it made.
use crate::domain::{BookingId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: UserId,
    pub idem_key: String,
    /// SHA-256 of the request's canonical JSON, hex.
    pub request_hash: String,
    pub booking_id: BookingId,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
