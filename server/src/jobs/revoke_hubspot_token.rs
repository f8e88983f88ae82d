//! `RevokeHubspotToken`: tells HubSpot to forget a disconnected team's
//! refresh token. Best effort: Slotline has already deleted its copy.
use super::{Attempt, JobContext, JobError, RunJob};
use anyhow::Context;
use app::ssr::jobs::RevokeHubspotToken;

impl RunJob for RevokeHubspotToken {
    #[tracing::instrument(skip_all)]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some(oauth) = ctx.hubspot.as_ref() else {
            tracing::warn!("HubSpot is no longer configured; the token cannot be revoked");
            return Ok(());
        };
        let refresh_token = ctx
            .secrets
            .open(&self.refresh_token_sealed)
            .context("opening the sealed refresh token")?;
        oauth.revoke(&refresh_token).await.context("revoking at HubSpot")?;
        Ok(())
    }
}
