//! `DeliverWebhook`: one attempt of one delivery, logged for the dashboard,
//! retried on the webhook schedule until it succeeds or runs out.
use super::{Attempt, JobContext, JobError, RunJob, backoff};
use crate::webhooks::Sent;
use anyhow::anyhow;
use app::domain::WebhookDeliveryId;
use app::ssr::jobs::DeliverWebhook;
use app::ssr::services::webhooks::{self, AttemptRecord};
use chrono::Utc;

impl RunJob for DeliverWebhook {
    /// A receiver has 10 s to answer; the rest is the log's bookkeeping.
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

    #[tracing::instrument(skip_all, fields(delivery.id = %self.delivery_id))]
    async fn run(&self, ctx: &JobContext, attempt: Attempt) -> Result<(), JobError> {
        deliver(ctx, &self.delivery_id, attempt).await
    }
}

async fn deliver(ctx: &JobContext, delivery_id: &WebhookDeliveryId, attempt: Attempt) -> Result<(), JobError> {
    let Some(out) = webhooks::outgoing(&ctx.db, &ctx.secrets, delivery_id).await? else {
        tracing::info!("the webhook or its event is gone; nothing to send");
        return Ok(());
    };
    let started = std::time::Instant::now();
    let (status_code, response_body, error, refused) = if out.webhook.active {
        match ctx.webhooks.send(&out, Utc::now().timestamp()).await {
            Sent::Answered { status, body } => (Some(status), Some(body), None, false),
            Sent::Failed { error, refused } => (None, None, Some(error), refused),
        }
    } else {
        (
            None,
            None,
            Some("The webhook is switched off; not sent.".to_owned()),
            true,
        )
    };
    let duration_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
    let now = Utc::now();
    let mut record = AttemptRecord {
        status_code,
        duration_ms,
        response_body,
        error,
        next_retry_at: None,
    };
    let delay = backoff::webhook_delay(attempt.number.max(1) as u32, ctx.webhook_first_retry);
    if !record.succeeded() && !refused && !attempt.last {
        record.next_retry_at = Some(now + delay);
    }
    webhooks::record_attempt(&ctx.db, &out, &record, now).await?;
    let result = match (record.succeeded(), refused, record.next_retry_at.is_some()) {
        (true, ..) => "delivered",
        (false, true, _) => "refused",
        (false, false, true) => "retrying",
        (false, false, false) => "failed",
    };
    metrics::counter!(crate::monitoring::WEBHOOK_DELIVERIES, "result" => result).increment(1);
    if record.succeeded() {
        return Ok(());
    }
    let reason = record
        .error
        .clone()
        .unwrap_or_else(|| format!("the target answered {}", status_code.unwrap_or_default()));
    match (record.next_retry_at, delay.to_std()) {
        (Some(_), Ok(wait)) => Err(JobError::RetryAfter(wait, anyhow!(reason))),
        (Some(_), Err(_)) => Err(JobError::Retry(anyhow!(reason))),
        (None, _) => Err(JobError::Permanent(anyhow!(reason))),
    }
}
