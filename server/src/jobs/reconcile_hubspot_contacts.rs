//! `ReconcileHubspotContacts`: one full pass over a team's contacts, a page
//! at a time, saving its cursor after each, so memory stays bounded and a
//! restarted process resumes where the last stopped.
//!
//! - **Pull**: HubSpot's contacts in the chosen stages, sliced by
//!   `hs_object_id` (`GT` the last seen, ascending), which never meets the
//!   search's 10,000-result cap. Contacts Slotline knows are read again with
//!   their property history (50 a request) and settled; new ones come
//!   straight from the search page.
//! - **Push**: Slotline's contacts HubSpot has not been given, 50 at a
//!   time: looked up by e-mail (with history) and settled, or else created
//!   with one batch upsert.
//!
//! 10,000 HubSpot contacts new to Slotline cost 50 searches.
use super::contact_sync_steps::{Counts, apply_all, log, open, read_and_apply};
use super::hubspot_session::{CallError, HubspotSession};
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::hubspot::contacts::{READ_WITH_HISTORY, ReadBy, filter, filter_in, filter_not_in};
use app::ssr::entities::contact_sync_run as run;
use app::ssr::jobs::ReconcileHubspotContacts;
use app::ssr::services::contact_sync::runs::{self, DONE, PUSH, Trigger};
use app::ssr::services::contact_sync::{self, Origin, Portal};
use chrono::Utc;
use sea_orm::EntityTrait;
use serde_json::json;

impl RunJob for ReconcileHubspotContacts {
    /// A large portal takes a while at HubSpot's pace; a process that dies
    /// meanwhile loses its lease and another resumes from the saved cursor.
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3 * 3600);

    #[tracing::instrument(skip_all, fields(team.id = %self.team_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some((mut session, portal)) = open(ctx, &self.team_id).await? else {
            return Ok(());
        };
        let current = match &self.run_id {
            Some(id) => run::Entity::find_by_id(id).one(&ctx.db).await?,
            None => {
                let (started, _) = runs::start(
                    &ctx.db,
                    &portal.team_id,
                    &portal.account_id,
                    Trigger::Nightly,
                    Utc::now(),
                )
                .await?;
                Some(started)
            }
        };
        let Some(mut current) = current.filter(|r| r.status == run::RUNNING) else {
            return Ok(());
        };
        if session.connection.pulled_until.is_none() {
            // Incremental pulls start from here: the reconcile covers what came before.
            contact_sync::set_pulled_until(&ctx.db, &session.connection.id, current.started_at).await?;
        }
        match reconcile(ctx, &mut session, &portal, &mut current).await {
            Ok(()) => {
                current.status = run::FINISHED.to_owned();
                current.phase = DONE.to_owned();
                current.finished_at = Some(Utc::now());
                // Contacts on both sides were counted in both totals; the bar ends full.
                current.total = current.processed;
                runs::save(&ctx.db, &current).await?;
                let message = format!(
                    "Reconcile finished: {} pulled, {} pushed, {} merged, {} conflicts settled, {} skipped by the stage filter",
                    current.pulled, current.pushed, current.merged, current.conflicts, current.skipped
                );
                log(ctx, &portal, true, &message).await
            }
            Err(CallError::Disconnected) => Ok(()),
            Err(error) => {
                let job_error = JobError::from(error);
                if matches!(job_error, JobError::Permanent(_)) {
                    current.status = run::FAILED.to_owned();
                    current.message = Some(job_error.to_string());
                    current.finished_at = Some(Utc::now());
                    runs::save(&ctx.db, &current).await?;
                    log(ctx, &portal, false, &format!("Reconcile failed: {job_error}")).await?;
                }
                Err(job_error)
            }
        }
    }
}

async fn reconcile(
    ctx: &JobContext,
    session: &mut HubspotSession<'_>,
    portal: &Portal,
    current: &mut run::Model,
) -> Result<(), CallError> {
    if current.phase == runs::PULL {
        pull(ctx, session, portal, current).await?;
        current.phase = PUSH.to_owned();
        runs::save(&ctx.db, current).await?;
    }
    push(ctx, session, portal, current).await
}

/// Stops quietly when someone stopped the run (disconnect, back to one-way).
async fn still_running(ctx: &JobContext, current: &run::Model) -> Result<bool, CallError> {
    Ok(runs::still_running(&ctx.db, &current.id).await?)
}

