//! API key authentication and rate limiting for `/api/v1` (and, through
//! [`identify`] and [`admit`], for `/mcp`): a layer that admits a request
//! as its key's user, or answers 401 or 429.
use super::error::ApiError;
use super::rate_limit::Allowance;
use crate::agent::{Agent, require_scope};
use crate::http::ServerState;
use app::domain::BookingSource;
use app::domain::api_scopes::{ApiScope, ApiScopes};
use app::error::AppError;
use app::ssr::AppState;
use app::ssr::entities::user;
use app::ssr::services::api_keys;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The user the request's API key acts as, and what the key may do.
#[derive(Clone)]
pub struct ApiUser {
    pub user: user::Model,
    pub scopes: ApiScopes,
}

impl ApiUser {
    /// The user, if the key has `scope`.
    pub fn require(&self, scope: ApiScope) -> Result<&user::Model, ApiError> {
        require_scope(&self.scopes, scope).map(|()| &self.user)
    }

    /// The user acting as an agent, whose bookings say they came from `source`.
    pub fn agent(self, state: AppState, source: BookingSource) -> Agent {
        Agent {
            state,
            user: self.user,
            scopes: self.scopes,
            source,
        }
    }
}

/// The raw key a request carries: `X-API-Key`, or `Authorization: Bearer`.
fn key_of(headers: &HeaderMap) -> Option<String> {
    let header = |name| headers.get(name).and_then(|value: &HeaderValue| value.to_str().ok());
    header("x-api-key")
        .map(str::to_owned)
        .or_else(|| {
            header("authorization")
                .and_then(|value| value.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, key)| key.to_owned())
        })
        .map(|key| key.trim().to_owned())
}

/// The key's user, or [`AppError::Unauthorized`].
pub async fn identify(state: &ServerState, headers: &HeaderMap) -> Result<ApiUser, AppError> {
    let key = key_of(headers).ok_or(AppError::Unauthorized)?;
    let (user, scopes) = api_keys::authenticate(&state.app.db, &key).await?;
    Ok(ApiUser { user, scopes })
}

/// Counts a request against its limit: a known key's user's, or else its
/// client IP's. The answer is the allowance left, or the response to send.
pub async fn admit(
    state: &ServerState,
    peer: IpAddr,
    headers: &HeaderMap,
    user: Result<&ApiUser, &AppError>,
) -> Result<Option<Allowance>, Response> {
    match user {
        Ok(user) => match state.rate_limits.admit_user(user.user.id.as_str()).await {
            Ok(allowance) => Ok(Some(allowance)),
            Err((limited, allowance)) => {
                let mut response = limited.into_response();
                set_allowance(response.headers_mut(), allowance);
                Err(response)
            }
        },
        Err(AppError::Unauthorized) => {
            let client = state.rate_limits.client_ip(peer, headers);
            match state.rate_limits.admit_anonymous(client).await {
                Ok(()) => Ok(None),
                Err(limited) => Err(limited.into_response()),
            }
        }
        Err(_) => Ok(None),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<ApiUser>().cloned().ok_or_else(|| {
            tracing::error!("an API handler ran without the authentication layer");
            ApiError::App(AppError::Internal)
        })
    }
}

pub fn set_allowance(headers: &mut HeaderMap, allowance: Allowance) {
    headers.insert("x-ratelimit-limit", HeaderValue::from(allowance.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(allowance.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(allowance.reset_secs));
}

/// The peer the request came from.
pub fn peer_of(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

pub async fn authenticate(State(state): State<ServerState>, mut request: Request, next: Next) -> Response {
    let peer = peer_of(&request);
    let user = identify(&state, request.headers()).await;
    let allowance = match admit(&state, peer, request.headers(), user.as_ref()).await {
        Ok(allowance) => allowance,
        Err(limited) => return limited,
    };
    let user = match user {
        Ok(user) => user,
        Err(error) => return ApiError::App(error).into_response(),
    };
    request.extensions_mut().insert(user);
    let mut response = next.run(request).await;
    if let Some(allowance) = allowance {
        set_allowance(response.headers_mut(), allowance);
    }
    response
}
