//! What an invitee pays for a booking through Stripe Checkout: open while
//! the slot is held, paid once Stripe says so, refunded in part or whole.
use crate::domain::{BookingId, PaymentId, TeamId};
use sea_orm::entity::prelude::*;

/// The Checkout Session is open and the slot held.
pub const OPEN: &str = "open";
pub const PAID: &str = "paid";
pub const PARTIALLY_REFUNDED: &str = "partially_refunded";
pub const REFUNDED: &str = "refunded";

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: PaymentId,
    pub team_id: TeamId,
    pub booking_id: BookingId,
    /// Minor units of `currency`.
    pub amount: i64,
    /// Lower-case ISO 4217.
    pub currency: String,
    /// [`OPEN`], [`PAID`], [`PARTIALLY_REFUNDED`] or [`REFUNDED`].
    pub status: String,
    pub refunded_amount: i64,
    /// SHA-256 of the secret in Checkout's return links.
    pub return_key_hash: String,
    /// The booking's manage-link secret, sealed, for the confirmation
    /// e-mail sent once the payment arrives.
    pub manage_token_sealed: String,
    pub checkout_session_id: Option<String>,
    pub checkout_url: Option<String>,
    pub payment_intent_id: Option<String>,
    pub charge_id: Option<String>,
    /// Stripe's payment method type, such as `card`.
    pub method: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    /// Until when the slot is held for this payment.
    pub hold_expires_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::booking::Entity",
        from = "Column::BookingId",
        to = "super::booking::Column::Id"
    )]
    Booking,
}

impl Related<super::booking::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Booking.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