async fn pull(
    ctx: &JobContext,
    session: &mut HubspotSession<'_>,
    portal: &Portal,
    current: &mut run::Model,
) -> Result<(), CallError> {
    loop {
        if !still_running(ctx, current).await? {
            return Err(CallError::Disconnected);
        }
        let mut filters = vec![filter_in("lifecyclestage", &portal.stages)];
        if let Some(after) = &current.pull_after {
            filters.push(filter("hs_object_id", "GT", after.clone()));
        }
        let page = session
            .call(|api, portal, token| {
                let filters = filters.clone();
                async move { api.search_contacts(&portal, &token, filters, "hs_object_id", "0").await }
            })
            .await?;
        if current.pull_after.is_none() && current.total == 0 {
            let unlinked = contact_sync::unlinked_count(&ctx.db, portal).await?;
            // Those outside the chosen stages (or with none) are skipped by the filter, at once.
            let outside = vec![
                vec![filter_not_in("lifecyclestage", &portal.stages)],
                vec![json!({ "propertyName": "lifecyclestage", "operator": "NOT_HAS_PROPERTY" })],
            ];
            let skipped = session
                .call(|api, portal, token| {
                    let outside = outside.clone();
                    async move { api.count_contacts(&portal, &token, outside).await }
                })
                .await?;
            let count = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
            current.total = count(page.total + unlinked + skipped);
            current.skipped = count(skipped);
            current.processed = count(skipped);
        }
        let Some(last) = page.contacts.last().map(|c| c.id.clone()) else {
            return Ok(());
        };
        let full = page.next.is_some();
        let known_ids = contact_sync::known_ids(&ctx.db, portal, &page.contacts).await?;
        let (known, new): (Vec<_>, Vec<_>) = page.contacts.into_iter().partition(|r| known_ids.contains(&r.id));
        let known: Vec<String> = known.into_iter().map(|r| r.id).collect();
        let mut counts = Counts::default();
        read_and_apply(ctx, session, portal, &known, |_| {}, &mut counts).await?;
        apply_all(ctx, session, portal, new, Origin::Pulled, &mut counts).await?;
        counts.add_to(current);
        current.pull_after = Some(last);
        runs::save(&ctx.db, current).await?;
        if !full {
            return Ok(());
        }
    }
}

async fn push(
    ctx: &JobContext,
    session: &mut HubspotSession<'_>,
    portal: &Portal,
    current: &mut run::Model,
) -> Result<(), CallError> {
    loop {
        if !still_running(ctx, current).await? {
            return Err(CallError::Disconnected);
        }
        let batch =
            contact_sync::unlinked_after(&ctx.db, portal, current.push_after.as_deref(), READ_WITH_HISTORY as u64)
                .await?;
        let Some(last) = batch.last().map(|c| c.id.as_str().to_owned()) else {
            return Ok(());
        };
        let emails: Vec<String> = batch.iter().map(|c| c.email.clone()).collect();
        let found = session
            .call(|api, portal, token| {
                let emails = &emails;
                async move { api.read_contacts(&portal, &token, emails, ReadBy::Email).await }
            })
            .await?;
        let mut counts = Counts::default();
        let in_hubspot: Vec<String> = found
            .iter()
            .filter_map(|r| r.email.as_deref().map(str::to_lowercase))
            .collect();
        let missing: Vec<(String, serde_json::Map<String, serde_json::Value>)> = batch
            .iter()
            .filter(|c| !in_hubspot.contains(&c.email.to_lowercase()))
            .map(|c| (c.email.clone(), contact_sync::contact_properties(c)))
            .collect();
        apply_all(ctx, session, portal, found, Origin::Pushed, &mut counts).await?;
        if !missing.is_empty() {
            let ids = session
                .call(|api, portal, token| {
                    let missing = &missing;
                    async move { api.upsert_contacts(&portal, &token, missing).await }
                })
                .await?;
            let now = Utc::now();
            for local in &batch {
                if let Some(id) = ids.get(&local.email.to_lowercase()) {
                    contact_sync::link_pushed(&ctx.db, portal, &local.id, id, now).await?;
                    counts.pushed += 1;
                    counts.seen += 1;
                }
            }
        }
        counts.add_to(current);
        current.push_after = Some(last);
        runs::save(&ctx.db, current).await?;
    }
}
