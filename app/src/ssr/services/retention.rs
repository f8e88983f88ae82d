//! What Slotline keeps, and for how long. Finished jobs, events with their
//! webhook deliveries and attempts, the HubSpot sync log and the record of
//! Stripe events taken in (Stripe redelivers for three days at most) go
//! once older than the operator's retention (90 days unless set); OAuth states,
//! password-reset links and idempotency keys as soon as they expire. Dead jobs stay until they
//! are retried or dismissed; deliveries still being retried, and the
//! events they carry, stay until they are done. Rows go in batches, so
//! that no statement holds its table for long.
use crate::ssr::entities::{
    event, hubspot_sync_log, idempotency_key, job, oauth_state, password_reset, stripe_event, webhook_attempt,
    webhook_delivery,
};
use crate::ssr::services::bookings::KEY_LIFETIME_HOURS;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// Rows deleted by one statement.
const BATCH: u64 = 500;

/// How many rows of each kind went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub jobs: u64,
    pub events: u64,
    pub webhook_deliveries: u64,
    pub webhook_attempts: u64,
    pub sync_log: u64,
    pub oauth_states: u64,
    pub password_resets: u64,
    pub idempotency_keys: u64,
    pub stripe_events: u64,
}

/// Deletes what is past its time at `now`.
pub async fn purge(db: &impl ConnectionTrait, retention: Duration, now: DateTime<Utc>) -> Result<Purged, DbErr> {
    let cutoff = now - retention;
    let webhook_attempts = in_batches::<webhook_attempt::Entity>(
        db,
        webhook_attempt::Column::Id,
        Condition::all().add(webhook_attempt::Column::CreatedAt.lt(cutoff)),
    )
    .await?;
    let webhook_deliveries = in_batches::<webhook_delivery::Entity>(
        db,
        webhook_delivery::Column::Id,
        Condition::all()
            .add(webhook_delivery::Column::UpdatedAt.lt(cutoff))
            .add(webhook_delivery::Column::Status.is_in([webhook_delivery::SUCCEEDED, webhook_delivery::FAILED])),
    )
    .await?;
    let still_delivered = Query::select()
        .column(webhook_delivery::Column::EventId)
        .from(webhook_delivery::Entity)
        .to_owned();
    let events = in_batches::<event::Entity>(
        db,
        event::Column::Id,
        Condition::all()
            .add(event::Column::CreatedAt.lt(cutoff))
            .add(Expr::col(event::Column::Id).not_in_subquery(still_delivered)),
    )
    .await?;
    let jobs = in_batches::<job::Entity>(
        db,
        job::Column::Id,
        Condition::all()
            .add(job::Column::Status.eq(job::DONE))
            .add(job::Column::UpdatedAt.lt(cutoff)),
    )
    .await?;
    let sync_log = in_batches::<hubspot_sync_log::Entity>(
        db,
        hubspot_sync_log::Column::Id,
        Condition::all().add(hubspot_sync_log::Column::CreatedAt.lt(cutoff)),
    )
    .await?;
    let oauth_states = in_batches::<oauth_state::Entity>(
        db,
        oauth_state::Column::StateHash,
        Condition::all().add(oauth_state::Column::ExpiresAt.lt(now)),
    )
    .await?;
    let password_resets = in_batches::<password_reset::Entity>(
        db,
        password_reset::Column::TokenHash,
        Condition::all().add(password_reset::Column::ExpiresAt.lt(now)),
    )
    .await?;
    let idempotency_keys = in_batches::<idempotency_key::Entity>(
        db,
        idempotency_key::Column::Id,
        Condition::all().add(idempotency_key::Column::CreatedAt.lt(now - Duration::hours(KEY_LIFETIME_HOURS))),
    )
    .await?;
    let stripe_events = in_batches::<stripe_event::Entity>(
        db,
        stripe_event::Column::Id,
        Condition::all().add(stripe_event::Column::ReceivedAt.lt(cutoff)),
    )
    .await?;
    Ok(Purged {
        idempotency_keys,
        stripe_events,
        jobs,
        events,
        webhook_deliveries,
        webhook_attempts,
        sync_log,
        oauth_states,
        password_resets,
    })
}

/// Deletes the rows of `E` matching `filter`, [`BATCH`] at a time by their
/// string key `key`.
async fn in_batches<E: EntityTrait>(
    db: &impl ConnectionTrait,
    key: E::Column,
    filter: Condition,
) -> Result<u64, DbErr> {
    let mut deleted = 0;
    loop {
        let keys: Vec<String> = E::find()
            .select_only()
            .column(key)
            .filter(filter.clone())
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        if keys.is_empty() {
            return Ok(deleted);
        }
        let full = keys.len() as u64 == BATCH;
        deleted += E::delete_many().filter(key.is_in(keys)).exec(db).await?.rows_affected;
        if !full {
            return Ok(deleted);
        }
    }
}
