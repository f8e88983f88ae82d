//! `SendPasswordReset`: e-mails a host the single-use link that sets a new
//! password. The link's token travels sealed and is dropped from the job's
//! row once it is sent.
use super::{Attempt, JobContext, JobError, RunJob};
use anyhow::Context;
use app::ssr::entities::user;
use app::ssr::jobs::SendPasswordReset;
use app::ssr::services::passwords::RESET_LINK_MINUTES;
use sea_orm::EntityTrait;

impl RunJob for SendPasswordReset {
    #[tracing::instrument(skip_all, fields(user.id = %self.user_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some(host) = user::Entity::find_by_id(&self.user_id).one(&ctx.db).await? else {
            return Ok(());
        };
        let token = ctx
            .secrets
            .open(&self.token_sealed)
            .map_err(|error| JobError::permanent(anyhow::anyhow!("the reset token cannot be opened: {error}")))?;
        let body = format!(
            "Hi {name},\n\nSomeone, hopefully you, asked to reset the password of your Slotline account.\n\nChoose a \
             new password here:\n{url}/reset-password?token={token}\n\nThe link works once, for {minutes} minutes. \
             Setting a new password logs you out on every device.\n\nIf you did not ask for this, ignore this \
             e-mail: your password stays as it is.\n\n— Slotline\n",
            name = host.name,
            url = ctx.public_url,
            minutes = RESET_LINK_MINUTES,
        );
        ctx.mailer
            .send_text(&host.name, &host.email, "Reset your Slotline password", body)
            .await
            .context("sending the password reset email")?;
        Ok(())
    }
}
