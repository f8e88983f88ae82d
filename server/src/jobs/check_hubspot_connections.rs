//! `CheckHubspotConnections`: the daily look at every HubSpot connection.
//! One whose tokens were last stored over a day ago is refreshed (a refresh
//! at most once a day), so a team without bookings keeps a live connection;
//! one HubSpot no longer accepts is removed and its owner told, as a sync
//! would; any other failure is logged and reaches the owner's weekly e-mail.
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::hubspot::{OAuthError, TokenError, TokenSource};
use anyhow::anyhow;
use app::ssr::entities::integration_connection as connection;
use app::ssr::jobs::CheckHubspotConnections;
use app::ssr::services::hubspot::{self, SyncRecord};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Tokens stored more recently than this are left alone.
const IDLE_HOURS: i64 = 24;

impl RunJob for CheckHubspotConnections {
    #[tracing::instrument(skip_all, fields(day = %self.day))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        let Some(oauth) = ctx.hubspot.as_deref() else {
            return Ok(());
        };
        let tokens = TokenSource {
            db: &ctx.db,
            secrets: &ctx.secrets,
            oauth,
        };
        let idle = connection::Entity::find()
            .filter(connection::Column::Provider.eq(connection::HUBSPOT))
            .filter(connection::Column::UpdatedAt.lt(Utc::now() - Duration::hours(IDLE_HOURS)))
            .all(&ctx.db)
            .await?;
        for found in idle {
            // Refused: the stored access token, so that a fresh one is fetched.
            match tokens.access_token(&found, Some(&found.access_token_sealed)).await {
                Ok(_) => tracing::info!(team.id = %found.team_id, "idle HubSpot connection refreshed"),
                Err(TokenError::OAuth(OAuthError::Revoked)) => {
                    hubspot::disconnect_revoked(&ctx.db, &found, hubspot::REVOKED_PROBLEM).await?;
                }
                Err(TokenError::Storage(error)) => return Err(JobError::Retry(anyhow!(error))),
                Err(error) => {
                    let message = format!("The daily check could not refresh HubSpot's token: {error}");
                    let line = SyncRecord::failure(&found.team_id, None, "token", None, &message);
                    hubspot::record(&ctx.db, line).await?;
                    hubspot::alert_owner(&ctx.db, &found.team_id, &message, Utc::now()).await?;
                }
            }
        }
        Ok(())
    }
}
