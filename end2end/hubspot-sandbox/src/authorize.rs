//! The authorize step of OAuth: the consent page (`GET /oauth/authorize`), the user's decision
//! (`POST /oauth/authorize`), and `Sandbox::grant` / `Sandbox::deny` for tests without a browser.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use crate::consent;
use crate::sandbox::Sandbox;

/// Why an authorize request or decision was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizeError {
    /// The `client_id` is not this sandbox's app.
    #[error("unknown client_id {0:?}: this sandbox only knows its configured app")]
    UnknownClient(String),
    /// A required parameter is absent or empty.
    #[error("missing required parameter {0}")]
    Missing(&'static str),
    /// `redirect_uri` is not an absolute URL.
    #[error("redirect_uri {0:?} is not an absolute URL")]
    BadRedirectUri(String),
    /// The decision was neither `grant` nor `deny`.
    #[error("decision must be grant or deny")]
    BadDecision,
    /// The URL given to `Sandbox::grant` could not be read.
    #[error("cannot read {0:?} as an authorize URL")]
    BadUrl(String),
}

/// A validated authorize request.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizeRequest {
    pub(crate) client_id: String,
    /// Kept exactly as sent: the token exchange must present the same string.
    pub(crate) redirect_uri: String,
    pub(crate) scope: String,
    pub(crate) optional_scope: String,
    pub(crate) state: Option<String>,
}

impl AuthorizeRequest {
    pub(crate) fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.split_whitespace()
    }

    pub(crate) fn optional_scopes(&self) -> impl Iterator<Item = &str> {
        self.optional_scope.split_whitespace()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Grant,
    Deny,
}

fn parse(pairs: &[(String, String)], client_id: &str) -> Result<AuthorizeRequest, AuthorizeError> {
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .filter(|v| !v.is_empty())
    };
    let sent_client = get("client_id").ok_or(AuthorizeError::Missing("client_id"))?;
    if sent_client != client_id {
        return Err(AuthorizeError::UnknownClient(sent_client));
    }
    let redirect_uri = get("redirect_uri").ok_or(AuthorizeError::Missing("redirect_uri"))?;
    if Url::parse(&redirect_uri).is_err() {
        return Err(AuthorizeError::BadRedirectUri(redirect_uri));
    }
    let scope = get("scope").ok_or(AuthorizeError::Missing("scope"))?;
    Ok(AuthorizeRequest {
        client_id: sent_client,
        redirect_uri,
        scope,
        optional_scope: get("optional_scope").unwrap_or_default(),
        state: get("state"),
    })
}

fn parse_decision(pairs: &[(String, String)]) -> Result<Decision, AuthorizeError> {
    match pairs
        .iter()
        .rev()
        .find(|(key, _)| key == "decision")
        .map(|(_, value)| value.as_str())
    {
        Some("grant") => Ok(Decision::Grant),
        Some("deny") => Ok(Decision::Deny),
        _ => Err(AuthorizeError::BadDecision),
    }
}

impl Sandbox {
    /// Where "Grant access" would send the browser for this authorize URL (absolute, path-only or
    /// bare query): `redirect_uri?code=…&state=…`.
    ///
    /// # Panics
    /// If the URL is not a valid authorize request for this sandbox (use [`Sandbox::try_grant`]).
    pub async fn grant(&self, authorize_query_url: &str) -> String {
        match self.try_grant(authorize_query_url).await {
            Ok(redirect) => redirect,
            Err(error) => panic!("hubspot sandbox: cannot grant {authorize_query_url:?}: {error}"),
        }
    }

    /// Like [`Sandbox::grant`], returning the error instead of panicking.
    pub async fn try_grant(&self, authorize_query_url: &str) -> Result<String, AuthorizeError> {
        self.decide_url(authorize_query_url, Decision::Grant)
    }

    /// Where "Deny" would send the browser: `redirect_uri?error=access_denied&…&state=…`.
    pub async fn deny(&self, authorize_query_url: &str) -> Result<String, AuthorizeError> {
        self.decide_url(authorize_query_url, Decision::Deny)
    }

