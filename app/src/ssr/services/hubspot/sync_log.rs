//! The sync log every attempt writes, and the owner's alert, at most once a week.
use crate::domain::{BookingId, TeamId};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{hubspot_sync_log as sync_log, integration_connection as connection};
use crate::ssr::ids::new_id;
use crate::ssr::jobs::{SendHubspotAlert, enqueue};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};

/// One line of the sync log.
pub struct SyncRecord<'a> {
    pub team_id: &'a TeamId,
    pub booking_id: Option<&'a BookingId>,
    pub action: &'a str,
    pub succeeded: bool,
    pub http_status: Option<u16>,
    pub message: &'a str,
    pub contact_id: Option<&'a str>,
    pub meeting_id: Option<&'a str>,
}

impl<'a> SyncRecord<'a> {
    pub fn failure(
        team_id: &'a TeamId,
        booking_id: Option<&'a BookingId>,
        action: &'a str,
        http_status: Option<u16>,
        message: &'a str,
    ) -> Self {
        Self {
            team_id,
            booking_id,
            action,
            succeeded: false,
            http_status,
            message,
            contact_id: None,
            meeting_id: None,
        }
    }
}

pub async fn record(db: &impl ConnectionTrait, line: SyncRecord<'_>) -> Result<(), AppError> {
    sync_log::ActiveModel {
        id: Set(new_id()),
        team_id: Set(line.team_id.to_owned()),
        booking_id: Set(line.booking_id.cloned()),
        action: Set(line.action.to_owned()),
        succeeded: Set(line.succeeded),
        http_status: Set(line.http_status.map(i32::from)),
        message: Set(line.message.chars().take(1_000).collect()),
        contact_id: Set(line.contact_id.map(str::to_owned)),
        meeting_id: Set(line.meeting_id.map(str::to_owned)),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records a success and remembers when the last one was.
pub async fn record_success(
    db: &DatabaseConnection,
    connection_id: &str,
    line: SyncRecord<'_>,
) -> Result<(), AppError> {
    let txn = write_transaction(db).await?;
    connection::Entity::update_many()
        .col_expr(connection::Column::LastSuccessAt, Expr::value(Utc::now()))
        .filter(connection::Column::Id.eq(connection_id))
        .exec(&txn)
        .await?;
    record(&txn, line).await?;
    txn.commit().await?;
    Ok(())
}

/// At most one failure email a week per connection.
pub const ALERT_INTERVAL_DAYS: i64 = 7;

/// A failure at `now` is emailed only if the last email went out at or
/// before this instant.
pub fn alert_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(ALERT_INTERVAL_DAYS)
}

/// Emails the team's owner about a failure unless one went out this week.
/// Returns whether an email was queued.
pub async fn alert_owner(
    db: &DatabaseConnection,
    team_id: &TeamId,
    problem: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = write_transaction(db).await?;
    // One conditional update claims the week's email, so two jobs failing at
    // once cannot both send it.
    let claimed = connection::Entity::update_many()
        .col_expr(connection::Column::LastErrorEmailAt, Expr::value(now))
        .filter(connection::Column::TeamId.eq(team_id))
        .filter(
            Condition::any()
                .add(connection::Column::LastErrorEmailAt.is_null())
                .add(connection::Column::LastErrorEmailAt.lte(alert_cutoff(now))),
        )
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(false);
    }
    enqueue(
        &txn,
        &SendHubspotAlert {
            team_id: team_id.to_owned(),
            problem: problem.to_owned(),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Whether a failure at `now` is emailed, given when the last email went.
    fn alert_due(last_sent: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        last_sent.is_none_or(|last| last <= alert_cutoff(now))
    }

    #[test]
    fn one_failure_email_a_week_at_most() {
        let first = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        assert!(alert_due(None, first), "the first failure is always told");
        assert!(!alert_due(Some(first), first + Duration::hours(1)));
        assert!(!alert_due(Some(first), first + Duration::days(6) + Duration::hours(23)));
        assert!(alert_due(Some(first), first + Duration::days(7)));
        assert!(alert_due(Some(first), first + Duration::days(8)));
    }
}
