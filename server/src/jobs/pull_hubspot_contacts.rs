//! `PullHubspotContacts`: every interval, the contacts HubSpot changed since
//! the last pull (by `lastmodifieddate`, overlapping the last window by a
//! minute because search lags writes), so that a change reaches Slotline
//! even when a webhook was missed or the app has none. Past HubSpot's
//! 10,000-result cap the search is sliced again from the newest time seen.
use super::contact_sync_steps::{Counts, apply_all, log, open, read_and_apply};
use super::hubspot_session::{CallError, HubspotSession};
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::hubspot::contacts::{SEARCH_CAP, SEARCH_PAGE, filter};
use app::ssr::jobs::PullHubspotContacts;
use app::ssr::services::contact_sync::{self, Origin, Portal};
use chrono::{DateTime, Duration, Utc};

/// How far each pull reaches back before the last one's newest change.
const OVERLAP: Duration = Duration::seconds(60);
/// Where the first pull starts when no reconcile set a position.
const FIRST_WINDOW: Duration = Duration::minutes(10);

impl RunJob for PullHubspotContacts {
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

    #[tracing::instrument(skip_all, fields(team.id = %self.team_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some((mut session, portal)) = open(ctx, &self.team_id).await? else {
            return Ok(());
        };
        let since = session
            .connection
            .pulled_until
            .unwrap_or_else(|| Utc::now() - FIRST_WINDOW);
        let mut counts = Counts::default();
        match pull(ctx, &mut session, &portal, since, &mut counts).await {
            Ok(newest) => {
                contact_sync::set_pulled_until(&ctx.db, &session.connection.id, newest).await?;
            }
            Err(CallError::Disconnected) => return Ok(()),
            Err(error) => return Err(error.into()),
        }
        if counts.changed_anything() {
            log(ctx, &portal, true, &counts.summary()).await?;
        }
        Ok(())
    }
}

/// Applies every contact changed since `since`; returns the newest change seen.
async fn pull(
    ctx: &JobContext,
    session: &mut HubspotSession<'_>,
    portal: &Portal,
    since: DateTime<Utc>,
    counts: &mut Counts,
) -> Result<DateTime<Utc>, CallError> {
    let mut newest = since;
    let mut from = since - OVERLAP;
    let mut after = "0".to_owned();
    loop {
        let filters = vec![filter("lastmodifieddate", "GTE", from.timestamp_millis().to_string())];
        let page = session
            .call(|api, portal, token| {
                let (filters, after) = (filters.clone(), after.clone());
                async move {
                    api.search_contacts(&portal, &token, filters, "lastmodifieddate", &after)
                        .await
                }
            })
            .await?;
        let known_ids = contact_sync::known_ids(&ctx.db, portal, &page.contacts).await?;
        let mut known = Vec::new();
        let mut new = Vec::new();
        for remote in page.contacts {
            newest = newest.max(remote.modified_at.unwrap_or(newest));
            if known_ids.contains(&remote.id) {
                known.push(remote.id);
            } else if portal.pulls(remote.lifecycle_stage.as_deref()) {
                new.push(remote);
            }
        }
        read_and_apply(ctx, session, portal, &known, |_| {}, counts).await?;
        apply_all(ctx, session, portal, new, Origin::Pulled, counts).await?;
        let Some(next) = page.next else {
            return Ok(newest);
        };
        let offset: u64 = next.parse().unwrap_or(SEARCH_CAP);
        if offset + u64::from(SEARCH_PAGE) > SEARCH_CAP {
            // The cap: start a new slice at the newest time seen (it overlaps
            // by the contacts changed at that instant, which apply again harmlessly).
            if newest <= from {
                tracing::warn!("more than 10,000 contacts changed at one instant; the rest wait for the reconcile");
                return Ok(newest);
            }
            from = newest;
            after = "0".to_owned();
        } else {
            after = next;
        }
    }
}
