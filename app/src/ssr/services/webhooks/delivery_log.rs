//! The delivery log of one webhook, and sending a delivery again.
use super::{event_types_of, own, to_dto};
use crate::domain::{WebhookDeliveryId, WebhookId};
use crate::dto::{AttemptDto, DeliveryDto, DeliveryLogDto};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{event, user, webhook_attempt, webhook_delivery};
use crate::ssr::jobs::{DeliverWebhook, enqueue};
use crate::ssr::time_fmt::second_in;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Deliveries the log page lists.
const LOG_LENGTH: u64 = 50;

/// Deliveries of one webhook with every attempt, newest first.
pub async fn log(db: &DatabaseConnection, user: &user::Model, id: &WebhookId) -> Result<DeliveryLogDto, AppError> {
    let hook = own(db, user, id).await?;
    let tz = user.zone();
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(&hook.id))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .limit(LOG_LENGTH)
        .find_also_related(event::Entity)
        .all(db)
        .await?;
    let ids: Vec<WebhookDeliveryId> = rows.iter().map(|(d, _)| d.id.clone()).collect();
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

/// Sends a delivery again, under the same delivery id. A delivery still
/// pending (queued, or waiting for its next retry) is already on its way:
/// asking again queues nothing more, however many clicks race.
pub async fn redeliver(
    db: &DatabaseConnection,
    user: &user::Model,
    delivery_id: &WebhookDeliveryId,
) -> Result<(), AppError> {
    let delivery = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    own(db, user, &delivery.webhook_id).await?;
    let txn = write_transaction(db).await?;
    let now = Utc::now();
    let reopened = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, Expr::value(webhook_delivery::PENDING))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(Some(now)))
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now))
        .filter(webhook_delivery::Column::Id.eq(&delivery.id))
        .filter(webhook_delivery::Column::Status.ne(webhook_delivery::PENDING))
        .exec(&txn)
        .await?;
    if reopened.rows_affected == 0 {
        tracing::info!(delivery.id = %delivery.id, "already pending; nothing more queued");
        return Ok(());
    }
    enqueue(
        &txn,
        &DeliverWebhook {
            delivery_id: delivery.id.clone(),
            webhook_id: Some(delivery.webhook_id.clone()),
        },
    )
    .await?;
    txn.commit().await?;
    tracing::info!(delivery.id = %delivery.id, "redelivery queued");
    Ok(())
}
