//! Events as webhooks hear them: each is stored once with the exact body
//! every delivery sends, in the transaction of the change, and queued there
//! as one durable delivery per matching webhook. A change's events, their
//! deliveries and the deliveries' jobs are each written in one statement.
use super::subscriptions::{active_hooks, wants};
use crate::domain::webhooks::EventKey;
use crate::domain::{EventId, EventTypeId, UserId, WebhookDeliveryId, WebhookId};
use crate::ssr::entities::{event, webhook, webhook_delivery};
use crate::ssr::jobs::{DeliverWebhook, JobBatch};
use crate::ssr::outbox::payloads::envelope_json;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde::Serialize;

/// What an event is about, for storing and filtering.
pub struct Subject<'a> {
    pub user_id: &'a UserId,
    /// The booking's or contact's id.
    pub id: &'a str,
    pub event_type_id: Option<&'a EventTypeId>,
}

/// One event for webhooks, with the body its deliveries send.
pub struct Announcement<'a> {
    key: EventKey,
    subject: Subject<'a>,
    body: String,
    at: DateTime<Utc>,
}

impl<'a> Announcement<'a> {
    pub fn new<T: Serialize>(key: EventKey, subject: Subject<'a>, data: &T) -> Result<Self, DbErr> {
        let at = Utc::now();
        let body = envelope_json(key, at, data).map_err(|e| DbErr::Custom(format!("event body: {e}")))?;
        Ok(Self { key, subject, body, at })
    }

    fn row(&self, id: EventId, is_test: bool) -> event::ActiveModel {
        event::ActiveModel {
            id: Set(id),
            user_id: Set(self.subject.user_id.to_owned()),
            kind: Set(self.key.as_str().to_owned()),
            event_type_id: Set(self.subject.event_type_id.cloned()),
            subject_id: Set(self.subject.id.to_owned()),
            body: Set(self.body.clone()),
            is_test: Set(is_test),
            created_at: Set(self.at),
        }
    }
}

/// Stores `announced` and queues one delivery per matching active webhook
/// of each event's user. `db` must be the transaction of the change.
pub async fn fan_out(
    db: &impl ConnectionTrait,
    announced: &[Announcement<'_>],
    jobs: &mut JobBatch,
) -> Result<(), DbErr> {
    if announced.is_empty() {
        return Ok(());
    }
    let ids: Vec<EventId> = announced.iter().map(|_| EventId::generate()).collect();
    event::Entity::insert_many(announced.iter().zip(&ids).map(|(a, id)| a.row(id.clone(), false)))
        .exec_without_returning(db)
        .await?;
    // A change's events are one user's, so this reads the hooks once.
    let mut hooks_of: Vec<(&UserId, Vec<webhook::Model>)> = Vec::new();
    let mut deliveries = Deliveries::default();
    for (announcement, event_id) in announced.iter().zip(&ids) {
        let user_id = announcement.subject.user_id;
        let at = match hooks_of.iter().position(|(user, _)| *user == user_id) {
            Some(at) => at,
            None => {
                hooks_of.push((user_id, active_hooks(db, user_id).await?));
                hooks_of.len() - 1
            }
        };
        for hook in &hooks_of[at].1 {
            if wants(hook, announcement.key, announcement.subject.event_type_id) {
                deliveries.add(&hook.id, event_id, jobs)?;
            }
        }
    }
    deliveries.insert(db).await
}

/// Stores a test event, queued for one webhook only.
pub async fn record_test(
    db: &impl ConnectionTrait,
    webhook_id: &WebhookId,
    announcement: Announcement<'_>,
) -> Result<(), DbErr> {
    let id = EventId::generate();
    event::Entity::insert(announcement.row(id.clone(), true))
        .exec_without_returning(db)
        .await?;
    let (mut deliveries, mut jobs) = (Deliveries::default(), JobBatch::default());
    deliveries.add(webhook_id, &id, &mut jobs)?;
    deliveries.insert(db).await?;
    jobs.enqueue(db).await
}

/// Delivery rows to write together, each with its job in the batch.
#[derive(Default)]
struct Deliveries(Vec<webhook_delivery::ActiveModel>);

impl Deliveries {
    fn add(&mut self, webhook_id: &WebhookId, event_id: &EventId, jobs: &mut JobBatch) -> Result<(), DbErr> {
        let now = Utc::now();
        let id = WebhookDeliveryId::generate();
        jobs.push(&DeliverWebhook {
            delivery_id: id.clone(),
            webhook_id: Some(webhook_id.to_owned()),
        })?;
        self.0.push(webhook_delivery::ActiveModel {
            id: Set(id),
            webhook_id: Set(webhook_id.to_owned()),
            event_id: Set(event_id.to_owned()),
            status: Set(webhook_delivery::PENDING.to_owned()),
            next_attempt_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
        });
        Ok(())
    }

    async fn insert(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        if !self.0.is_empty() {
            webhook_delivery::Entity::insert_many(self.0)
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }
}
