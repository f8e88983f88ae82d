//! Webhooks: manual ones from the dashboard and Zapier's REST hooks, the
//! delivery log, and what each delivery attempt changes.
pub mod target;

use super::bookings::host_tz as viewer_tz;
use super::events::{self, BookingData, ContactData, EventTypeRef, HostRef, InviteeRef, PaymentData, Subject};
use super::{FieldErrors, lock_user, team_of};
use crate::domain::team::Plan;
use crate::domain::webhooks::EventKey;
use crate::dto::{
    AttemptDto, DeliveryDto, DeliveryLogDto, EventTypeChoice, WebhookDto, WebhookForm, WebhookSecret, WebhooksDto,
};
use crate::error::AppError;
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{event, event_type, user, webhook, webhook_attempt, webhook_delivery};
use crate::ssr::ids::{new_id, new_webhook_secret};
use crate::ssr::jobs::{Job, enqueue};
use crate::ssr::time_fmt::{iso, moment_in, second_in};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// A webhook failing this long without a success is switched off.
pub const DISABLE_AFTER_DAYS: i64 = 3;
/// How much of a response body the log keeps.
pub const RESPONSE_BODY_LIMIT: usize = 2_048;
/// Deliveries the log page lists.
const LOG_LENGTH: u64 = 50;

/// The event keys a webhook listens for.
pub fn stored_events(hook: &webhook::Model) -> Vec<EventKey> {
    serde_json::from_str::<Vec<EventKey>>(&hook.events).unwrap_or_else(|error| {
        tracing::error!(webhook.id = %hook.id, %error, "unreadable webhook events");
        Vec::new()
    })
}

/// Whether `hook` wants an event of `key` about a booking of `event_type_id`.
fn wants(hook: &webhook::Model, key: EventKey, event_type_id: Option<&str>) -> bool {
    stored_events(hook).contains(&key)
        && match (&hook.event_type_id, key.is_booking()) {
            (Some(filter), true) => event_type_id == Some(filter.as_str()),
            _ => true,
        }
}

/// The user's active webhooks that an event of `key` goes to.
pub async fn listening(
    db: &impl ConnectionTrait,
    user_id: &str,
    key: EventKey,
    event_type_id: Option<&str>,
) -> Result<Vec<webhook::Model>, DbErr> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(user_id))
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter(|hook| wants(hook, key, event_type_id))
        .collect())
}

fn label(hook: &webhook::Model) -> &'static str {
    if hook.source == webhook::ZAPIER {
        "Zapier"
    } else {
        "Manual"
    }
}

fn to_dto(hook: &webhook::Model, event_types: &[event_type::Model], tz: Tz) -> WebhookDto {
    WebhookDto {
        id: hook.id.clone(),
        label: label(hook).to_owned(),
        target_url: hook.target_url.clone(),
        events: stored_events(hook).iter().map(|k| k.as_str().to_owned()).collect(),
        event_type: hook.event_type_id.as_ref().map(|id| {
            event_types
                .iter()
                .find(|e| &e.id == id)
                .map_or("(deleted event type)".to_owned(), |e| e.name.clone())
        }),
        active: hook.active,
        disabled_reason: hook.disabled_reason.clone(),
        created: moment_in(tz, hook.created_at),
    }
}

async fn event_types_of(db: &impl ConnectionTrait, user: &user::Model) -> Result<Vec<event_type::Model>, DbErr> {
    event_type::Entity::find()
        .filter(event_type::Column::UserId.eq(&user.id))
        .order_by_asc(event_type::Column::Name)
        .all(db)
        .await
}

pub async fn page(db: &DatabaseConnection, user: &user::Model) -> Result<WebhooksDto, AppError> {
    let plan = Plan::parse(&team_of(db, user).await?.plan);
    let event_types = event_types_of(db, user).await?;
    let tz = viewer_tz(user);
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(&user.id))
        .order_by_asc(webhook::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(WebhooksDto {
        webhooks: hooks.iter().map(|h| to_dto(h, &event_types, tz)).collect(),
        event_types: event_types
            .iter()
            .map(|e| EventTypeChoice {
                id: e.id.clone(),
                name: e.name.clone(),
            })
            .collect(),
        plan_label: plan.label().to_owned(),
        limit: plan.webhook_limit().map(|n| n as u32),
    })
}

