//! Money going back to an invitee for a cancelled paid booking, asked of
//! Stripe by a job that retries until Stripe answers.
use crate::domain::{PaymentId, RefundId};
use sea_orm::entity::prelude::*;

/// Queued, or failed in a way a retry can mend.
pub const REQUESTED: &str = "requested";
/// Stripe took it and settles it later.
pub const PENDING: &str = "pending";
pub const SUCCEEDED: &str = "succeeded";
/// Stripe refused it, or every retry failed.
pub const FAILED: &str = "failed";

pub const HOST_CANCELLED: &str = "host_cancelled";
pub const INVITEE_CANCELLED: &str = "invitee_cancelled";

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refunds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: RefundId,
    pub payment_id: PaymentId,
    pub amount: i64,
    pub currency: String,
    /// [`HOST_CANCELLED`] or [`INVITEE_CANCELLED`].
    pub reason: String,
    /// [`REQUESTED`], [`PENDING`], [`SUCCEEDED`] or [`FAILED`].
    pub status: String,
    pub stripe_refund_id: Option<String>,
    /// Calls made to Stripe for it so far.
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
