//! `HandleStripeEvent`: acts on one verified Stripe event. A completed
//! Checkout Session confirms its booking (with the charge's details read
//! from Stripe); an expired one frees its slot; a refund Stripe settled
//! later updates the refund.
use super::stripe_access::{fate, secret_key};
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::stripe::{CheckoutSession, Refund};
use anyhow::Context;
use app::ssr::entities::payment;
use app::ssr::jobs::HandleStripeEvent;
use app::ssr::services::payments::{PaidCheckout, Recorded, record_paid, release_hold, settle_refund};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

impl RunJob for HandleStripeEvent {
    #[tracing::instrument(skip_all, fields(stripe.event = %self.event_id, stripe.kind = %self.kind))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        match self.kind.as_str() {
            "checkout.session.completed" => completed(ctx, self).await,
            "checkout.session.expired" => expired(ctx, self).await,
            "refund.updated" => settle(ctx, &self.object).await,
            "charge.refunded" => {
                let refunds = self.object.pointer("/refunds/data").and_then(Value::as_array);
                for refund in refunds.into_iter().flatten() {
                    settle(ctx, refund).await?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn session(event: &HandleStripeEvent) -> Result<CheckoutSession, JobError> {
    serde_json::from_value(event.object.clone())
        .context("a Checkout Session Slotline cannot read")
        .map_err(JobError::Permanent)
}

async fn completed(ctx: &JobContext, event: &HandleStripeEvent) -> Result<(), JobError> {
    let session = session(event)?;
    if session.payment_status != "paid" {
        tracing::info!(payment_status = %session.payment_status, "a completed session not yet paid");
        return Ok(());
    }
    let key = secret_key(ctx, &event.team_id).await?;
    let mut paid = PaidCheckout {
        session_id: session.id.clone(),
        amount: session.amount_total.unwrap_or_default(),
        currency: session.currency.clone().unwrap_or_default(),
        payment_intent_id: session.payment_intent.clone(),
        charge_id: None,
        method: None,
        card_brand: None,
        card_last4: None,
    };
    if let Some(intent_id) = &session.payment_intent {
        let intent = ctx.stripe.payment_intent(&key, intent_id).await.map_err(fate)?;
        if let Some(charge_id) = intent.latest_charge {
            let charge = ctx.stripe.charge(&key, &charge_id).await.map_err(fate)?;
            let details = charge.payment_method_details.unwrap_or_default();
            let card = details.card.unwrap_or_default();
            paid.charge_id = Some(charge.id);
            paid.method = details.kind;
            paid.card_brand = card.brand;
            paid.card_last4 = card.last4;
        }
    }
    match record_paid(&ctx.db, paid).await? {
        Recorded::Confirmed(id) => tracing::info!(payment.id = %id, "payment recorded"),
        Recorded::AlreadyRecorded => tracing::info!("the payment was recorded before"),
        Recorded::Unknown => tracing::warn!(session = %session.id, "a paid session of no Slotline payment"),
    }
    Ok(())
}

async fn expired(ctx: &JobContext, event: &HandleStripeEvent) -> Result<(), JobError> {
    let session = session(event)?;
    let held = payment::Entity::find()
        .filter(payment::Column::CheckoutSessionId.eq(&session.id))
        .one(&ctx.db)
        .await?;
    if let Some(held) = held.filter(|p| p.status == payment::OPEN) {
        release_hold(&ctx.db, &held.id).await?;
    }
    Ok(())
}

async fn settle(ctx: &JobContext, object: &Value) -> Result<(), JobError> {
    let refund: Refund = serde_json::from_value(object.clone())
        .context("a refund Slotline cannot read")
        .map_err(JobError::Permanent)?;
    let failure = refund
        .failure_reason
        .map(|reason| format!("Stripe could not refund: {reason}."));
    settle_refund(&ctx.db, &refund.id, &refund.status, failure).await?;
    Ok(())
}
