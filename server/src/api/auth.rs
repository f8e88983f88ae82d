//! `X-API-Key` authentication and rate limiting for `/api/v1`: a layer
//! that admits a request as its key's user, or answers 401 or 429.
use super::error::ApiError;
use super::rate_limit::Allowance;
use crate::http::ServerState;
use app::error::AppError;
use app::ssr::entities::user;
use app::ssr::services::api_keys;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The user the request's API key acts as.
#[derive(Clone)]
pub struct ApiUser(pub user::Model);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<ApiUser>().cloned().ok_or_else(|| {
            tracing::error!("an API handler ran without the authentication layer");
            ApiError::App(AppError::Internal)
        })
    }
}

fn set_allowance(headers: &mut HeaderMap, allowance: Allowance) {
    headers.insert("x-ratelimit-limit", HeaderValue::from(allowance.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(allowance.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(allowance.reset_secs));
}

pub async fn authenticate(State(state): State<ServerState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let key = request
        .headers()
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().to_owned());
    let user = match key {
        Some(key) => api_keys::authenticate(&state.app.db, &key).await,
        None => Err(AppError::Unauthorized),
    };
    let user = match user {
        Ok(user) => user,
        Err(AppError::Unauthorized) => {
            let client = state.rate_limits.client_ip(peer, request.headers());
            return match state.rate_limits.admit_anonymous(client).await {
                Ok(()) => ApiError::App(AppError::Unauthorized),
                Err(limited) => limited,
            }
            .into_response();
        }
        Err(other) => return ApiError::App(other).into_response(),
    };
    match state.rate_limits.admit_user(user.id.as_str()).await {
        Ok(allowance) => {
            request.extensions_mut().insert(ApiUser(user));
            let mut response = next.run(request).await;
            set_allowance(response.headers_mut(), allowance);
            response
        }
        Err((limited, allowance)) => {
            let mut response = limited.into_response();
            set_allowance(response.headers_mut(), allowance);
            response
        }
    }
}
