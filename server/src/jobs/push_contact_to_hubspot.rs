//! `PushContactToHubspot`: a contact made or edited in Slotline reaches the
//! team's portal. A linked contact is read back with its history and
//! settled field by field; an unlinked one is looked up by e-mail (and
//! settled) or else created, and linked.
use super::contact_sync_steps::{Counts, apply_all, open};
use super::hubspot_session::{CallError, HubspotSession};
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::hubspot::contacts::ReadBy;
use app::ssr::entities::contact;
use app::ssr::jobs::PushContactToHubspot;
use app::ssr::services::contact_sync::{self, Origin, Portal};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

impl RunJob for PushContactToHubspot {
    #[tracing::instrument(skip_all, fields(contact.id = %self.contact_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some((mut session, portal)) = open(ctx, &self.team_id).await? else {
            return Ok(());
        };
        let Some(local) = contact::Entity::find_by_id(&self.contact_id)
            .filter(contact::Column::TeamId.eq(&self.team_id))
            .one(&ctx.db)
            .await?
        else {
            return Ok(());
        };
        if local.archived_at.is_some() {
            return Ok(());
        }
        match push(ctx, &mut session, &portal, &local).await {
            Ok(()) | Err(CallError::Disconnected) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

async fn push(
    ctx: &JobContext,
    session: &mut HubspotSession<'_>,
    portal: &Portal,
    local: &contact::Model,
) -> Result<(), CallError> {
    let linked = contact_sync::remote_id_of(&ctx.db, portal, &local.id).await?;
    // A merged-away id answers its merged record; a deleted one answers nothing.
    let (keys, by) = match linked {
        Some(id) => (vec![id], ReadBy::Id),
        None => (vec![local.email.clone()], ReadBy::Email),
    };
    let mut remote = session
        .call(|api, portal, token| {
            let keys = &keys;
            async move { api.read_contacts(&portal, &token, keys, by).await }
        })
        .await?;
    if remote.is_empty() && by == ReadBy::Id {
        remote = session
            .call(|api, portal, token| async move {
                api.read_contacts(&portal, &token, std::slice::from_ref(&local.email), ReadBy::Email)
                    .await
            })
            .await?;
    }
    let mut counts = Counts::default();
    if remote.is_empty() {
        let input = [(local.email.clone(), contact_sync::contact_properties(local))];
        let ids = session
            .call(|api, portal, token| {
                let input = &input;
                async move { api.upsert_contacts(&portal, &token, input).await }
            })
            .await?;
        if let Some(id) = ids.get(&local.email.to_lowercase()) {
            contact_sync::link_pushed(&ctx.db, portal, &local.id, id, Utc::now()).await?;
        }
        return Ok(());
    }
    apply_all(ctx, session, portal, remote, Origin::Pushed, &mut counts).await
}
