//! `ApplyHubspotContactEvents`: what HubSpot's app webhooks reported. A
//! created, changed, restored or merged contact is read afresh with its
//! history (the events carry at most one property each, and may come out
//! of order or twice) and applied; a deleted one is archived here.
use super::contact_sync_steps::{Counts, log, open, read_and_apply};
use super::hubspot_session::CallError;
use super::{Attempt, JobContext, JobError, RunJob};
use app::ssr::jobs::ApplyHubspotContactEvents;
use app::ssr::services::contact_sync;
use chrono::Utc;

impl RunJob for ApplyHubspotContactEvents {
    #[tracing::instrument(skip_all, fields(team.id = %self.team_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some((mut session, portal)) = open(ctx, &self.team_id).await? else {
            return Ok(());
        };
        let mut counts = Counts::default();
        let now = Utc::now();
        for id in &self.deleted {
            if contact_sync::archive_remote(&ctx.db, &portal, id, now).await? {
                counts.archived += 1;
            }
        }
        for id in &self.restored {
            contact_sync::restore_remote(&ctx.db, &portal, id).await?;
        }
        let mut ids: Vec<String> = self.changed.clone();
        ids.extend(self.restored.iter().cloned());
        ids.extend(self.merged.iter().map(|m| m.new_id.clone()));
        ids.sort();
        ids.dedup();
        let merged = &self.merged;
        let known_merges = |remote: &mut contact_sync::RemoteContact| {
            for merge in merged.iter().filter(|m| m.new_id == remote.id) {
                remote.merged_ids.extend(merge.merged_ids.iter().cloned());
            }
        };
        match read_and_apply(ctx, &mut session, &portal, &ids, known_merges, &mut counts).await {
            Ok(()) | Err(CallError::Disconnected) => {}
            Err(error) => return Err(error.into()),
        }
        if counts.changed_anything() {
            log(ctx, &portal, true, &counts.summary()).await?;
        }
        Ok(())
    }
}
