//! Holding a slot while its invitee pays: the booking waits as
//! `pending_payment` beside an open payment, and the job that ends the
//! hold is queued for when it runs out.
use crate::domain::booking::PAYMENT_HOLD_MINUTES;
use crate::domain::{Money, PaymentId, TeamId};
use crate::ssr::entities::{booking, payment};
use crate::ssr::ids::{hash_token, new_token};
use crate::ssr::jobs::{ExpireCheckoutHold, enqueue_at};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};

/// A held booking's payment, and the secret of the links Stripe sends the
/// invitee back with.
pub struct HeldPayment {
    pub payment: payment::Model,
    pub return_key: String,
}

/// Opens the payment of a booking just made as `pending_payment`, in its
/// transaction.
pub async fn hold(
    txn: &DatabaseTransaction,
    booking: &booking::Model,
    team_id: &TeamId,
    price: Money,
    manage_token_sealed: &str,
    now: DateTime<Utc>,
) -> Result<HeldPayment, DbErr> {
    let return_key = new_token();
    let expires_at = now + Duration::minutes(PAYMENT_HOLD_MINUTES);
    let payment = payment::ActiveModel {
        id: Set(PaymentId::generate()),
        team_id: Set(team_id.clone()),
        booking_id: Set(booking.id.clone()),
        amount: Set(price.amount),
        currency: Set(price.currency.code().to_owned()),
        status: Set(payment::OPEN.to_owned()),
        refunded_amount: Set(0),
        return_key_hash: Set(hash_token(&return_key)),
        manage_token_sealed: Set(manage_token_sealed.to_owned()),
        checkout_session_id: Set(None),
        checkout_url: Set(None),
        payment_intent_id: Set(None),
        charge_id: Set(None),
        method: Set(None),
        card_brand: Set(None),
        card_last4: Set(None),
        hold_expires_at: Set(expires_at),
        paid_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let expire = ExpireCheckoutHold {
        payment_id: payment.id.clone(),
    };
    enqueue_at(txn, &expire, expires_at).await?;
    Ok(HeldPayment { payment, return_key })
}
