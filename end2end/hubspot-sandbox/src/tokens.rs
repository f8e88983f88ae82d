//! The OAuth grant store: authorization codes, refresh tokens and access tokens, and the history of
//! what happened to them. Pure bookkeeping; the HTTP side lives in `oauth_token` and `authorize`.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::ids;
use crate::snapshot::{TokenEvent, TokenEventKind};
use crate::state::later;

/// How long an authorization code can be exchanged.
const CODE_LIFETIME: Duration = Duration::from_secs(10 * 60);

struct AuthCode {
    redirect_uri: String,
    scopes: Vec<String>,
    expires_at: DateTime<Utc>,
    used: bool,
}

struct RefreshGrant {
    scopes: Vec<String>,
    revoked: bool,
}

struct AccessGrant {
    refresh_token: String,
    scopes: Vec<String>,
    expires_at: DateTime<Utc>,
}

/// Tokens handed out by a successful grant.
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) expires_in: u64,
    pub(crate) scopes: Vec<String>,
}

/// Why an authorization code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeProblem {
    Unknown,
    AlreadyUsed,
    Expired,
    RedirectMismatch,
}

impl CodeProblem {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::Unknown => "missing or unknown auth code",
            Self::AlreadyUsed => "auth code has already been used",
            Self::Expired => "auth code has expired",
            Self::RedirectMismatch => "redirect_uri does not match the one the auth code was issued for",
        }
    }
}

/// What a bearer token is worth right now.
pub(crate) enum AccessCheck {
    Live { scopes: Vec<String> },
    Expired { seconds_ago: i64 },
    Unknown,
}

/// What introspection reports about a live token.
pub(crate) struct Introspection {
    pub(crate) scopes: Vec<String>,
    pub(crate) token_use: &'static str,
    /// Seconds left, for access tokens.
    pub(crate) expires_in: Option<i64>,
}

#[derive(Default)]
pub(crate) struct TokenStore {
    codes: HashMap<String, AuthCode>,
    refresh: HashMap<String, RefreshGrant>,
    access: HashMap<String, AccessGrant>,
    events: Vec<TokenEvent>,
    revocations: Vec<String>,
    /// Each refresh retires the refresh token it used and issues a new one.
    rotate: bool,
    /// How many more token requests to refuse as if the app's credentials were wrong.
    client_refusals: u32,
}

impl TokenStore {
    pub(crate) fn new(rotate: bool) -> Self {
        Self {
            rotate,
            ..Self::default()
        }
    }

    pub(crate) fn set_rotation(&mut self, on: bool) {
        self.rotate = on;
    }

    pub(crate) fn refuse_clients(&mut self, count: u32) {
        self.client_refusals = count;
    }

    /// Whether this token request is one to refuse with `invalid_client`.
    pub(crate) fn take_client_refusal(&mut self) -> bool {
        let refuse = self.client_refusals > 0;
        self.client_refusals = self.client_refusals.saturating_sub(1);
        refuse
    }

