//! Steps the contact sync jobs share: read HubSpot contacts with their
//! property history, apply them to Slotline's, write back what Slotline
//! holds newer, and count what happened.
use super::hubspot_session::{CallError, HubspotSession};
use super::{JobContext, JobError};
use crate::integrations::hubspot::contacts::{READ_WITH_HISTORY, ReadBy};
use app::domain::TeamId;
use app::ssr::entities::contact_sync_run as run;
use app::ssr::services::contact_sync::{self, ApplyOutcome, Origin, Portal, RemoteContact};
use chrono::Utc;

/// What a batch of contacts did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub pulled: u32,
    pub pushed: u32,
    pub merged: u32,
    pub conflicts: u32,
    pub skipped: u32,
    pub archived: u32,
    pub seen: u32,
}

impl Counts {
    pub fn add_to(&self, current: &mut run::Model) {
        let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        current.pulled += n(self.pulled);
        current.pushed += n(self.pushed);
        current.merged += n(self.merged);
        current.conflicts += n(self.conflicts);
        current.skipped += n(self.skipped);
        current.processed += n(self.seen);
    }

    pub fn changed_anything(&self) -> bool {
        self.pulled + self.pushed + self.merged + self.archived > 0
    }

    /// The sync log's sentence for what came from HubSpot.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} brought in or updated", self.pulled)];
        for (n, what) in [
            (self.pushed, "sent back"),
            (self.merged, "merged"),
            (self.archived, "archived"),
            (self.conflicts, "conflicts settled"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        format!("Contacts from HubSpot: {}", parts.join(", "))
    }
}

/// Applies the contacts (in one transaction), then writes back to HubSpot
/// what Slotline holds newer.
pub async fn apply_all(
    ctx: &JobContext,
    session: &mut HubspotSession<'_>,
    portal: &Portal,
    contacts: Vec<RemoteContact>,
    origin: Origin,
    counts: &mut Counts,
) -> Result<(), CallError> {
    if contacts.is_empty() {
        return Ok(());
    }
    let applied = contact_sync::apply_remotes(&ctx.db, portal, &contacts, origin, Utc::now()).await?;
    for (remote, applied) in contacts.iter().zip(applied) {
        counts.seen += 1;
        counts.conflicts += applied.conflicts;
        counts.merged += applied.merged;
        match applied.outcome {
            ApplyOutcome::Created | ApplyOutcome::Updated => counts.pulled += 1,
            ApplyOutcome::Skipped => counts.skipped += 1,
            ApplyOutcome::Unchanged => {}
        }
        if !applied.send.is_empty() {
            let (id, send) = (&remote.id, &applied.send);
            session
                .call(move |api, portal, token| async move { api.update_contact(&portal, &token, id, send).await })
                .await?;
            counts.pushed += 1;
        }
    }
    Ok(())
}

/// Reads `ids` (with history, 50 at a time) and applies them; `extra`
/// adds what the caller knows beyond HubSpot's answer (merged ids).
pub async fn read_and_apply(
    ctx: &JobContext,
    session: &mut HubspotSession<'_>,
    portal: &Portal,
    ids: &[String],
    extra: impl Fn(&mut RemoteContact),
    counts: &mut Counts,
) -> Result<(), CallError> {
    for chunk in ids.chunks(READ_WITH_HISTORY) {
        let mut read = session
            .call(move |api, portal, token| async move { api.read_contacts(&portal, &token, chunk, ReadBy::Id).await })
            .await?;
        read.iter_mut().for_each(&extra);
        apply_all(ctx, session, portal, read, Origin::Pulled, counts).await?;
    }
    Ok(())
}

/// One line in the sync log.
pub async fn log(ctx: &JobContext, portal: &Portal, succeeded: bool, message: &str) -> Result<(), JobError> {
    Ok(contact_sync::log(&ctx.db, portal, succeeded, message).await?)
}

/// The team's HubSpot session and portal, when it is connected and syncs both ways.
pub async fn open<'a>(ctx: &'a JobContext, team_id: &TeamId) -> Result<Option<(HubspotSession<'a>, Portal)>, JobError> {
    let Some(session) = HubspotSession::open(ctx, team_id).await? else {
        return Ok(None);
    };
    let Some(portal) = contact_sync::portal_of(&ctx.db, &session.connection).await? else {
        return Ok(None);
    };
    Ok(Some((session, portal)))
}
