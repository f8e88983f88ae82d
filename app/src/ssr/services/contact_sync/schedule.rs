//! When contact sync runs on its own: an incremental pull every interval
//! and the nightly reconcile at the time the team chose, for every
//! connection syncing both ways. Each has a fixed job id per interval or
//! day, so every process may schedule them and each runs once.
use crate::ssr::entities::{integration_connection as connection, user};
use crate::ssr::jobs::{PullHubspotContacts, ReconcileHubspotContacts, schedule_once};
use crate::ssr::services::hubspot::{HubspotSettings, SyncDirection};
use chrono::{DateTime, Days, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// A fixed job id for `key`: job ids are at most 32 characters, which a
/// team id and a time slot together exceed.
fn job_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex::encode(&digest[..16])
}

/// The zone the nightly time is in: the one it was chosen in, else the zone
/// of whoever connected HubSpot.
pub async fn nightly_zone(
    db: &impl ConnectionTrait,
    found: &connection::Model,
    settings: &HubspotSettings,
) -> Result<Tz, DbErr> {
    if let Some(zone) = settings.nightly_zone {
        return Ok(zone.tz());
    }
    let connector = user::Entity::find_by_id(&found.connected_by).one(db).await?;
    Ok(connector.map_or(Tz::UTC, |who| who.zone()))
}

/// The nightly reconcile's instant on the local date of `now` in `zone`.
fn nightly_on(settings: &HubspotSettings, zone: Tz, date: chrono::NaiveDate) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&date.and_time(settings.nightly_time))
        .earliest()
        .map(|at| at.to_utc())
}

/// The next nightly reconcile after `now`.
pub fn next_nightly(settings: &HubspotSettings, zone: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let today = now.with_timezone(&zone).date_naive();
    [Some(today), today.checked_add_days(Days::new(1))]
        .into_iter()
        .flatten()
        .filter_map(|date| nightly_on(settings, zone, date))
        .find(|at| *at > now)
}

/// Queues what is due at `now`: this interval's pull and, once its time
/// has come, today's nightly reconcile.
pub async fn tick(db: &impl ConnectionTrait, now: DateTime<Utc>, pull_every: chrono::Duration) -> Result<(), DbErr> {
    let connections = connection::Entity::find()
        .filter(connection::Column::Provider.eq(connection::HUBSPOT))
        .all(db)
        .await?;
    let slot = now.timestamp() / pull_every.num_seconds().max(1);
    for found in connections {
        let settings = HubspotSettings::of(&found);
        if settings.direction != SyncDirection::BothWays {
            continue;
        }
        let team_id = found.team_id.clone();
        let pull = PullHubspotContacts {
            team_id: team_id.clone(),
        };
        schedule_once(db, &pull, job_id(&format!("hubspot-pull-{team_id}-{slot}")), now).await?;
        let zone = nightly_zone(db, &found, &settings).await?;
        let today = now.with_timezone(&zone).date_naive();
        if nightly_on(&settings, zone, today).is_some_and(|due| due <= now) {
            let nightly = ReconcileHubspotContacts {
                team_id: team_id.clone(),
                run_id: None,
            };
            schedule_once(db, &nightly, job_id(&format!("hubspot-nightly-{team_id}-{today}")), now).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    #[test]
    fn the_next_nightly_reconcile_is_today_until_its_time_then_tomorrow() {
        let settings = HubspotSettings {
            nightly_time: NaiveTime::from_hms_opt(3, 0, 0).unwrap(),
            ..HubspotSettings::default()
        };
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let before = Utc.with_ymd_and_hms(2026, 12, 3, 1, 0, 0).unwrap();
        assert_eq!(
            next_nightly(&settings, berlin, before),
            Some(Utc.with_ymd_and_hms(2026, 12, 3, 2, 0, 0).unwrap())
        );
        let after = Utc.with_ymd_and_hms(2026, 12, 3, 2, 30, 0).unwrap();
        assert_eq!(
            next_nightly(&settings, berlin, after),
            Some(Utc.with_ymd_and_hms(2026, 12, 4, 2, 0, 0).unwrap())
        );
    }
}
