//! Webhooks: manual ones from the dashboard and Zapier's REST hooks
//! (`subscriptions`), the events they hear fanned out to them (`fan_out`),
//! each delivery attempt (`attempts`), the delivery log (`delivery_log`),
//! examples and tests (`samples`), and where a webhook may point (`target`).
pub mod attempts;
pub mod delivery_log;
pub mod fan_out;
pub mod samples;
pub mod subscriptions;
pub mod target;

pub use attempts::{AttemptEffect, AttemptRecord, Outgoing, outgoing, record_attempt};
pub use delivery_log::{log, redeliver};
pub use samples::{sample, send_test};
pub use subscriptions::{create_manual, create_zapier, delete, page, roll_secret, set_active, zapier_secret};

use crate::domain::WebhookId;
use crate::domain::webhooks::EventKey;
use crate::dto::WebhookDto;
use crate::error::AppError;
use crate::ssr::entities::{event_type, user, webhook};
use crate::ssr::services::event_types::{Listing, list_of};
use crate::ssr::time_fmt::moment_in;
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// A webhook failing this long without a success is switched off.
pub const DISABLE_AFTER_DAYS: i64 = 3;
/// How much of a response body the log keeps.
pub const RESPONSE_BODY_LIMIT: usize = 2_048;

/// The event keys a webhook listens for.
pub fn stored_events(hook: &webhook::Model) -> Vec<EventKey> {
    serde_json::from_str::<Vec<EventKey>>(&hook.events).unwrap_or_else(|error| {
        tracing::error!(webhook.id = %hook.id, %error, "unreadable webhook events");
        Vec::new()
    })
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
    list_of(db, &user.id, Listing::ByName).await
}

/// The user's webhook `id`; someone else's reads as not found.
async fn own(db: &impl ConnectionTrait, user: &user::Model, id: &WebhookId) -> Result<webhook::Model, AppError> {
    webhook::Entity::find_by_id(id)
        .filter(webhook::Column::UserId.eq(&user.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}
