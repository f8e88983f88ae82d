//! Refunds of cancelled paid bookings under the event type's policy: in
//! full when the host cancels; when the invitee does, in full up to the
//! refund window before the start and not after. A refund is queued in the
//! cancel's transaction and asked of Stripe by a job until Stripe answers.
use super::money_of;
use crate::domain::{Money, RefundId};
use crate::ssr::entities::{booking, event_type, payment, refund};
use crate::ssr::jobs::{RefundPayment, enqueue};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

/// What a cancel at `now` refunds of `paid`: its whole outstanding amount,
/// or nothing once the invitee is inside the refund window.
fn refundable(
    paid: &payment::Model,
    refunds: &[refund::Model],
    booking: &booking::Model,
    event: &event_type::Model,
    by_host: bool,
    now: DateTime<Utc>,
) -> i64 {
    let asked: i64 = refunds
        .iter()
        .filter(|r| r.status != refund::FAILED)
        .map(|r| r.amount)
        .sum();
    let policy = RefundPolicy {
        window_hours: event.refund_window_hours,
    };
    policy.due((paid.amount - asked).max(0), booking.start_at, by_host, now)
}

/// An event type's refund policy.
#[derive(Debug, Clone, Copy)]
struct RefundPolicy {
    /// Invitees who cancel at least this long before the start get it all back.
    window_hours: i32,
}

impl RefundPolicy {
    /// What is refunded of `outstanding` for a cancel at `now` of a booking
    /// starting at `start`.
    fn due(self, outstanding: i64, start: DateTime<Utc>, by_host: bool, now: DateTime<Utc>) -> i64 {
        let window = Duration::hours(self.window_hours.max(0).into());
        if by_host || now + window <= start {
            outstanding
        } else {
            0
        }
    }
}

async fn paid_payment(db: &impl ConnectionTrait, booking: &booking::Model) -> Result<Option<payment::Model>, DbErr> {
    payment::Entity::find()
        .filter(payment::Column::BookingId.eq(&booking.id))
        .filter(payment::Column::Status.is_in([payment::PAID, payment::PARTIALLY_REFUNDED]))
        .one(db)
        .await
}

async fn refunds_of(db: &impl ConnectionTrait, paid: &payment::Model) -> Result<Vec<refund::Model>, DbErr> {
    refund::Entity::find()
        .filter(refund::Column::PaymentId.eq(&paid.id))
        .all(db)
        .await
}

/// Queues the refund a cancel earns, in the cancel's transaction; none for
/// an unpaid booking or a cancel inside the refund window.
pub async fn refund_on_cancel(
    txn: &impl ConnectionTrait,
    booking: &booking::Model,
    event: &event_type::Model,
    by_host: bool,
    now: DateTime<Utc>,
) -> Result<Option<refund::Model>, DbErr> {
    let Some(paid) = paid_payment(txn, booking).await? else {
        return Ok(None);
    };
    let amount = refundable(&paid, &refunds_of(txn, &paid).await?, booking, event, by_host, now);
    if amount == 0 {
        return Ok(None);
    }
    let reason = if by_host {
        refund::HOST_CANCELLED
    } else {
        refund::INVITEE_CANCELLED
    };
    let queued = refund::ActiveModel {
        id: Set(RefundId::generate()),
        payment_id: Set(paid.id.clone()),
        amount: Set(amount),
        currency: Set(paid.currency.clone()),
        reason: Set(reason.to_owned()),
        status: Set(refund::REQUESTED.to_owned()),
        stripe_refund_id: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    enqueue(
        txn,
        &RefundPayment {
            refund_id: queued.id.clone(),
        },
    )
    .await?;
    tracing::info!(booking.id = %booking.id, refund.id = %queued.id, amount, "refund queued");
    Ok(Some(queued))
}

/// What cancelling now would refund the invitee, for the manage page; none
/// for an unpaid booking.
pub async fn cancel_refund_note(
    db: &impl ConnectionTrait,
    booking: &booking::Model,
    event: &event_type::Model,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let Some(paid) = paid_payment(db, booking).await? else {
        return Ok(None);
    };
    let amount = refundable(&paid, &refunds_of(db, &paid).await?, booking, event, false, now);
    let hours = event.refund_window_hours;
    Ok(Some(if amount > 0 {
        format!(
            "Cancelling now refunds {} to how you paid. Refunds are given up to {hours} hours before the start.",
            money_of(amount, &paid.currency)
        )
    } else {
        format!(
            "Cancelling now refunds nothing: refunds end {hours} hours before the start. Rescheduling keeps your \
             payment."
        )
    }))
}

/// What Stripe answered a refund request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// Refunded; Stripe's id unknown when the refund was found on the
    /// charge after a call whose answer was lost.
    Succeeded { stripe_refund_id: Option<String> },
    /// Stripe took it and settles it later.
    Pending { stripe_refund_id: String },
    /// Stripe refused it; retrying cannot help.
    Failed {
        stripe_refund_id: Option<String>,
        message: String,
    },
    /// Stripe failed or could not be reached: asked again later, or given
    /// up when `last` is set.
    Unanswered { message: String, last: bool },
}

/// Stores what Stripe answered for `refund_id`; a success adds to what the
/// payment has had back. Answers for a refund already settled change nothing.
pub async fn record_refund(
    db: &DatabaseConnection,
    refund_id: &RefundId,
    outcome: RefundOutcome,
) -> Result<Option<refund::Model>, DbErr> {
    store(db, refund_id, outcome, 1).await
}

