//! HubSpot's OAuth 2.0 endpoints: the authorize URL, the code exchange and
//! refresh (through the `oauth2` crate), introspection for the portal id,
//! and revocation on disconnect.
//!
//! Introspection and revocation are plain form posts: `oauth2` has no field
//! for HubSpot's `hub_id` in introspection, and refuses revocation URLs that
//! are not https, which the stand-in used in tests and the demo is not.
use super::{API_VERSION, SCOPES};
use crate::config::HubspotSettings;
use app::ssr::services::hubspot::mappings::COMPANY_SCOPES;
use chrono::{DateTime, Utc};
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

/// Access tokens live 30 minutes today; used only if HubSpot omits `expires_in`.
const FALLBACK_TTL_SECS: i64 = 30 * 60;

/// What HubSpot's token response may carry beyond RFC 6749: the portal and
/// the granted scopes. Both optional; without them, introspection tells.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct HubspotTokenFields {
    #[serde(default)]
    hub_id: Option<serde_json::Value>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

impl ExtraTokenFields for HubspotTokenFields {}

type TokenBody = StandardTokenResponse<HubspotTokenFields, BasicTokenType>;

/// The client before its endpoints are set.
type NewClient = oauth2::Client<
    BasicErrorResponse,
    TokenBody,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

type Client = oauth2::Client<
    BasicErrorResponse,
    TokenBody,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

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
    /// The portal, when the token response names it.
    pub portal_id: Option<String>,
    pub scopes: Vec<String>,
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
        let client = NewClient::new(ClientId::new(settings.client_id.clone()))
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

    /// The app's client secret: HubSpot signs its webhooks with it.
    pub fn client_secret(&self) -> &str {
        &self.settings.client_secret
    }

    /// HubSpot's consent page for this app, carrying `state`; asking for
    /// the companies scopes too when the team makes companies.
    pub fn authorize_url(&self, state: String, companies: bool) -> String {
        let extra = if companies { &COMPANY_SCOPES[..] } else { &[] };
        let (url, _) = self
            .client
            .authorize_url(move || CsrfToken::new(state))
            .add_scopes(SCOPES.iter().chain(extra).map(|s| Scope::new((*s).to_owned())))
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

fn tokens(response: &TokenBody, previous_refresh: Option<&str>) -> Result<Tokens, OAuthError> {
    let refresh_token = response
        .refresh_token()
        .map(|t| t.secret().clone())
        .or_else(|| previous_refresh.map(str::to_owned))
        .ok_or_else(|| OAuthError::Unexpected("no refresh token in the token response".into()))?;
    let ttl = response
        .expires_in()
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .unwrap_or(chrono::Duration::seconds(FALLBACK_TTL_SECS));
    let extra = response.extra_fields();
    let portal_id = extra.hub_id.as_ref().and_then(|id| match id {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    });
    Ok(Tokens {
        access_token: response.access_token().secret().clone(),
        refresh_token,
        expires_at: Utc::now() + ttl,
        portal_id,
        scopes: extra.scopes.clone().unwrap_or_default(),
    })
}

/// HubSpot answers a dead token or code with RFC 6749's `invalid_grant`,
/// and sometimes only with its legacy `status` (`BAD_REFRESH_TOKEN`,
/// `BAD_AUTH_CODE`), which `oauth2` cannot parse: both mean `refused`.
/// Anything else is described by its error code or kind only: a token
/// endpoint's body may carry tokens, and is never echoed into logs.
fn classify<E: std::error::Error>(
    error: RequestTokenError<E, oauth2::basic::BasicErrorResponse>,
    refused: OAuthError,
) -> OAuthError {
    match error {
        RequestTokenError::ServerResponse(body) if *body.error() == BasicErrorResponseType::InvalidGrant => refused,
        RequestTokenError::ServerResponse(body) => OAuthError::Unexpected(format!("it answered {}", body.error())),
        RequestTokenError::Parse(_, body) => {
            let text = String::from_utf8_lossy(&body);
            if text.contains("BAD_REFRESH_TOKEN") || text.contains("BAD_AUTH_CODE") {
                refused
            } else {
                OAuthError::Unexpected("its answer was not a token response".into())
            }
        }
        RequestTokenError::Request(_) => OAuthError::Unexpected("it could not be reached".into()),
        RequestTokenError::Other(_) => OAuthError::Unexpected("its answer was unusable".into()),
    }
}
