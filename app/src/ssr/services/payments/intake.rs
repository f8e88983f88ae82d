//! Taking in a verified Stripe event: its id is recorded and the work
//! queued in one transaction, so each event is acted on once however often
//! Stripe delivers it.
use crate::domain::TeamId;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::stripe_event;
use crate::ssr::jobs::{HandleStripeEvent, enqueue};
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, Set};

/// The event types Slotline acts on; others are recorded and left alone.
pub const HANDLED: [&str; 4] = [
    "checkout.session.completed",
    "checkout.session.expired",
    "charge.refunded",
    "refund.updated",
];

/// Records `event_id` for `team_id` and queues its handling; false when it
/// was taken in before.
pub async fn take_in(
    db: &DatabaseConnection,
    team_id: &TeamId,
    event_id: &str,
    kind: &str,
    object: serde_json::Value,
) -> Result<bool, DbErr> {
    let txn = write_transaction(db).await?;
    let inserted = stripe_event::Entity::insert(stripe_event::ActiveModel {
        id: Set(event_id.to_owned()),
        team_id: Set(team_id.clone()),
        kind: Set(kind.to_owned()),
        received_at: Set(Utc::now()),
    })
    .on_conflict(OnConflict::column(stripe_event::Column::Id).do_nothing().to_owned())
    .exec_without_returning(&txn)
    .await?;
    if inserted == 0 {
        return Ok(false);
    }
    if HANDLED.contains(&kind) {
        let job = HandleStripeEvent {
            team_id: team_id.clone(),
            event_id: event_id.to_owned(),
            kind: kind.to_owned(),
            object,
        };
        enqueue(&txn, &job).await?;
    }
    txn.commit().await?;
    Ok(true)
}
