//! Paid bookings: the slot held while the invitee pays (`hold`), Stripe
//! Checkout opened for it and the page Stripe sends the invitee back to
//! (`checkout`), the payment Stripe confirms (`confirm`), an unpaid hold
//! given up (`release`), refunds under the event type's policy
//! (`refunds`), Stripe's events taken in once each (`intake`), and what
//! hosts see of it all (`read`).
mod checkout;
mod confirm;
mod gateway;
mod hold;
mod intake;
mod read;
mod refunds;
mod release;

pub use checkout::{checkout_status, open_checkout};
pub use confirm::{PaidCheckout, Recorded, record_paid};
pub use gateway::{CheckoutRequest, GatewayError, OpenedCheckout, PaymentGateway};
pub use hold::{HeldPayment, hold};
pub use intake::take_in;
pub use read::{list_for_team, payment_dto, payment_of_booking, refund_summary, refunds_of};
pub use refunds::{
    RefundOutcome, cancel_refund_note, record_refund, refund_on_cancel, refund_status_label, settle_refund,
};
pub use release::release_hold;

use crate::domain::{Currency, Money, PaymentId};
use crate::ssr::entities::payment;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

/// What a payment row holds, as money.
pub fn money_of(amount: i64, currency: &str) -> Money {
    Money::new(amount, Currency::parse(currency).unwrap_or(Currency::USD))
}

pub async fn find(db: &impl ConnectionTrait, id: &PaymentId) -> Result<Option<payment::Model>, DbErr> {
    payment::Entity::find_by_id(id).one(db).await
}
