//! A job's session with a team's portal: an access token kept usable (a
//! 401 refreshes it and retries, at most three times; a revoked refresh
//! token disconnects the team), and HubSpot's errors turned into the job's
//! next step (a 429 waits for `Retry-After`).
use super::{JobContext, JobError};
use crate::integrations::hubspot::api::ApiError;
use crate::integrations::hubspot::{HubspotApi, OAuthError, TokenError, TokenSource};
use anyhow::anyhow;
use app::domain::TeamId;
use app::ssr::entities::integration_connection as connection;
use app::ssr::services::hubspot;

/// A 401 refreshes the token and retries, this many times at most.
const MAX_AUTH_RETRIES: usize = 3;

/// Why a call through the session did not go through.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The team disconnected (or HubSpot revoked the access): nothing left to do.
    #[error("the team is no longer connected to HubSpot")]
    Disconnected,
    #[error(transparent)]
    Token(TokenError),
    #[error("reading or storing contacts")]
    Storage(#[from] sea_orm::DbErr),
}

impl From<CallError> for JobError {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Api(ApiError::RateLimited {
                retry_after: Some(wait),
            }) => JobError::retry_after(wait, error),
            CallError::Api(ApiError::Rejected { .. }) => JobError::permanent(error),
            other => JobError::Retry(other.into()),
        }
    }
}

pub struct HubspotSession<'a> {
    ctx: &'a JobContext,
    pub api: &'a HubspotApi,
    pub connection: connection::Model,
    token: Option<String>,
}

impl<'a> HubspotSession<'a> {
    /// The team's session; `None` when the team has no connection.
    pub async fn open(ctx: &'a JobContext, team_id: &TeamId) -> Result<Option<Self>, JobError> {
        let Some(api) = ctx.hubspot_api.as_deref() else {
            return Err(JobError::permanent(anyhow!("HubSpot is not configured on this server")));
        };
        let Some(found) = hubspot::connection_of_team(&ctx.db, team_id).await? else {
            return Ok(None);
        };
        Ok(Some(Self {
            ctx,
            api,
            connection: found,
            token: None,
        }))
    }

    /// A usable token: the stored one, or a refreshed one after HubSpot refused `refused`.
    async fn token(&mut self, refused: Option<&str>) -> Result<String, CallError> {
        if refused.is_none()
            && let Some(token) = &self.token
        {
            return Ok(token.clone());
        }
        let Some(oauth) = self.ctx.hubspot.as_deref() else {
            return Err(CallError::Disconnected);
        };
        let tokens = TokenSource {
            db: &self.ctx.db,
            secrets: &self.ctx.secrets,
            oauth,
        };
        match tokens.access_token(&self.connection, refused).await {
            Ok(Some(access)) => {
                self.connection = access.connection;
                self.token = Some(access.token.clone());
                Ok(access.token)
            }
            Ok(None) => Err(CallError::Disconnected),
            Err(TokenError::OAuth(OAuthError::Revoked)) => {
                hubspot::disconnect_revoked(&self.ctx.db, &self.connection, hubspot::REVOKED_PROBLEM)
                    .await
                    .map_err(|e| CallError::Token(TokenError::Storage(e)))?;
                Err(CallError::Disconnected)
            }
            Err(error) => Err(CallError::Token(error)),
        }
    }

    /// Runs `call` (given the API, the portal and a token) with a usable
    /// token; a 401 refreshes it and runs it again. The portal and token
    /// come owned, so that the call's future borrows nothing of the session.
    pub async fn call<T, F>(&mut self, call: impl Fn(&'a HubspotApi, String, String) -> F) -> Result<T, CallError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let mut refused: Option<String> = None;
        for _ in 0..=MAX_AUTH_RETRIES {
            let token = self.token(refused.as_deref()).await?;
            match call(self.api, self.connection.account_id.clone(), token).await {
                Err(ApiError::Unauthorized(_)) => refused = Some(self.connection.access_token_sealed.clone()),
                other => return other.map_err(CallError::Api),
            }
        }
        Err(CallError::Api(ApiError::Unauthorized(
            "HubSpot kept refusing fresh tokens".to_owned(),
        )))
    }
}
