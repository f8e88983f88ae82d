//! `ExpireCheckoutHold`: ends an unpaid hold. Stripe is told first (the
//! session is expired, so nobody can pay it any more); only then is the
//! slot freed. Should the invitee have paid meanwhile, Stripe refuses the
//! expiry and the payment wins: its webhook confirms the booking.
use super::stripe_access::{fate, secret_key};
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::stripe::StripeError;
use app::ssr::entities::payment;
use app::ssr::jobs::ExpireCheckoutHold;
use app::ssr::services::payments;

impl RunJob for ExpireCheckoutHold {
    #[tracing::instrument(skip_all, fields(payment.id = %self.payment_id))]
    async fn run(&self, ctx: &JobContext, attempt: Attempt) -> Result<(), JobError> {
        let Some(held) = payments::find(&ctx.db, &self.payment_id).await? else {
            return Ok(());
        };
        if held.status != payment::OPEN {
            return Ok(());
        }
        if let Some(session_id) = &held.checkout_session_id {
            let key = secret_key(ctx, &held.team_id).await?;
            match ctx.stripe.expire_checkout(&key, session_id, attempt.number).await {
                Ok(_) => {}
                // Over already: paid (the payment wins) or expired.
                Err(StripeError::Refused { .. }) => {
                    let session = ctx.stripe.checkout_session(&key, session_id).await.map_err(fate)?;
                    if session.status == "complete" {
                        tracing::info!("paid as the hold ended; waiting for Stripe's event to confirm it");
                        return Ok(());
                    }
                }
                Err(other) => return Err(fate(other)),
            }
        }
        if payments::release_hold(&ctx.db, &self.payment_id).await? {
            tracing::info!("the unpaid hold ended and its slot is free");
        }
        Ok(())
    }
}