/// Refuses a new webhook beyond the plan's limit; `db` should be the
/// transaction that inserts it.
async fn check_limit(db: &impl ConnectionTrait, user: &user::Model) -> Result<(), AppError> {
    let plan = Plan::parse(&team_of(db, user).await?.plan);
    let Some(limit) = plan.webhook_limit() else {
        return Ok(());
    };
    let count = webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(&user.id))
        .count(db)
        .await?;
    if count as usize >= limit {
        return Err(AppError::PlanLimit(format!(
            "The {} plan allows {limit} webhooks per person, Zapier’s included. Delete one, or move to Pro for \
             unlimited webhooks.",
            plan.label()
        )));
    }
    Ok(())
}

/// The event type `raw` names, if it is one of the user's; blank is none.
async fn own_event_type(
    db: &impl ConnectionTrait,
    user: &user::Model,
    raw: &str,
) -> Result<Result<Option<String>, String>, DbErr> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Ok(None));
    }
    let found = event_type::Entity::find_by_id(raw)
        .filter(event_type::Column::UserId.eq(&user.id))
        .one(db)
        .await?;
    Ok(found
        .map(|e| Some(e.id))
        .ok_or_else(|| "Choose one of your event types.".to_owned()))
}

struct NewHook {
    source: &'static str,
    target_url: String,
    events: Vec<EventKey>,
    event_type_id: Option<String>,
}

async fn insert(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &user::Model,
    new: NewHook,
) -> Result<(webhook::Model, String), AppError> {
    let secret = new_webhook_secret();
    let now = Utc::now();
    let txn = write_transaction(db).await?;
    lock_user(&txn, &user.id).await?;
    check_limit(&txn, user).await?;
    let hook = webhook::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user.id.clone()),
        team_id: Set(user.team_id.clone()),
        source: Set(new.source.to_owned()),
        target_url: Set(new.target_url),
        events: Set(serde_json::to_string(&new.events).map_err(|_| AppError::Internal)?),
        event_type_id: Set(new.event_type_id),
        secret_sealed: Set(secrets.seal(&secret)),
        active: Set(true),
        failing_since: Set(None),
        disabled_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(webhook.id = %hook.id, source = new.source, "webhook created");
    Ok((hook, secret))
}

/// A webhook from the dashboard; its secret is in the answer, once.
pub async fn create_manual(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    allow_private: bool,
    user: &user::Model,
    form: WebhookForm,
) -> Result<WebhookSecret, AppError> {
    let mut errors = FieldErrors::default();
    let target_url = errors.check("target_url", target::check(&form.target_url, allow_private));
    let events: Vec<EventKey> = form.events.keys().filter_map(|k| EventKey::parse(k).ok()).collect();
    if events.is_empty() {
        errors.push("events", "Choose at least one event to send.");
    }
    let event_type_id = errors.check("event_type_id", own_event_type(db, user, &form.event_type_id).await?);
    errors.into_result()?;
    let (Some(target_url), Some(event_type_id)) = (target_url, event_type_id) else {
        return Err(AppError::Internal);
    };
    let (_, secret) = insert(
        db,
        secrets,
        user,
        NewHook {
            source: webhook::MANUAL,
            target_url: target_url.to_string(),
            events,
            event_type_id,
        },
    )
    .await?;
    Ok(WebhookSecret { secret })
}

