//! What one delivery attempt sends, and what its outcome changes: the log,
//! the delivery's status, and the webhook's run of failures.
use super::DISABLE_AFTER_DAYS;
use crate::domain::{WebhookDeliveryId, WebhookId};
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{event, webhook, webhook_attempt, webhook_delivery};
use crate::ssr::ids::new_id;
use crate::ssr::jobs::{SendWebhookDisabledEmail, enqueue};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

/// What one delivery attempt sends.
pub struct Outgoing {
    pub delivery: webhook_delivery::Model,
    pub webhook: webhook::Model,
    pub event_kind: String,
    pub body: String,
    pub secret: String,
    /// The secret before a roll, while it still signs deliveries too.
    pub previous_secret: Option<String>,
}

/// The delivery with its webhook, event and opened secret; `None` when the
/// webhook or event is gone.
pub async fn outgoing(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    delivery_id: &WebhookDeliveryId,
) -> anyhow::Result<Option<Outgoing>> {
    let Some((delivery, Some(event))) = webhook_delivery::Entity::find_by_id(delivery_id)
        .find_also_related(event::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(webhook) = webhook::Entity::find_by_id(&delivery.webhook_id).one(db).await? else {
        return Ok(None);
    };
    let unopened = |_| anyhow::anyhow!("the webhook's secret cannot be opened with this server key");
    let secret = secrets.open(&webhook.secret_sealed).map_err(unopened)?;
    let previous_secret = match (&webhook.previous_secret_sealed, webhook.previous_secret_until) {
        (Some(sealed), Some(until)) if until > Utc::now() => Some(secrets.open(sealed).map_err(unopened)?),
        _ => None,
    };
    Ok(Some(Outgoing {
        delivery,
        webhook,
        event_kind: event.kind,
        body: event.body,
        secret,
        previous_secret,
    }))
}

/// How an attempt ended, as far as the log and the retry schedule care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub status_code: Option<u16>,
    pub duration_ms: u32,
    pub response_body: Option<String>,
    pub error: Option<String>,
    /// When the next attempt runs; `None` when no retry follows.
    pub next_retry_at: Option<DateTime<Utc>>,
}

impl AttemptRecord {
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// What an attempt changed beyond the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEffect {
    None,
    /// The webhook failed too long and was switched off now.
    Disabled,
    /// Zapier answered 410: the subscription was deleted.
    Unsubscribed,
}

/// Logs an attempt and updates the delivery and its webhook.
pub async fn record_attempt(
    db: &DatabaseConnection,
    out: &Outgoing,
    attempt: &AttemptRecord,
    now: DateTime<Utc>,
) -> Result<AttemptEffect, DbErr> {
    if attempt.status_code == Some(410) && out.webhook.source == webhook::ZAPIER {
        webhook::Entity::delete_by_id(&out.webhook.id).exec(db).await?;
        tracing::info!(webhook.id = %out.webhook.id, "Zapier answered 410; subscription deleted");
        return Ok(AttemptEffect::Unsubscribed);
    }
    let txn = write_transaction(db).await?;
    webhook_attempt::ActiveModel {
        id: Set(new_id()),
        delivery_id: Set(out.delivery.id.clone()),
        status_code: Set(attempt.status_code.map(i32::from)),
        duration_ms: Set(attempt.duration_ms.min(i32::MAX as u32) as i32),
        response_body: Set(attempt.response_body.clone()),
        error: Set(attempt.error.clone()),
        next_retry_at: Set(attempt.next_retry_at),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let status = match (attempt.succeeded(), attempt.next_retry_at) {
        (true, _) => webhook_delivery::SUCCEEDED,
        (false, Some(_)) => webhook_delivery::RETRYING,
        (false, None) => webhook_delivery::FAILED,
    };
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(status))
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(attempt.next_retry_at),
        )
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_delivery::Column::Id.eq(&out.delivery.id))
        .exec(&txn)
        .await?;
    let effect = if attempt.succeeded() {
        webhook::Entity::update_many()
            .col_expr(
                webhook::Column::FailingSince,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(webhook::Column::Id.eq(&out.webhook.id))
            .exec(&txn)
            .await?;
        AttemptEffect::None
    } else {
        record_failure(&txn, &out.webhook.id, now).await?
    };
    txn.commit().await?;
    Ok(effect)
}

/// Starts or continues the webhook's run of failures, and switches it off
/// (telling its owner, once) when the run has lasted three days.
async fn record_failure(
    db: &impl ConnectionTrait,
    webhook_id: &WebhookId,
    now: DateTime<Utc>,
) -> Result<AttemptEffect, DbErr> {
    webhook::Entity::update_many()
        .col_expr(webhook::Column::FailingSince, Expr::value(now))
        .filter(webhook::Column::Id.eq(webhook_id))
        .filter(webhook::Column::FailingSince.is_null())
        .exec(db)
        .await?;
    let disabled = webhook::Entity::update_many()
        .col_expr(webhook::Column::Active, Expr::value(false))
        .col_expr(
            webhook::Column::DisabledReason,
            Expr::value(format!(
                "Switched off by Slotline after {DISABLE_AFTER_DAYS} days of failed deliveries."
            )),
        )
        .col_expr(webhook::Column::UpdatedAt, Expr::value(now))
        .filter(webhook::Column::Id.eq(webhook_id))
        .filter(webhook::Column::Active.eq(true))
        .filter(webhook::Column::FailingSince.lte(now - Duration::days(DISABLE_AFTER_DAYS)))
        .exec(db)
        .await?;
    if disabled.rows_affected == 0 {
        return Ok(AttemptEffect::None);
    }
    enqueue(
        db,
        &SendWebhookDisabledEmail {
            webhook_id: webhook_id.to_owned(),
        },
    )
    .await?;
    tracing::warn!(webhook.id = %webhook_id, "webhook switched off after failing for days");
    Ok(AttemptEffect::Disabled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_is_a_2xx_answer() {
        let mut record = AttemptRecord {
            status_code: Some(204),
            duration_ms: 3,
            response_body: None,
            error: None,
            next_retry_at: None,
        };
        assert!(record.succeeded());
        record.status_code = Some(302);
        assert!(!record.succeeded());
        record.status_code = None;
        record.error = Some("timed out".into());
        assert!(!record.succeeded());
    }
}