    pub(crate) fn issue_code(&mut self, redirect_uri: &str, scopes: Vec<String>, now: DateTime<Utc>) -> String {
        let code = ids::auth_code();
        let grant = AuthCode {
            redirect_uri: redirect_uri.to_owned(),
            scopes,
            expires_at: later(now, CODE_LIFETIME),
            used: false,
        };
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Exchanges a code for tokens. A code is consumed only by a successful exchange, so a client
    /// that got the redirect URI wrong can still retry with the right one within the lifetime.
    pub(crate) fn redeem_code(
        &mut self,
        code: &str,
        redirect_uri: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Issued, CodeProblem> {
        let grant = self.codes.get_mut(code).ok_or(CodeProblem::Unknown)?;
        if grant.used {
            return Err(CodeProblem::AlreadyUsed);
        }
        if grant.expires_at <= now {
            return Err(CodeProblem::Expired);
        }
        if grant.redirect_uri != redirect_uri {
            return Err(CodeProblem::RedirectMismatch);
        }
        grant.used = true;
        let scopes = grant.scopes.clone();
        let refresh_token = ids::refresh_token();
        self.refresh.insert(
            refresh_token.clone(),
            RefreshGrant {
                scopes: scopes.clone(),
                revoked: false,
            },
        );
        self.record(TokenEventKind::Issued, Some(refresh_token.clone()), now);
        Ok(self.issue_access(refresh_token, scopes, now, ttl))
    }

    /// A new access token for a live refresh token. The refresh token stays the same, unless
    /// rotation is on: then it is retired and a new one comes with the access token.
    pub(crate) fn refresh(&mut self, refresh_token: &str, now: DateTime<Utc>, ttl: Duration) -> Option<Issued> {
        let grant = self.refresh.get_mut(refresh_token).filter(|grant| !grant.revoked)?;
        let scopes = grant.scopes.clone();
        grant.revoked = self.rotate;
        self.record(TokenEventKind::Refreshed, Some(refresh_token.to_owned()), now);
        if !self.rotate {
            return Some(self.issue_access(refresh_token.to_owned(), scopes, now, ttl));
        }
        let rotated = ids::refresh_token();
        self.refresh.insert(
            rotated.clone(),
            RefreshGrant {
                scopes: scopes.clone(),
                revoked: false,
            },
        );
        self.record(TokenEventKind::Rotated, Some(rotated.clone()), now);
        Some(self.issue_access(rotated, scopes, now, ttl))
    }

    fn issue_access(
        &mut self,
        refresh_token: String,
        scopes: Vec<String>,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Issued {
        let access_token = ids::access_token();
        let grant = AccessGrant {
            refresh_token: refresh_token.clone(),
            scopes: scopes.clone(),
            expires_at: later(now, ttl),
        };
        self.access.insert(access_token.clone(), grant);
        Issued {
            access_token,
            refresh_token,
            expires_in: ttl.as_secs(),
            scopes,
        }
    }

    /// The revoke endpoint: records the token the app sent, revokes it if it is a refresh token
    /// (with every access token minted from it), or drops it if it is an access token.
    pub(crate) fn revoke(&mut self, token: &str, now: DateTime<Utc>) {
        self.revocations.push(token.to_owned());
        self.record(TokenEventKind::Revoked, Some(token.to_owned()), now);
        if let Some(grant) = self.refresh.get_mut(token) {
            grant.revoked = true;
            self.access.retain(|_, access| access.refresh_token != token);
        } else {
            self.access.remove(token);
        }
    }

    /// Models the app being uninstalled: every refresh token and every access token stop working.
    pub(crate) fn revoke_all_refresh(&mut self, now: DateTime<Utc>) {
        let live: Vec<String> = self
            .refresh
            .iter()
            .filter(|(_, grant)| !grant.revoked)
            .map(|(token, _)| token.clone())
            .collect();
        for token in live {
            if let Some(grant) = self.refresh.get_mut(&token) {
                grant.revoked = true;
            }
            self.record(TokenEventKind::RevokedBySandbox, Some(token), now);
        }
        self.access.clear();
    }

    /// Every access token issued so far expires now (refresh tokens keep working).
    pub(crate) fn expire_all_access(&mut self, now: DateTime<Utc>) {
        for grant in self.access.values_mut() {
            grant.expires_at = grant.expires_at.min(now);
        }
        self.record(TokenEventKind::AccessTokensExpired, None, now);
    }

    pub(crate) fn check_access(&self, token: &str, now: DateTime<Utc>) -> AccessCheck {
        match self.access.get(token) {
            None => AccessCheck::Unknown,
            Some(grant) if grant.expires_at > now => AccessCheck::Live {
                scopes: grant.scopes.clone(),
            },
            // HubSpot reports whole seconds; a token that just expired says 1 rather than 0.
            Some(grant) => AccessCheck::Expired {
                seconds_ago: (now - grant.expires_at).num_seconds().max(1),
            },
        }
    }

    pub(crate) fn introspect(&self, token: &str, now: DateTime<Utc>) -> Option<Introspection> {
        if let Some(grant) = self.access.get(token).filter(|grant| grant.expires_at > now) {
            let left = grant.expires_at - now;
            return Some(Introspection {
                scopes: grant.scopes.clone(),
                token_use: "access_token",
                expires_in: Some(left.num_seconds().max(0)),
            });
        }
        let grant = self.refresh.get(token).filter(|grant| !grant.revoked)?;
        Some(Introspection {
            scopes: grant.scopes.clone(),
            token_use: "refresh_token",
            expires_in: None,
        })
    }

    pub(crate) fn events(&self) -> &[TokenEvent] {
        &self.events
    }

    pub(crate) fn revocations(&self) -> &[String] {
        &self.revocations
    }

    fn record(&mut self, kind: TokenEventKind, token: Option<String>, at: DateTime<Utc>) {
        self.events.push(TokenEvent { kind, token, at });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    const TTL: Duration = Duration::from_secs(1800);

    fn scopes() -> Vec<String> {
        vec!["oauth".to_owned()]
    }

    #[test]
    fn a_code_is_single_use() {
        let mut store = TokenStore::default();
        let now = Utc::now();
        let code = store.issue_code("http://app/cb", scopes(), now);
        assert!(store.redeem_code(&code, "http://app/cb", now, TTL).is_ok());
        assert_eq!(
            store.redeem_code(&code, "http://app/cb", now, TTL).err(),
            Some(CodeProblem::AlreadyUsed)
        );
    }

    #[test]
    fn a_code_expires_after_ten_minutes() {
        let mut store = TokenStore::default();
        let now = Utc::now();
        let code = store.issue_code("http://app/cb", scopes(), now);
        let late = now + TimeDelta::minutes(10);
        assert_eq!(
            store.redeem_code(&code, "http://app/cb", late, TTL).err(),
            Some(CodeProblem::Expired)
        );
    }

    #[test]
    fn a_mismatched_redirect_uri_does_not_consume_the_code() {
        let mut store = TokenStore::default();
        let now = Utc::now();
        let code = store.issue_code("http://app/cb", scopes(), now);
        assert_eq!(
            store.redeem_code(&code, "http://evil/cb", now, TTL).err(),
            Some(CodeProblem::RedirectMismatch)
        );
        assert!(store.redeem_code(&code, "http://app/cb", now, TTL).is_ok());
    }

    #[test]
    fn with_rotation_a_refresh_token_works_once() {
        let mut store = TokenStore::new(true);
        let now = Utc::now();
        let code = store.issue_code("http://app/cb", scopes(), now);
        let Ok(first) = store.redeem_code(&code, "http://app/cb", now, TTL) else {
            panic!("code should redeem")
        };
        let Some(second) = store.refresh(&first.refresh_token, now, TTL) else {
            panic!("a live refresh token should refresh")
        };
        assert_ne!(second.refresh_token, first.refresh_token);
        assert!(store.refresh(&first.refresh_token, now, TTL).is_none());
        assert!(store.refresh(&second.refresh_token, now, TTL).is_some());
    }

    #[test]
    fn revoking_a_refresh_token_kills_its_access_tokens() {
        let mut store = TokenStore::default();
        let now = Utc::now();
        let code = store.issue_code("http://app/cb", scopes(), now);
        let issued = store.redeem_code(&code, "http://app/cb", now, TTL).ok();
        let Some(issued) = issued else {
            panic!("code should redeem")
        };
        store.revoke(&issued.refresh_token, now);
        assert!(matches!(
            store.check_access(&issued.access_token, now),
            AccessCheck::Unknown
        ));
        assert!(store.refresh(&issued.refresh_token, now, TTL).is_none());
        assert_eq!(store.revocations(), [issued.refresh_token]);
    }
}
