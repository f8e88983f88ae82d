//! `SendHubspotAlert`: tells a team's owner that HubSpot sync needs them.
//! The once-a-week rule is applied when the job is enqueued.
use super::{Attempt, JobContext, JobError, RunJob};
use anyhow::Context;
use app::domain::team::Role;
use app::ssr::entities::user;
use app::ssr::jobs::SendHubspotAlert;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

impl RunJob for SendHubspotAlert {
    #[tracing::instrument(skip_all, fields(team.id = %self.team_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some(owner) = user::Entity::find()
            .filter(user::Column::TeamId.eq(&self.team_id))
            .filter(user::Column::Role.eq(Role::Owner))
            .one(&ctx.db)
            .await?
        else {
            tracing::warn!("team has no owner to tell");
            return Ok(());
        };
        let body = format!(
            "Hi {name},\n\n{problem}\n\nHow to fix it: open {url}/dashboard/integrations. The sync log there lists every \
         attempt with HubSpot's answer. If the connection is gone, choose \"Connect HubSpot\" again; if HubSpot \
         refused a booking's data, correct it in Slotline and the next change will sync.\n\nYou get at most one \
         such email a week.\n\n— Slotline\n",
            name = owner.name,
            problem = self.problem,
            url = ctx.public_url,
        );
        ctx.mailer
            .send_text(&owner.name, &owner.email, "HubSpot sync needs your attention", body)
            .await
            .context("sending the alert email")?;
        Ok(())
    }
}
