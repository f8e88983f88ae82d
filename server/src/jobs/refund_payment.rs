//! `RefundPayment`: asks Stripe to refund a cancelled paid booking. Every
//! answer is kept on the refund, for the host to see.
//!
//! Stripe replays a saved 500 for a reused idempotency key, so each call
//! has a key of its own (the refund's id and how many calls came before),
//! and a call after one whose outcome is unknown first reads the charge:
//! if it shows the refund, the earlier call went through.
use super::stripe_access::secret_key;
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::stripe::{Refund, StripeError};
use anyhow::anyhow;
use app::ssr::entities::refund;
use app::ssr::jobs::RefundPayment;
use app::ssr::services::payments::{self, RefundOutcome, record_refund};
use sea_orm::EntityTrait;

impl RunJob for RefundPayment {
    #[tracing::instrument(skip_all, fields(refund.id = %self.refund_id))]
    async fn run(&self, ctx: &JobContext, attempt: Attempt) -> Result<(), JobError> {
        let Some(asked) = refund::Entity::find_by_id(&self.refund_id).one(&ctx.db).await? else {
            return Ok(());
        };
        if asked.status != refund::REQUESTED {
            return Ok(());
        }
        let Some(paid) = payments::find(&ctx.db, &asked.payment_id).await? else {
            return Ok(());
        };
        let Some(intent) = paid.payment_intent_id.clone() else {
            let failed = RefundOutcome::Failed {
                stripe_refund_id: None,
                message: "The payment has no Stripe payment intent to refund.".to_owned(),
            };
            record_refund(&ctx.db, &asked.id, failed).await?;
            return Ok(());
        };
        let key = match secret_key(ctx, &paid.team_id).await {
            Ok(key) => key,
            Err(error) => {
                let waiting = RefundOutcome::Unanswered {
                    message: "Stripe is not connected; the refund waits until it is.".to_owned(),
                    last: attempt.last,
                };
                record_refund(&ctx.db, &asked.id, waiting).await?;
                return Err(error);
            }
        };
        if asked.attempts > 0
            && let Some(charge_id) = &paid.charge_id
        {
            match ctx.stripe.charge(&key, charge_id).await {
                Ok(charge) if charge.amount_refunded >= paid.refunded_amount + asked.amount => {
                    let done = RefundOutcome::Succeeded { stripe_refund_id: None };
                    record_refund(&ctx.db, &asked.id, done).await?;
                    return Ok(());
                }
                Ok(_) => {}
                Err(error) => return unanswered(ctx, &asked, error, attempt).await,
            }
        }
        let idempotency_key = match asked.attempts {
            0 => asked.id.to_string(),
            calls => format!("{}-{calls}", asked.id),
        };
        let outcome = match ctx.stripe.refund(&key, &idempotency_key, &intent, asked.amount).await {
            Ok(done) => outcome_of(done),
            Err(StripeError::Refused { message, .. }) => RefundOutcome::Failed {
                stripe_refund_id: None,
                message: format!("Stripe refused the refund: {message}"),
            },
            Err(other) => return unanswered(ctx, &asked, other, attempt).await,
        };
        record_refund(&ctx.db, &asked.id, outcome).await?;
        Ok(())
    }
}

/// What a refund Stripe made means for Slotline's.
fn outcome_of(done: Refund) -> RefundOutcome {
    match done.status.as_str() {
        "succeeded" => RefundOutcome::Succeeded {
            stripe_refund_id: Some(done.id),
        },
        "failed" | "canceled" => RefundOutcome::Failed {
            message: match done.failure_reason {
                Some(reason) => format!("Stripe could not refund: {reason}."),
                None => "Stripe could not refund.".to_owned(),
            },
            stripe_refund_id: Some(done.id),
        },
        _ => RefundOutcome::Pending {
            stripe_refund_id: done.id,
        },
    }
}

/// Keeps a call's failure on the refund and retries the job.
async fn unanswered(
    ctx: &JobContext,
    asked: &refund::Model,
    error: StripeError,
    attempt: Attempt,
) -> Result<(), JobError> {
    let message = error.to_string();
    let outcome = RefundOutcome::Unanswered {
        message: message.clone(),
        last: attempt.last,
    };
    record_refund(&ctx.db, &asked.id, outcome).await?;
    Err(JobError::Retry(anyhow!(message)))
}
