//! `SendWebhookDisabledEmail`: tells a webhook's owner that Slotline
//! switched it off after days of failed deliveries. Sent once: the job is
//! queued only by the update that switches the webhook off.
use super::{Attempt, JobContext, JobError, RunJob};
use anyhow::Context;
use app::ssr::entities::{user, webhook};
use app::ssr::jobs::SendWebhookDisabledEmail;
use sea_orm::EntityTrait;

impl RunJob for SendWebhookDisabledEmail {
    #[tracing::instrument(skip_all, fields(webhook.id = %self.webhook_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some(hook) = webhook::Entity::find_by_id(&self.webhook_id).one(&ctx.db).await? else {
            return Ok(());
        };
        let Some(owner) = user::Entity::find_by_id(&hook.user_id).one(&ctx.db).await? else {
            return Ok(());
        };
        let body = format!(
            "Hi {name},\n\nEvery delivery to your webhook {url} has failed for {days} days, so Slotline switched it \
         off.\n\nThe delivery log at {public}/dashboard/webhooks/{id} lists each attempt with the status code and \
         response your endpoint sent. Once the endpoint works again, switch the webhook back on there; use \
         \"Redeliver\" for any delivery you still need.\n\n— Slotline\n",
            name = owner.name,
            url = hook.target_url,
            days = app::ssr::services::webhooks::DISABLE_AFTER_DAYS,
            public = ctx.public_url,
            id = hook.id,
        );
        ctx.mailer
            .send_text(
                &owner.name,
                &owner.email,
                "Your Slotline webhook was switched off",
                body,
            )
            .await
            .context("sending the webhook email")?;
        Ok(())
    }
}
