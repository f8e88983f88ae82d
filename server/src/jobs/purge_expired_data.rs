//! `PurgeExpiredData`: the daily purge of what is past its retention.
//! Each process with job workers schedules the day's run; its fixed id
//! makes it one run a day however many processes there are.
use super::{Attempt, JobContext, JobError, RunJob};
use app::ssr::jobs::PurgeExpiredData;
use app::ssr::services::retention;
use chrono::Utc;

impl RunJob for PurgeExpiredData {
    /// A large backlog goes in many batches; what is left waits a day.
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

    #[tracing::instrument(skip_all, fields(day = %self.day))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let purged = retention::purge(&ctx.db, ctx.retention, Utc::now()).await?;
        tracing::info!(?purged, "expired data purged");
        Ok(())
    }
}
