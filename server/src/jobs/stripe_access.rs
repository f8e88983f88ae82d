//! What the Stripe jobs share: the team's secret key, and how a Stripe
//! failure decides the job's fate.
use super::JobError;
use crate::integrations::stripe::StripeError;
use anyhow::anyhow;
use app::domain::TeamId;
use app::ssr::services::stripe::secret_key_of_team;

/// The team's Stripe secret key; without one (Stripe disconnected) the job
/// is retried, in case the owner connects it again.
pub(super) async fn secret_key(ctx: &super::JobContext, team_id: &TeamId) -> Result<String, JobError> {
    secret_key_of_team(&ctx.db, &ctx.secrets, team_id)
        .await?
        .ok_or_else(|| JobError::Retry(anyhow!("the team's Stripe is not connected")))
}

/// A failure Stripe may get over is retried; one it will repeat is final.
pub(super) fn fate(error: StripeError) -> JobError {
    if error.retryable() {
        JobError::Retry(error.into())
    } else {
        JobError::permanent(error)
    }
}
