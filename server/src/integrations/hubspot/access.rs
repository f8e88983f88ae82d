//! A usable access token for a team's connection, refreshed by one job at a
//! time: HubSpot may rotate refresh tokens, and a second job spending the
//! one the first already spent would get `invalid_grant` and disconnect a
//! healthy team.
use super::{HubspotOAuth, OAuthError};
use app::error::AppError;
use app::ssr::crypto::{SealError, SecretBox};
use app::ssr::entities::integration_connection as connection;
use app::ssr::services::hubspot::{self, RefreshedTokens};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tokio::time::Instant;

/// Refresh an access token this long before it expires.
const REFRESH_MARGIN_MIN: i64 = 5;
/// How often a job waiting on another's refresh looks again.
const POLL: Duration = Duration::from_millis(200);
/// Longest wait on another job's refresh: past its lease, which then lapses.
const MAX_WAIT: Duration = Duration::from_secs(35);

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error("the stored HubSpot tokens cannot be opened")]
    Sealed(#[from] SealError),
    #[error("no HubSpot refresh token is stored")]
    NoRefreshToken,
    #[error("another job's HubSpot token refresh did not finish in time")]
    Busy,
    #[error("reading or storing the HubSpot connection")]
    Storage(#[from] AppError),
}

/// An access token and the connection as stored along with it.
pub struct Access {
    pub token: String,
    pub connection: connection::Model,
}

/// Where tokens come from and go.
pub struct TokenSource<'a> {
    pub db: &'a DatabaseConnection,
    pub secrets: &'a SecretBox,
    pub oauth: &'a HubspotOAuth,
}

impl TokenSource<'_> {
    /// A usable access token for `found`: the stored one while it is far
    /// from expiry and not the one HubSpot just `refused` (sealed, as
    /// stored), else a refreshed one. `None` when the team disconnected
    /// meanwhile.
    pub async fn access_token(
        &self,
        found: &connection::Model,
        refused: Option<&str>,
    ) -> Result<Option<Access>, TokenError> {
        let deadline = Instant::now() + MAX_WAIT;
        let mut current = found.clone();
        loop {
            if usable(&current, refused) {
                return self.open(current).map(Some);
            }
            if hubspot::claim_refresh(self.db, &current).await? {
                // Another job may have stored fresh tokens between the read and the claim.
                let Some(latest) = hubspot::reload(self.db, &current).await? else {
                    return Ok(None);
                };
                if usable(&latest, refused) {
                    hubspot::release_refresh(self.db, &latest).await?;
                    return self.open(latest).map(Some);
                }
                match self.refresh(&latest).await {
                    Ok(Some(access)) => return Ok(Some(access)),
                    // Reconnected meanwhile: the new tokens are looked at next turn.
                    Ok(None) => {}
                    Err(error) => {
                        hubspot::release_refresh(self.db, &latest).await?;
                        if !matches!(error, TokenError::OAuth(OAuthError::Revoked)) {
                            return Err(error);
                        }
                        // Revoked only if nobody stored a newer refresh token meanwhile.
                        match hubspot::reload(self.db, &latest).await? {
                            None => return Ok(None),
                            Some(now) if now.refresh_token_sealed == latest.refresh_token_sealed => {
                                return Err(error);
                            }
                            Some(_) => {}
                        }
                    }
                }
            } else if Instant::now() >= deadline {
                return Err(TokenError::Busy);
            } else {
                tokio::time::sleep(POLL).await;
            }
            match hubspot::reload(self.db, &current).await? {
                Some(latest) => current = latest,
                None => return Ok(None),
            }
        }
    }

    /// Spends `found`'s refresh token; `None` when the stored one changed meanwhile.
    async fn refresh(&self, found: &connection::Model) -> Result<Option<Access>, TokenError> {
        let sealed = found
            .refresh_token_sealed
            .as_deref()
            .ok_or(TokenError::NoRefreshToken)?;
        let tokens = self.oauth.refresh(&self.secrets.open(sealed)?).await?;
        let issued = RefreshedTokens {
            access_token: &tokens.access_token,
            refresh_token: &tokens.refresh_token,
            expires_at: tokens.expires_at,
        };
        let Some(stored) = hubspot::store_refreshed(self.db, self.secrets, found, issued).await? else {
            return Ok(None);
        };
        tracing::info!("HubSpot access token refreshed");
        Ok(Some(Access {
            token: tokens.access_token,
            connection: stored,
        }))
    }

    fn open(&self, connection: connection::Model) -> Result<Access, TokenError> {
        Ok(Access {
            token: self.secrets.open(&connection.access_token_sealed)?,
            connection,
        })
    }
}

fn usable(found: &connection::Model, refused: Option<&str>) -> bool {
    let soon = Utc::now() + chrono::Duration::minutes(REFRESH_MARGIN_MIN);
    refused != Some(found.access_token_sealed.as_str()) && found.access_expires_at.is_some_and(|at| at > soon)
}
