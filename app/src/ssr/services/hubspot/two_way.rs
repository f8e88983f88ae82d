//! Two-way contact sync on the card: the owner's choices (direction,
//! lifecycle stages, nightly time), "Reconcile now", and what the card
//! shows of it. Switching to "Both ways" starts the initial reconcile in the
//! same transaction; switching back stops a running one.
use super::connect::require_manager;
use super::{HubspotSettings, SyncDirection, connection_of_team};
use crate::domain::TimeZoneName;
use crate::dto::{ContactSyncCard, ReconcileProgress, StageChoice};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{contact_sync_run as run, integration_connection as connection, user};
use crate::ssr::jobs::{ReconcileHubspotContacts, enqueue};
use crate::ssr::services::contact_sync::runs::{self, Trigger};
use crate::ssr::services::contact_sync::schedule::{next_nightly, nightly_zone};
use crate::ssr::services::contacts::stage_label;
use crate::ssr::time_fmt::moment_in;
use chrono::{NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};
use std::collections::BTreeMap;

/// At most this many stages may be chosen (HubSpot's `IN` filter takes a list).
const MAX_STAGES: usize = 20;

/// The stages a portal offers when its own list cannot be read: HubSpot's defaults.
pub const DEFAULT_STAGE_VALUES: [&str; 8] = [
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
];

/// The form: `direction` is `to_hubspot` or `both_ways`; `stages` has a
/// key per stage ticked; `nightly_time` is `HH:MM` in the user's zone.
pub async fn save(
    db: &DatabaseConnection,
    user: &user::Model,
    direction: &str,
    stages: &BTreeMap<String, String>,
    nightly_time: &str,
) -> Result<(), AppError> {
    require_manager(db, user).await?;
    let direction = match direction {
        "to_hubspot" => SyncDirection::ToHubspot,
        "both_ways" => SyncDirection::BothWays,
        _ => return Err(AppError::field("direction", "Choose which way contacts flow.")),
    };
    let chosen: Vec<String> = stages
        .keys()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.len() <= 100)
        .collect();
    if direction == SyncDirection::BothWays && chosen.is_empty() {
        return Err(AppError::field(
            "stages",
            "Choose at least one lifecycle stage to bring in from HubSpot.",
        ));
    }
    if chosen.len() > MAX_STAGES {
        return Err(AppError::field(
            "stages",
            format!("Choose at most {MAX_STAGES} lifecycle stages."),
        ));
    }
    let Ok(nightly) = NaiveTime::parse_from_str(nightly_time.trim(), "%H:%M") else {
        return Err(AppError::field(
            "nightly_time",
            "Enter the time as hours and minutes, such as 03:00.",
        ));
    };
    let txn = write_transaction(db).await?;
    let found = connection_of_team(&txn, &user.team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut settings = HubspotSettings::of(&found);
    let switched_on = direction == SyncDirection::BothWays && settings.direction != SyncDirection::BothWays;
    settings.direction = direction;
    if !chosen.is_empty() {
        settings.lifecycle_stages = chosen;
    }
    settings.nightly_time = nightly;
    settings.nightly_zone = Some(user.time_zone);
    let mut model: connection::ActiveModel = found.clone().into();
    model.settings = Set(settings.to_json());
    model.updated_at = Set(Utc::now());
    let found = model.update(&txn).await?;
    if switched_on {
        start(&txn, &found, Trigger::Initial).await?;
    } else if direction == SyncDirection::ToHubspot {
        runs::stop_team(&txn, &found.team_id, "Contact sync was set back to Slotline → HubSpot.").await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Starts a reconcile and queues its job, unless one is running.
async fn start(db: &impl ConnectionTrait, found: &connection::Model, trigger: Trigger) -> Result<(), AppError> {
    let (started, new) = runs::start(db, &found.team_id, &found.account_id, trigger, Utc::now()).await?;
    if new {
        let job = ReconcileHubspotContacts {
            team_id: found.team_id.clone(),
            run_id: Some(started.id),
        };
        enqueue(db, &job).await?;
    }
    Ok(())
}

/// "Reconcile now".
pub async fn reconcile_now(db: &DatabaseConnection, user: &user::Model) -> Result<(), AppError> {
    require_manager(db, user).await?;
    let txn = write_transaction(db).await?;
    let found = connection_of_team(&txn, &user.team_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if HubspotSettings::of(&found).direction != SyncDirection::BothWays {
        return Err(AppError::Request(
            "reconciling needs two-way sync: choose “Both ways” first.".to_owned(),
        ));
    }
    start(&txn, &found, Trigger::Manual).await?;
    txn.commit().await?;
    Ok(())
}

fn progress_of(found: run::Model, tz: chrono_tz::Tz) -> ReconcileProgress {
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    ReconcileProgress {
        running: found.status == run::RUNNING,
        status: found.status,
        trigger: found.trigger,
        total: count(found.total),
        processed: count(found.processed),
        pulled: count(found.pulled),
        pushed: count(found.pushed),
        merged: count(found.merged),
        conflicts: count(found.conflicts),
        skipped: count(found.skipped),
        message: found.message,
        started: moment_in(tz, found.started_at),
        finished: found.finished_at.map(|at| moment_in(tz, at)),
    }
}

/// The team's latest reconcile, for the progress bar the card polls.
pub async fn progress(db: &DatabaseConnection, user: &user::Model) -> Result<Option<ReconcileProgress>, AppError> {
    Ok(runs::latest(db, &user.team_id)
        .await?
        .map(|found| progress_of(found, user.zone())))
}

/// The two-way part of the card; `offered` are the portal's lifecycle
/// stages (value, label) when they could be read.
pub async fn card(
    db: &DatabaseConnection,
    user: &user::Model,
    found: &connection::Model,
    offered: Option<Vec<(String, String)>>,
) -> Result<ContactSyncCard, AppError> {
    let settings = HubspotSettings::of(found);
    let tz = user.zone();
    let offered = offered.unwrap_or_else(|| {
        DEFAULT_STAGE_VALUES
            .iter()
            .map(|v| ((*v).to_owned(), stage_label(v)))
            .collect()
    });
    let mut stages: Vec<StageChoice> = offered
        .into_iter()
        .map(|(value, label)| StageChoice {
            chosen: settings.lifecycle_stages.contains(&value),
            value,
            label,
        })
        .collect();
    // A chosen stage the portal no longer lists stays visible, to be unticked.
    for value in &settings.lifecycle_stages {
        if !stages.iter().any(|s| &s.value == value) {
            stages.push(StageChoice {
                value: value.clone(),
                label: stage_label(value),
                chosen: true,
            });
        }
    }
    let both_ways = settings.direction == SyncDirection::BothWays;
    let zone = nightly_zone(db, found, &settings).await?;
    let now = Utc::now();
    Ok(ContactSyncCard {
        both_ways,
        stages,
        nightly_time: settings.nightly_time.format("%H:%M").to_string(),
        zone: settings
            .nightly_zone
            .map_or_else(|| zone.name().to_owned(), |z: TimeZoneName| z.name().to_owned()),
        last_reconcile: runs::last_finished(db, &found.team_id)
            .await?
            .and_then(|r| r.finished_at)
            .map(|at| moment_in(tz, at)),
        next_reconcile: both_ways
            .then(|| next_nightly(&settings, zone, now))
            .flatten()
            .map(|at| moment_in(tz, at)),
        webhooks_seen: found.webhook_seen_at.map(|at| moment_in(tz, at)),
        progress: runs::latest(db, &found.team_id).await?.map(|r| progress_of(r, tz)),
    })
}
