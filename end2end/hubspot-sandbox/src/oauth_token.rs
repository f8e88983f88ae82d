//! The OAuth token endpoints under `/oauth/2026-03/`: `token` (authorization code and refresh token
//! grants), `token/introspect` and `token/revoke`. All form-encoded, every parameter in the body.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::config::{SANDBOX_APP_ID, SANDBOX_USER_ID, SandboxConfig};
use crate::errors::OAuthError;
use crate::form::FormBody;
use crate::sandbox::Sandbox;
use crate::tokens::Issued;

/// Checks `client_id` and `client_secret` against the configured app.
fn check_client(form: &FormBody, config: &SandboxConfig) -> Result<(), OAuthError> {
    let client_id = form.required("client_id")?;
    let client_secret = form.required("client_secret")?;
    if client_id != config.client_id {
        return Err(OAuthError::invalid_client("missing or unknown client_id"));
    }
    if client_secret != config.client_secret {
        return Err(OAuthError::invalid_client("client_secret does not match client_id"));
    }
    Ok(())
}

/// `POST /oauth/2026-03/token`.
pub(crate) async fn token(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, OAuthError> {
    let form = FormBody::parse(&headers, &body)?;
    let config = sandbox.config();
    let grant_type = form.required("grant_type")?;
    check_client(&form, config)?;
    if sandbox.lock().tokens.take_client_refusal() {
        return Err(OAuthError::invalid_client("the app's credentials were refused"));
    }
    let ttl = config.access_token_ttl;
    let issued = match grant_type {
        "authorization_code" => {
            let redirect_uri = form.required("redirect_uri")?;
            let code = form.required("code")?;
            let mut state = sandbox.lock();
            let now = state.now();
            state
                .tokens
                .redeem_code(code, redirect_uri, now, ttl)
                .map_err(|problem| OAuthError::bad_auth_code(problem.message()))?
        }
        "refresh_token" => {
            let refresh_token = form.required("refresh_token")?;
            let mut state = sandbox.lock();
            let now = state.now();
            state
                .tokens
                .refresh(refresh_token, now, ttl)
                .ok_or_else(OAuthError::bad_refresh_token)?
        }
        other => return Err(OAuthError::unsupported_grant_type(other)),
    };
    Ok(Json(token_response(&issued, config)))
}

fn token_response(issued: &Issued, config: &SandboxConfig) -> Value {
    let mut response = json!({
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
        "token_type": "bearer",
        "token_use": "access_token",
    });
    // HubSpot may or may not include these; by default the sandbox leaves them out so clients must
    // be able to introspect.
    if config.token_response_has_hub_id {
        response["hub_id"] = json!(config.hub_id);
        response["scopes"] = json!(issued.scopes);
        response["user_id"] = json!(SANDBOX_USER_ID);
    }
    response
}

/// `POST /oauth/2026-03/token/introspect`: `{"active":false}` for anything but a live token.
pub(crate) async fn introspect(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, OAuthError> {
    let form = FormBody::parse(&headers, &body)?;
    let config = sandbox.config();
    check_client(&form, config)?;
    let token = form.required("token")?;
    let found = {
        let state = sandbox.lock();
        state.tokens.introspect(token, state.now())
    };
    let Some(found) = found else {
        return Ok(Json(json!({"active": false})));
    };
    let mut response = json!({
        "active": true,
        "token": token,
        "token_type": "bearer",
        "token_use": found.token_use,
        "hub_id": config.hub_id,
        "hub_domain": config.hub_domain(),
        "app_id": SANDBOX_APP_ID,
        "client_id": config.client_id,
        "user_id": SANDBOX_USER_ID,
        "scopes": found.scopes,
    });
    if let Some(expires_in) = found.expires_in {
        response["expires_in"] = json!(expires_in);
    }
    Ok(Json(response))
}

/// `POST /oauth/2026-03/token/revoke`: always `204` once the client is authenticated (RFC 7009: an
/// unknown token is not an error), and the token is recorded for tests.
pub(crate) async fn revoke(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, OAuthError> {
    let form = FormBody::parse(&headers, &body)?;
    check_client(&form, sandbox.config())?;
    let token = form.required("token")?;
    let mut state = sandbox.lock();
    let now = state.now();
    state.tokens.revoke(token, now);
    Ok(StatusCode::NO_CONTENT)
}