/// Stores `outcome`, counting `calls` more calls made to Stripe.
async fn store(
    db: &DatabaseConnection,
    refund_id: &RefundId,
    outcome: RefundOutcome,
    calls: i32,
) -> Result<Option<refund::Model>, DbErr> {
    let txn = crate::ssr::db::write_transaction(db).await?;
    let Some(current) = refund::Entity::find_by_id(refund_id).one(&txn).await? else {
        return Ok(None);
    };
    if current.status == refund::SUCCEEDED {
        return Ok(Some(current));
    }
    let now = Utc::now();
    let attempts = current.attempts + calls;
    let payment_id = current.payment_id.clone();
    let amount = current.amount;
    let mut model: refund::ActiveModel = current.into();
    model.attempts = Set(attempts);
    model.updated_at = Set(now);
    let succeeded = matches!(outcome, RefundOutcome::Succeeded { .. });
    match outcome {
        RefundOutcome::Succeeded { stripe_refund_id } => {
            model.status = Set(refund::SUCCEEDED.to_owned());
            if stripe_refund_id.is_some() {
                model.stripe_refund_id = Set(stripe_refund_id);
            }
            model.last_error = Set(None);
        }
        RefundOutcome::Pending { stripe_refund_id } => {
            model.status = Set(refund::PENDING.to_owned());
            model.stripe_refund_id = Set(Some(stripe_refund_id));
            model.last_error = Set(None);
        }
        RefundOutcome::Failed {
            stripe_refund_id,
            message,
        } => {
            model.status = Set(refund::FAILED.to_owned());
            model.stripe_refund_id = Set(stripe_refund_id);
            model.last_error = Set(Some(message));
        }
        RefundOutcome::Unanswered { message, last } => {
            let status = if last { refund::FAILED } else { refund::REQUESTED };
            model.status = Set(status.to_owned());
            model.last_error = Set(Some(message));
        }
    }
    let saved = model.update(&txn).await?;
    if succeeded {
        add_refunded(&txn, &payment_id, amount).await?;
    }
    txn.commit().await?;
    Ok(Some(saved))
}

/// A refund Stripe settled later (`refund.updated`, `charge.refunded`):
/// `succeeded` or `failed`, found by Stripe's id.
pub async fn settle_refund(
    db: &DatabaseConnection,
    stripe_refund_id: &str,
    status: &str,
    failure: Option<String>,
) -> Result<(), DbErr> {
    let Some(found) = refund::Entity::find()
        .filter(refund::Column::StripeRefundId.eq(stripe_refund_id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let outcome = match status {
        "succeeded" => RefundOutcome::Succeeded {
            stripe_refund_id: Some(stripe_refund_id.to_owned()),
        },
        "failed" | "canceled" => RefundOutcome::Failed {
            stripe_refund_id: Some(stripe_refund_id.to_owned()),
            message: failure.unwrap_or_else(|| format!("Stripe reports the refund {status}.")),
        },
        _ => return Ok(()),
    };
    // A settlement is news, not a call of Slotline's: it adds no attempt.
    if found.status == refund::PENDING || found.status == refund::REQUESTED {
        store(db, &found.id, outcome, 0).await?;
    }
    Ok(())
}

async fn add_refunded(
    txn: &impl ConnectionTrait,
    payment_id: &crate::domain::PaymentId,
    amount: i64,
) -> Result<(), DbErr> {
    let Some(paid) = payment::Entity::find_by_id(payment_id).one(txn).await? else {
        return Ok(());
    };
    let refunded = (paid.refunded_amount + amount).min(paid.amount);
    let status = if refunded >= paid.amount {
        payment::REFUNDED
    } else {
        payment::PARTIALLY_REFUNDED
    };
    let mut model: payment::ActiveModel = paid.into();
    model.refunded_amount = Set(refunded);
    model.status = Set(status.to_owned());
    model.updated_at = Set(Utc::now());
    model.update(txn).await?;
    Ok(())
}

/// What a refund means for the invitee's money, in a sentence.
pub fn refund_status_label(r: &refund::Model) -> String {
    let amount: Money = money_of(r.amount, &r.currency);
    match r.status.as_str() {
        refund::SUCCEEDED => format!("{amount} refunded"),
        refund::PENDING => format!("{amount} refund on its way at Stripe"),
        refund::FAILED => format!("{amount} refund failed"),
        _ if r.attempts > 0 => format!("{amount} refund being retried"),
        _ => format!("{amount} refund requested"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::hours(hours)
    }

    #[test]
    fn an_invitee_is_refunded_in_full_up_to_the_window_and_not_after() {
        let policy = RefundPolicy { window_hours: 24 };
        let start = at(48);
        assert_eq!(policy.due(5_000, start, false, at(0)), 5_000);
        assert_eq!(
            policy.due(5_000, start, false, at(24)),
            5_000,
            "exactly the window ahead"
        );
        assert_eq!(policy.due(5_000, start, false, at(25)), 0);
    }

    #[test]
    fn a_host_who_cancels_always_refunds_what_is_left() {
        let policy = RefundPolicy { window_hours: 24 };
        assert_eq!(policy.due(5_000, at(1), true, at(0)), 5_000);
        assert_eq!(policy.due(0, at(1), true, at(0)), 0, "nothing left to refund");
    }

    #[test]
    fn a_zero_window_refunds_until_the_start() {
        let policy = RefundPolicy { window_hours: 0 };
        assert_eq!(policy.due(900, at(2), false, at(2)), 900);
        assert_eq!(policy.due(900, at(2), false, at(3)), 0);
    }
}
