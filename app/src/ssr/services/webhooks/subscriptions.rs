//! Creating, listing and changing a user's webhooks, and which of them an
//! event goes to.
use super::{event_types_of, own, stored_events, target, to_dto};
use crate::domain::webhooks::EventKey;
use crate::domain::{EventTypeId, UserId, WebhookId};
use crate::dto::{EventTypeChoice, WebhookForm, WebhookSecret, WebhooksDto};
use crate::error::AppError;
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{event_type, user, webhook};
use crate::ssr::ids::new_webhook_secret;
use crate::ssr::services::{FieldErrors, lock_user, team_of};
use crate::ssr::time_fmt::moment_in;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

/// Whether `hook` wants an event of `key` about a booking of `event_type_id`.
pub(super) fn wants(hook: &webhook::Model, key: EventKey, event_type_id: Option<&EventTypeId>) -> bool {
    stored_events(hook).contains(&key)
        && match (&hook.event_type_id, key.is_booking()) {
            (Some(filter), true) => event_type_id == Some(filter),
            _ => true,
        }
}

/// The user's active webhooks: those an event of theirs may go to.
pub(super) async fn active_hooks(db: &impl ConnectionTrait, user_id: &UserId) -> Result<Vec<webhook::Model>, DbErr> {
    webhook::Entity::find()
        .filter(webhook::Column::UserId.eq(user_id))
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await
}

pub async fn page(db: &DatabaseConnection, user: &user::Model) -> Result<WebhooksDto, AppError> {
    let plan = team_of(db, user).await?.plan;
    let event_types = event_types_of(db, user).await?;
    let tz = user.zone();
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
    let plan = team_of(db, user).await?.plan;
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
) -> Result<Result<Option<EventTypeId>, String>, DbErr> {
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
    event_type_id: Option<EventTypeId>,
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
        id: Set(WebhookId::generate()),
        user_id: Set(user.id.clone()),
        team_id: Set(user.team_id.clone()),
        source: Set(new.source.to_owned()),
        target_url: Set(new.target_url),
        events: Set(serde_json::to_string(&new.events).map_err(|_| AppError::Internal)?),
        event_type_id: Set(new.event_type_id),
        secret_sealed: Set(secrets.seal(&secret)),
        previous_secret_sealed: Set(None),
        previous_secret_until: Set(None),
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
    Ok(WebhookSecret {
        secret,
        previous_valid_until: None,
    })
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

/// Deletes one of the user's webhooks; with `source`, only one of that kind
/// (the API removes Zapier's hooks, never the dashboard's).
pub async fn delete(
    db: &DatabaseConnection,
    user: &user::Model,
    id: &WebhookId,
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
pub async fn set_active(
    db: &DatabaseConnection,
    user: &user::Model,
    id: &WebhookId,
    active: bool,
) -> Result<(), AppError> {
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

/// How long a rolled secret still signs deliveries.
pub const PREVIOUS_SECRET_HOURS: i64 = 24;

/// Replaces a webhook's signing secret; the new one is shown once. The old
/// one keeps signing deliveries, beside the new, for a day, so that the
/// receiver can switch over without rejecting any.
pub async fn roll_secret(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &user::Model,
    id: &WebhookId,
) -> Result<WebhookSecret, AppError> {
    let secret = new_webhook_secret();
    let now = Utc::now();
    let until = now + chrono::Duration::hours(PREVIOUS_SECRET_HOURS);
    let found = own(db, user, id).await?;
    let previous = found.secret_sealed.clone();
    let mut model: webhook::ActiveModel = found.into();
    model.secret_sealed = Set(secrets.seal(&secret));
    model.previous_secret_sealed = Set(Some(previous));
    model.previous_secret_until = Set(Some(until));
    model.updated_at = Set(now);
    model.update(db).await?;
    Ok(WebhookSecret {
        secret,
        previous_valid_until: Some(moment_in(user.zone(), until)),
    })
}

/// A Zapier hook's secret: Zapier never showed it, so the dashboard does.
pub async fn zapier_secret(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &user::Model,
    id: &WebhookId,
) -> Result<WebhookSecret, AppError> {
    let hook = own(db, user, id).await?;
    if hook.source != webhook::ZAPIER {
        return Err(AppError::NotFound);
    }
    Ok(WebhookSecret {
        secret: secrets.open(&hook.secret_sealed).map_err(|_| AppError::Internal)?,
        previous_valid_until: None,
    })
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
            event_type_id: filter.map(EventTypeId::from),
            secret_sealed: String::new(),
            previous_secret_sealed: None,
            previous_secret_until: None,
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
        assert!(wants(&h, EventKey::BookingCreated, Some(&EventTypeId::from("e1"))));
        assert!(!wants(&h, EventKey::BookingCancelled, Some(&EventTypeId::from("e1"))));
    }

    #[test]
    fn an_event_type_filter_narrows_booking_events_only() {
        let h = hook(&[EventKey::BookingCreated, EventKey::ContactCreated], Some("e1"));
        assert!(wants(&h, EventKey::BookingCreated, Some(&EventTypeId::from("e1"))));
        assert!(!wants(&h, EventKey::BookingCreated, Some(&EventTypeId::from("e2"))));
        assert!(wants(&h, EventKey::ContactCreated, None));
    }
}
