//! Events as webhooks hear them: each is stored once with the exact body
//! every delivery sends, in the transaction of the change, and queued there
//! as one durable delivery per matching webhook.
use super::subscriptions::listening;
use crate::domain::webhooks::EventKey;
use crate::domain::{EventId, EventTypeId, UserId, WebhookDeliveryId, WebhookId};
use crate::ssr::entities::{event, webhook_delivery};
use crate::ssr::jobs::{DeliverWebhook, enqueue};
use crate::ssr::outbox::payloads::envelope_json;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::Serialize;

/// What an event is about, for storing and filtering.
pub struct Subject<'a> {
    pub user_id: &'a UserId,
    /// The booking's or contact's id.
    pub id: &'a str,
    pub event_type_id: Option<&'a EventTypeId>,
}

fn body<T: Serialize>(key: EventKey, at: DateTime<Utc>, data: &T) -> Result<String, DbErr> {
    envelope_json(key, at, data).map_err(|e| DbErr::Custom(format!("event body: {e}")))
}

/// Stores an event and queues one delivery per matching active webhook of
/// its user. `db` must be the transaction of the change.
pub async fn fan_out<T: Serialize>(
    db: &impl ConnectionTrait,
    key: EventKey,
    subject: Subject<'_>,
    data: &T,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let stored = insert(db, key, &subject, body(key, now, data)?, false, now).await?;
    for hook in listening(db, subject.user_id, key, subject.event_type_id).await? {
        queue_delivery(db, &hook.id, &stored.id).await?;
    }
    Ok(())
}

/// Stores a test event, queued for one webhook only.
pub async fn record_test<T: Serialize>(
    db: &impl ConnectionTrait,
    webhook_id: &WebhookId,
    key: EventKey,
    subject: Subject<'_>,
    data: &T,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let stored = insert(db, key, &subject, body(key, now, data)?, true, now).await?;
    queue_delivery(db, webhook_id, &stored.id).await
}

async fn insert(
    db: &impl ConnectionTrait,
    key: EventKey,
    subject: &Subject<'_>,
    body: String,
    is_test: bool,
    now: DateTime<Utc>,
) -> Result<event::Model, DbErr> {
    event::ActiveModel {
        id: Set(EventId::generate()),
        user_id: Set(subject.user_id.to_owned()),
        kind: Set(key.as_str().to_owned()),
        event_type_id: Set(subject.event_type_id.cloned()),
        subject_id: Set(subject.id.to_owned()),
        body: Set(body),
        is_test: Set(is_test),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

async fn queue_delivery(db: &impl ConnectionTrait, webhook_id: &WebhookId, event_id: &EventId) -> Result<(), DbErr> {
    let now = Utc::now();
    let delivery = webhook_delivery::ActiveModel {
        id: Set(WebhookDeliveryId::generate()),
        webhook_id: Set(webhook_id.to_owned()),
        event_id: Set(event_id.to_owned()),
        status: Set(webhook_delivery::PENDING.to_owned()),
        next_attempt_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    enqueue(
        db,
        &DeliverWebhook {
            delivery_id: delivery.id,
            webhook_id: Some(webhook_id.to_owned()),
        },
    )
    .await
}
