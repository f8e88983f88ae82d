//! Reconcile runs: one at a time per team, their cursor saved after every
//! page so a restarted process resumes where the last one stopped, and
//! their counters shown as the card's progress bar.
use crate::domain::TeamId;
use crate::ssr::entities::contact_sync_run as run;
use crate::ssr::ids::new_id;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// "Both ways" was switched on.
    Initial,
    /// "Reconcile now".
    Manual,
    Nightly,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Manual => "manual",
            Self::Nightly => "nightly",
        }
    }
}

pub const PULL: &str = "pull";
pub const PUSH: &str = "push";
pub const DONE: &str = "done";

/// The team's running reconcile, if any.
pub async fn running(db: &impl ConnectionTrait, team_id: &TeamId) -> Result<Option<run::Model>, DbErr> {
    run::Entity::find()
        .filter(run::Column::TeamId.eq(team_id))
        .filter(run::Column::Status.eq(run::RUNNING))
        .one(db)
        .await
}

/// The team's latest reconcile, running or not.
pub async fn latest(db: &impl ConnectionTrait, team_id: &TeamId) -> Result<Option<run::Model>, DbErr> {
    run::Entity::find()
        .filter(run::Column::TeamId.eq(team_id))
        .order_by_desc(run::Column::StartedAt)
        .one(db)
        .await
}

/// The team's latest finished reconcile.
pub async fn last_finished(db: &impl ConnectionTrait, team_id: &TeamId) -> Result<Option<run::Model>, DbErr> {
    run::Entity::find()
        .filter(run::Column::TeamId.eq(team_id))
        .filter(run::Column::Status.eq(run::FINISHED))
        .order_by_desc(run::Column::StartedAt)
        .one(db)
        .await
}

/// Starts a reconcile, unless one is running: then that one is the answer
/// and `false` says no new one started.
pub async fn start(
    db: &impl ConnectionTrait,
    team_id: &TeamId,
    account_id: &str,
    trigger: Trigger,
    now: DateTime<Utc>,
) -> Result<(run::Model, bool), DbErr> {
    if let Some(going) = running(db, team_id).await? {
        return Ok((going, false));
    }
    let started = run::ActiveModel {
        id: Set(new_id()),
        team_id: Set(team_id.clone()),
        account_id: Set(account_id.to_owned()),
        trigger: Set(trigger.as_str().to_owned()),
        status: Set(run::RUNNING.to_owned()),
        phase: Set(PULL.to_owned()),
        pull_after: Set(None),
        push_after: Set(None),
        total: Set(0),
        processed: Set(0),
        pulled: Set(0),
        pushed: Set(0),
        merged: Set(0),
        conflicts: Set(0),
        skipped: Set(0),
        message: Set(None),
        started_at: Set(now),
        finished_at: Set(None),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok((started, true))
}

/// Stores a run's cursor and counters as they are now.
pub async fn save(db: &impl ConnectionTrait, current: &run::Model) -> Result<(), DbErr> {
    let mut row: run::ActiveModel = current.clone().into();
    for column in [
        run::Column::Phase,
        run::Column::PullAfter,
        run::Column::PushAfter,
        run::Column::Total,
        run::Column::Processed,
        run::Column::Pulled,
        run::Column::Pushed,
        run::Column::Merged,
        run::Column::Conflicts,
        run::Column::Skipped,
        run::Column::Status,
        run::Column::Message,
        run::Column::FinishedAt,
    ] {
        row.reset(column);
    }
    row.updated_at = Set(Utc::now());
    // Only a running run moves on: one stopped meanwhile stays stopped.
    run::Entity::update_many()
        .set(row)
        .filter(run::Column::Id.eq(&current.id))
        .filter(run::Column::Status.eq(run::RUNNING))
        .exec(db)
        .await?;
    Ok(())
}

/// Stops the team's running reconcile (disconnected, or back to one-way).
pub async fn stop_team(db: &impl ConnectionTrait, team_id: &TeamId, why: &str) -> Result<(), DbErr> {
    let now = Utc::now();
    run::Entity::update_many()
        .col_expr(run::Column::Status, Expr::value(run::STOPPED))
        .col_expr(run::Column::Message, Expr::value(why))
        .col_expr(run::Column::FinishedAt, Expr::value(now))
        .col_expr(run::Column::UpdatedAt, Expr::value(now))
        .filter(run::Column::TeamId.eq(team_id))
        .filter(run::Column::Status.eq(run::RUNNING))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the run is still going (nobody stopped it).
pub async fn still_running(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbErr> {
    Ok(run::Entity::find_by_id(id)
        .filter(run::Column::Status.eq(run::RUNNING))
        .one(db)
        .await?
        .is_some())
}