/// A Zapier REST hook: one event, an optional event-type filter. Field
/// names in errors are the API's.
pub async fn create_zapier(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    allow_private: bool,
    user: &user::Model,
    target_url: &str,
    event: &str,
    event_type_id: Option<&str>,
) -> Result<webhook::Model, AppError> {
    let mut errors = FieldErrors::default();
    let url = errors.check("targetUrl", target::check(target_url, allow_private));
    let key = errors.check("event", EventKey::parse(event));
    let filter = match (key, event_type_id) {
        (Some(key), Some(_)) if !key.is_booking() => {
            errors.push("eventTypeId", "eventTypeId filters booking events only.");
            None
        }
        (_, raw) => errors.check("eventTypeId", own_event_type(db, user, raw.unwrap_or_default()).await?),
    };
    errors.into_result()?;
    let (Some(url), Some(key), Some(filter)) = (url, key, filter) else {
        return Err(AppError::Internal);
    };
    let (hook, _) = insert(
        db,
        secrets,
        user,
        NewHook {
            source: webhook::ZAPIER,
            target_url: url.to_string(),
            events: vec![key],
            event_type_id: filter,
        },
    )
    .await?;
    Ok(hook)
}

/// The user's webhook `id`; someone else's reads as not found.
async fn own(db: &impl ConnectionTrait, user: &user::Model, id: &str) -> Result<webhook::Model, AppError> {
    webhook::Entity::find_by_id(id)
        .filter(webhook::Column::UserId.eq(&user.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Deletes one of the user's webhooks; with `source`, only one of that kind
/// (the API removes Zapier's hooks, never the dashboard's).
pub async fn delete(
    db: &DatabaseConnection,
    user: &user::Model,
    id: &str,
    source: Option<&str>,
) -> Result<(), AppError> {
    let hook = own(db, user, id).await?;
    if source.is_some_and(|s| s != hook.source) {
        return Err(AppError::NotFound);
    }
    webhook::Entity::delete_by_id(&hook.id).exec(db).await?;
    tracing::info!(webhook.id = %hook.id, "webhook deleted");
    Ok(())
}

/// Switches a webhook on or off; switching on starts its failure count anew.
pub async fn set_active(db: &DatabaseConnection, user: &user::Model, id: &str, active: bool) -> Result<(), AppError> {
    let mut model: webhook::ActiveModel = own(db, user, id).await?.into();
    model.active = Set(active);
    if active {
        model.failing_since = Set(None);
        model.disabled_reason = Set(None);
    }
    model.updated_at = Set(Utc::now());
    model.update(db).await?;
    Ok(())
}

/// Replaces a webhook's signing secret; the new one is shown once.
pub async fn roll_secret(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &user::Model,
    id: &str,
) -> Result<WebhookSecret, AppError> {
    let secret = new_webhook_secret();
    let mut model: webhook::ActiveModel = own(db, user, id).await?.into();
    model.secret_sealed = Set(secrets.seal(&secret));
    model.updated_at = Set(Utc::now());
    model.update(db).await?;
    Ok(WebhookSecret { secret })
}

/// A Zapier hook's secret: Zapier never showed it, so the dashboard does.
pub async fn zapier_secret(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &user::Model,
    id: &str,
) -> Result<WebhookSecret, AppError> {
    let hook = own(db, user, id).await?;
    if hook.source != webhook::ZAPIER {
        return Err(AppError::NotFound);
    }
    Ok(WebhookSecret {
        secret: secrets.open(&hook.secret_sealed).map_err(|_| AppError::Internal)?,
    })
}

/// Sends the webhook an example of its first event, marked as a test.
pub async fn send_test(db: &DatabaseConnection, user: &user::Model, id: &str) -> Result<(), AppError> {
    let hook = own(db, user, id).await?;
    let key = stored_events(&hook)
        .first()
        .copied()
        .unwrap_or(EventKey::BookingCreated);
    let data = example(db, user, key, hook.event_type_id.as_deref()).await?;
    let txn = write_transaction(db).await?;
    events::record_test(
        &txn,
        &hook.id,
        key,
        Subject {
            user_id: &user.id,
            id: data["id"].as_str().unwrap_or_default(),
            event_type_id: hook.event_type_id.as_deref(),
        },
        &data,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deliveries of one webhook with every attempt, newest first.
pub async fn log(db: &DatabaseConnection, user: &user::Model, id: &str) -> Result<DeliveryLogDto, AppError> {
    let hook = own(db, user, id).await?;
    let tz = viewer_tz(user);
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(&hook.id))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .limit(LOG_LENGTH)
        .find_also_related(event::Entity)
        .all(db)
        .await?;
    let ids: Vec<String> = rows.iter().map(|(d, _)| d.id.clone()).collect();
    let attempts = webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.is_in(ids))
        .order_by_asc(webhook_attempt::Column::CreatedAt)
        .all(db)
        .await?;
    let deliveries = rows
        .into_iter()
        .map(|(delivery, event)| DeliveryDto {
            event: event.as_ref().map_or_else(String::new, |e| e.kind.clone()),
            is_test: event.is_some_and(|e| e.is_test),
            created: second_in(tz, delivery.created_at),
            status: delivery.status.clone(),
            attempts: attempts
                .iter()
                .filter(|a| a.delivery_id == delivery.id)
                .map(|a| AttemptDto {
                    at: second_in(tz, a.created_at),
                    status_code: a.status_code.and_then(|c| u16::try_from(c).ok()),
                    duration_ms: a.duration_ms.max(0) as u32,
                    response_body: a.response_body.clone(),
                    error: a.error.clone(),
                    next_retry: a.next_retry_at.map(|at| second_in(tz, at)),
                })
                .collect(),
            id: delivery.id,
        })
        .collect();
    Ok(DeliveryLogDto {
        webhook: to_dto(&hook, &event_types_of(db, user).await?, tz),
        time_zone: tz.name().to_owned(),
        deliveries,
    })
}

/// Sends a delivery again, under the same delivery id.
pub async fn redeliver(db: &DatabaseConnection, user: &user::Model, delivery_id: &str) -> Result<(), AppError> {
    let delivery = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    own(db, user, &delivery.webhook_id).await?;
    let txn = write_transaction(db).await?;
    let mut model: webhook_delivery::ActiveModel = delivery.into();
    model.status = Set(webhook_delivery::PENDING.to_owned());
    model.next_attempt_at = Set(Some(Utc::now()));
    model.updated_at = Set(Utc::now());
    let delivery = model.update(&txn).await?;
    enqueue(
        &txn,
        &Job::DeliverWebhook {
            delivery_id: delivery.id.clone(),
        },
    )
    .await?;
    txn.commit().await?;
    tracing::info!(delivery.id = %delivery.id, "redelivery queued");
    Ok(())
}

/// Zapier's performList: the `data` of the user's latest real events of
/// `key` (at most 3, newest first), or one realistic example.
pub async fn sample(
    db: &DatabaseConnection,
    user: &user::Model,
    key: EventKey,
    event_type_id: Option<&str>,
) -> Result<Vec<serde_json::Value>, AppError> {
    let mut query = event::Entity::find()
        .filter(event::Column::UserId.eq(&user.id))
        .filter(event::Column::Kind.eq(key.as_str()))
        .filter(event::Column::IsTest.eq(false));
    if let Some(id) = event_type_id {
        query = query.filter(event::Column::EventTypeId.eq(id));
    }
    let latest = query.order_by_desc(event::Column::CreatedAt).limit(3).all(db).await?;
    let data: Vec<serde_json::Value> = latest
        .iter()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.body).ok())
        .filter_map(|mut body| body.get_mut("data").map(serde_json::Value::take))
        .collect();
    if !data.is_empty() {
        return Ok(data);
    }
    Ok(vec![example(db, user, key, event_type_id).await?])
}

/// A realistic `data` object of `key`, built around the user's own event type.
async fn example(
    db: &DatabaseConnection,
    user: &user::Model,
    key: EventKey,
    event_type_id: Option<&str>,
) -> Result<serde_json::Value, AppError> {
    let event_types = event_types_of(db, user).await?;
    let chosen = event_type_id
        .and_then(|id| event_types.iter().find(|e| e.id == id))
        .or_else(|| event_types.first());
    let event_type = chosen.map_or_else(
        || EventTypeRef {
            id: new_id(),
            name: "Intro call".to_owned(),
            slug: "intro".to_owned(),
            duration: 30,
        },
        |e| EventTypeRef {
            id: e.id.clone(),
            name: e.name.clone(),
            slug: e.slug.clone(),
            duration: e.duration_min,
        },
    );
    let start = (Utc::now() + Duration::days(7))
        .date_naive()
        .and_hms_opt(15, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc());
    let end = start + Duration::minutes(event_type.duration.into());
    let location = chosen.and_then(|e| e.location.clone());
    let booking = BookingData {
        id: new_id(),
        event_type,
        start_time: iso(start),
        end_time: iso(end),
        status: if key == EventKey::BookingCancelled {
            "cancelled"
        } else {
            "confirmed"
        }
        .to_owned(),
        invitee: InviteeRef {
            name: "Ada Lovelace".to_owned(),
            email: "ada@example.com".to_owned(),
            timezone: "Europe/London".to_owned(),
        },
        host: HostRef {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
        },
        meeting_link: events::meeting_link(location.as_deref()),
        location,
        notes: Some("Looking forward to it.".to_owned()),
        is_recurring: false,
        recurring_group_id: None,
        cancel_reason: (key == EventKey::BookingCancelled).then(|| Some("Something came up.".to_owned())),
        previous_start_time: (key == EventKey::BookingRescheduled).then(|| iso(start - Duration::days(1))),
        previous_end_time: (key == EventKey::BookingRescheduled).then(|| iso(end - Duration::days(1))),
    };
    let value = match key {
        EventKey::BookingCreated | EventKey::BookingCancelled | EventKey::BookingRescheduled => {
            serde_json::to_value(booking)
        }
        EventKey::PaymentReceived => serde_json::to_value(PaymentData {
            id: new_id(),
            booking_id: booking.id,
            amount: 5_000,
            currency: "usd".to_owned(),
            payment_method: Some("card".to_owned()),
            transaction_id: Some("txn_3QExample".to_owned()),
        }),
        EventKey::ContactCreated => serde_json::to_value(ContactData {
            id: new_id(),
            name: "Ada Lovelace".to_owned(),
            email: "ada@example.com".to_owned(),
            phone: Some("+44 20 7946 0958".to_owned()),
            company: Some("Analytical Engines Ltd".to_owned()),
            notes: None,
            created_at: iso(Utc::now()),
            source: "booking".to_owned(),
        }),
    };
    value.map_err(|_| AppError::Internal)
}

/// What one delivery attempt sends.
pub struct Outgoing {
    pub delivery: webhook_delivery::Model,
    pub webhook: webhook::Model,
    pub event_kind: String,
    pub body: String,
    pub secret: String,
}

/// The delivery with its webhook, event and opened secret; `None` when the
/// webhook or event is gone.
pub async fn outgoing(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    delivery_id: &str,
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
    let secret = secrets
        .open(&webhook.secret_sealed)
        .map_err(|_| anyhow::anyhow!("the webhook's secret cannot be opened with this server key"))?;
    Ok(Some(Outgoing {
        delivery,
        webhook,
        event_kind: event.kind,
        body: event.body,
        secret,
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
    webhook_id: &str,
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
        &Job::SendWebhookDisabledEmail {
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

    fn hook(events: &[EventKey], filter: Option<&str>) -> webhook::Model {
        webhook::Model {
            id: "w".into(),
            user_id: "u".into(),
            team_id: "t".into(),
            source: webhook::MANUAL.into(),
            target_url: "https://example.com".into(),
            events: serde_json::to_string(events).unwrap(),
            event_type_id: filter.map(str::to_owned),
            secret_sealed: String::new(),
            active: true,
            failing_since: None,
            disabled_reason: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_webhook_hears_only_its_events() {
        let h = hook(&[EventKey::BookingCreated], None);
        assert!(wants(&h, EventKey::BookingCreated, Some("e1")));
        assert!(!wants(&h, EventKey::BookingCancelled, Some("e1")));
    }

    #[test]
    fn an_event_type_filter_narrows_booking_events_only() {
        let h = hook(&[EventKey::BookingCreated, EventKey::ContactCreated], Some("e1"));
        assert!(wants(&h, EventKey::BookingCreated, Some("e1")));
        assert!(!wants(&h, EventKey::BookingCreated, Some("e2")));
        assert!(wants(&h, EventKey::ContactCreated, None));
    }

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