    fn decide_url(&self, authorize_query_url: &str, decision: Decision) -> Result<String, AuthorizeError> {
        let pairs = query_pairs_of(authorize_query_url)?;
        let request = parse(&pairs, &self.config().client_id)?;
        self.decide(&request, decision)
    }

    fn decide(&self, request: &AuthorizeRequest, decision: Decision) -> Result<String, AuthorizeError> {
        let mut target = Url::parse(&request.redirect_uri)
            .map_err(|_| AuthorizeError::BadRedirectUri(request.redirect_uri.clone()))?;
        {
            let mut query = target.query_pairs_mut();
            match decision {
                Decision::Grant => {
                    // The sandbox grants optional scopes too, as if the portal had every feature.
                    let scopes = request
                        .scopes()
                        .chain(request.optional_scopes())
                        .map(str::to_owned)
                        .collect();
                    let mut state = self.lock();
                    let now = state.now();
                    let code = state.tokens.issue_code(&request.redirect_uri, scopes, now);
                    query.append_pair("code", &code);
                }
                Decision::Deny => {
                    query.append_pair("error", "access_denied");
                    query.append_pair("error_description", "The user declined access");
                }
            }
            if let Some(state) = &request.state {
                query.append_pair("state", state);
            }
        }
        Ok(target.into())
    }
}

/// Query pairs of an absolute URL, a path with a query, or a bare query string.
fn query_pairs_of(input: &str) -> Result<Vec<(String, String)>, AuthorizeError> {
    let query = match Url::parse(input) {
        Ok(url) => url.query().unwrap_or_default().to_owned(),
        Err(_) => match input.split_once('?') {
            Some((_, query)) => query.to_owned(),
            None if input.contains('=') => input.to_owned(),
            None => return Err(AuthorizeError::BadUrl(input.to_owned())),
        },
    };
    Ok(form_urlencoded::parse(query.as_bytes()).into_owned().collect())
}

/// `GET /oauth/authorize`: the consent page.
pub(crate) async fn show_consent(State(sandbox): State<Sandbox>, RawQuery(query): RawQuery) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    match parse(&pairs, &sandbox.config().client_id) {
        Ok(request) => Html(consent::consent_page(&request, sandbox.config())).into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, Html(consent::error_page(&error))).into_response(),
    }
}

/// `POST /oauth/authorize`: the button the user pressed; redirects back to the app with `302`.
pub(crate) async fn submit_decision(State(sandbox): State<Sandbox>, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let redirect = parse(&pairs, &sandbox.config().client_id)
        .and_then(|request| parse_decision(&pairs).map(|decision| (request, decision)))
        .and_then(|(request, decision)| sandbox.decide(&request, decision));
    match redirect.map(HeaderValue::try_from) {
        Ok(Ok(location)) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Ok(Err(_)) => (StatusCode::INTERNAL_SERVER_ERROR, "redirect URL is not a valid header").into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, Html(consent::error_page(&error))).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_paths_and_bare_queries_are_all_read() {
        for input in [
            "http://h/oauth/authorize?client_id=a&scope=x",
            "/oauth/authorize?client_id=a&scope=x",
            "client_id=a&scope=x",
        ] {
            let pairs = query_pairs_of(input).unwrap_or_default();
            assert_eq!(pairs.len(), 2, "{input}");
        }
        assert!(query_pairs_of("nonsense").is_err());
    }

    #[test]
    fn unknown_clients_and_missing_redirects_are_refused() {
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let unknown = parse(&pairs(&[("client_id", "other")]), "mine");
        assert_eq!(unknown.err(), Some(AuthorizeError::UnknownClient("other".to_owned())));
        let missing = parse(&pairs(&[("client_id", "mine"), ("scope", "oauth")]), "mine");
        assert_eq!(missing.err(), Some(AuthorizeError::Missing("redirect_uri")));
    }
}
