//! HubSpot's OAuth 2.0 endpoints: the authorize URL, the code exchange and
//! refresh (through the `oauth2` crate), introspection for the portal id,
//! and revocation on disconnect.
//!
//! Introspection and revocation are plain form posts: `oauth2` has no field
//! for HubSpot's `hub_id` in introspection, and refuses revocation URLs that
//! are not https, which the stand-in used in tests and the demo is not.
use super::{API_VERSION, SCOPES};
use crate::config::HubspotSettings;
use chrono::{DateTime, Utc};
use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet, RedirectUrl,
    RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

/// Access tokens live 30 minutes today; used only if HubSpot omits `expires_in`.
const FALLBACK_TTL_SECS: i64 = 30 * 60;

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The refresh token was revoked (or the app uninstalled): the team must connect again.
    #[error("HubSpot no longer accepts this connection's refresh token")]
    Revoked,
    #[error("HubSpot refused the authorization code")]
    BadCode,
    #[error("HubSpot's token endpoint failed: {0}")]
    Unexpected(String),
}

/// Tokens just issued by HubSpot.
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
}

/// What introspection says about an access token.
#[derive(Debug, Deserialize)]
struct Introspection {
    hub_id: Option<u64>,
    #[serde(default)]
    scopes: Vec<String>,
}

pub struct HubspotOAuth {
    client: Client,
    http: reqwest::Client,
    settings: HubspotSettings,
}

impl HubspotOAuth {
    pub fn new(settings: HubspotSettings, public_url: &str) -> anyhow::Result<Self> {
        let client = BasicClient::new(ClientId::new(settings.client_id.clone()))
            .set_client_secret(ClientSecret::new(settings.client_secret.clone()))
            .set_auth_uri(AuthUrl::new(settings.auth_url.clone())?)
            .set_token_uri(TokenUrl::new(format!(
                "{}/oauth/{API_VERSION}/token",
                settings.api_base
            ))?)
            .set_redirect_uri(RedirectUrl::new(format!("{public_url}/integrations/hubspot/callback"))?)
            // HubSpot wants every parameter in the form body.
            .set_auth_type(AuthType::RequestBody);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(20))
            .build()?;
        Ok(Self { client, http, settings })
    }

    /// HubSpot's consent page for this app, carrying `state`.
    pub fn authorize_url(&self, state: String) -> String {
        let (url, _) = self
            .client
            .authorize_url(move || CsrfToken::new(state))
            .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
            .url();
        url.into()
    }

    pub async fn exchange_code(&self, code: &str) -> Result<Tokens, OAuthError> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| classify(e, OAuthError::BadCode))?;
        tokens(&response, None)
    }

    /// New access token for `refresh_token`; [`OAuthError::Revoked`] when HubSpot says it is dead.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, OAuthError> {
        let response = self
            .client
            .exchange_refresh_token(&RefreshToken::new(refresh_token.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| classify(e, OAuthError::Revoked))?;
        tokens(&response, Some(refresh_token))
    }

    /// Posts `token` to one of HubSpot's token endpoints with the app's credentials.
    async fn post_token(&self, endpoint: &str, token: &str, hint: &str) -> Result<reqwest::Response, reqwest::Error> {
        self.http
            .post(format!(
                "{}/oauth/{API_VERSION}/token/{endpoint}",
                self.settings.api_base
            ))
            .form(&[
                ("client_id", self.settings.client_id.as_str()),
                ("client_secret", self.settings.client_secret.as_str()),
                ("token", token),
                ("token_type_hint", hint),
            ])
            .send()
            .await
    }

    /// The portal (`hub_id`) and scopes an access token belongs to.
    pub async fn introspect(&self, access_token: &str) -> Result<(String, Vec<String>), OAuthError> {
        let response = self
            .post_token("introspect", access_token, "access_token")
            .await
            .map_err(|e| OAuthError::Unexpected(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(OAuthError::Unexpected(format!("introspection answered {status}")));
        }
        let body: Introspection = response
            .json()
            .await
            .map_err(|e| OAuthError::Unexpected(format!("introspection body: {e}")))?;
        let hub_id = body
            .hub_id
            .ok_or_else(|| OAuthError::Unexpected("introspection gave no hub_id".into()))?;
        Ok((hub_id.to_string(), body.scopes))
    }

    /// Revokes a refresh token; any 2xx is done.
    pub async fn revoke(&self, refresh_token: &str) -> anyhow::Result<()> {
        let response = self.post_token("revoke", refresh_token, "refresh_token").await?;
        anyhow::ensure!(
            response.status().is_success(),
            "revocation answered {}",
            response.status()
        );
        Ok(())
    }
}

fn tokens(response: &oauth2::basic::BasicTokenResponse, previous_refresh: Option<&str>) -> Result<Tokens, OAuthError> {
    let refresh_token = response
        .refresh_token()
        .map(|t| t.secret().clone())
        .or_else(|| previous_refresh.map(str::to_owned))
        .ok_or_else(|| OAuthError::Unexpected("no refresh token in the token response".into()))?;
    let ttl = response
        .expires_in()
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .unwrap_or(chrono::Duration::seconds(FALLBACK_TTL_SECS));
    Ok(Tokens {
        access_token: response.access_token().secret().clone(),
        refresh_token,
        expires_at: Utc::now() + ttl,
    })
}

/// HubSpot answers a dead token or code with RFC 6749's `invalid_grant`,
/// and sometimes only with its legacy `status` (`BAD_REFRESH_TOKEN`,
/// `BAD_AUTH_CODE`), which `oauth2` cannot parse: both mean `refused`.
fn classify<E: std::error::Error>(
    error: RequestTokenError<E, oauth2::basic::BasicErrorResponse>,
    refused: OAuthError,
) -> OAuthError {
    match error {
        RequestTokenError::ServerResponse(body) if *body.error() == BasicErrorResponseType::InvalidGrant => refused,
        RequestTokenError::Parse(_, body) => {
            let text = String::from_utf8_lossy(&body);
            if text.contains("BAD_REFRESH_TOKEN") || text.contains("BAD_AUTH_CODE") {
                refused
            } else {
                OAuthError::Unexpected(format!("unreadable token response: {text}"))
            }
        }
        other => OAuthError::Unexpected(other.to_string()),
    }
}
