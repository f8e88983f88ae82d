//! `RevokeHubspotToken`: tells HubSpot to forget a disconnected team's
//! refresh token. Best effort: Slotline has already deleted its copy.
use super::JobContext;
use anyhow::Context;

#[tracing::instrument(skip_all)]
pub async fn run(ctx: &JobContext, refresh_token_sealed: &str) -> anyhow::Result<()> {
    let Some(oauth) = ctx.hubspot.as_ref() else {
        tracing::warn!("HubSpot is no longer configured; the token cannot be revoked");
        return Ok(());
    };
    let refresh_token = ctx
        .secrets
        .open(refresh_token_sealed)
        .context("opening the sealed refresh token")?;
    oauth.revoke(&refresh_token).await.context("revoking at HubSpot")
}
