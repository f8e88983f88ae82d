//! `/integrations/hubspot/connect` and `/callback`: the two legs of
//! HubSpot's OAuth code flow. Both end in a redirect to the integrations
//! page, which reads the outcome from its query string.
use super::ServerState;
use app::error::AppError;
use app::ssr::auth::{session_token_from, user_for_token};
use app::ssr::services::hubspot::{self, IssuedTokens};
use axum::extract::{Query, State};
use axum::response::Redirect;
use http::HeaderMap;
use serde::Deserialize;

const PAGE: &str = "/dashboard/integrations";

fn back(outcome: &str) -> Redirect {
    Redirect::to(&format!("{PAGE}?{outcome}"))
}

#[derive(Debug, Deserialize)]
pub struct ConnectQuery {
    /// Set by the event type's Companies settings: ask for companies access.
    companies: Option<String>,
}

pub async fn connect(
    State(state): State<ServerState>,
    Query(query): Query<ConnectQuery>,
    headers: HeaderMap,
) -> Redirect {
    let Some(oauth) = state.hubspot.clone() else {
        return back("error=not_configured");
    };
    let Some(session) = session_token_from(&headers, &state.app.config) else {
        return Redirect::to("/login");
    };
    let user = match user_for_token(&state.app.db, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login"),
        Err(_) => return back("error=hubspot"),
    };
    let companies = match wants_companies(&state, &user).await {
        Ok(wanted) => query.companies.is_some() || wanted,
        Err(_) => return back("error=hubspot"),
    };
    match hubspot::begin_connect(&state.app.db, &user, &session).await {
        Ok(oauth_state) => Redirect::to(&oauth.authorize_url(oauth_state, companies)),
        Err(AppError::Forbidden(_)) => back("error=forbidden"),
        Err(_) => back("error=hubspot"),
    }
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn callback(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Redirect {
    let Some(oauth) = state.hubspot.clone() else {
        return back("error=not_configured");
    };
    // The state is checked (and used up) before anything else is believed.
    let session = session_token_from(&headers, &state.app.config);
    let Some(oauth_state) = query.state.as_deref() else {
        return back("error=state");
    };
    let user = match hubspot::take_state(&state.app.db, oauth_state, session.as_deref()).await {
        Ok(user) => user,
        Err(error) => {
            tracing::warn!(%error, "HubSpot callback with a state that is not valid");
            return back("error=state");
        }
    };
    if let Some(error) = query.error.as_deref() {
        tracing::info!(error, "HubSpot consent not given");
        return back(if error == "access_denied" {
            "error=access_denied"
        } else {
            "error=hubspot"
        });
    }
    let Some(code) = query.code.as_deref() else {
        return back("error=hubspot");
    };
    let tokens = match oauth.exchange_code(code).await {
        Ok(tokens) => tokens,
        Err(error) => {
            tracing::warn!(%error, "HubSpot code exchange failed");
            return back("error=hubspot");
        }
    };
    // The token response may name the portal; otherwise introspection does.
    let (portal_id, scopes) = match tokens.portal_id.clone() {
        Some(portal) => (portal, tokens.scopes.clone()),
        None => match oauth.introspect(&tokens.access_token).await {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(%error, "HubSpot token introspection failed");
                return back("error=hubspot");
            }
        },
    };
    let issued = IssuedTokens {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expires_at: tokens.expires_at,
        portal_id,
        scopes,
    };
    match hubspot::save_connection(&state.app.db, &state.app.secrets, &user, issued).await {
        Ok(_) => back("connected=1"),
        Err(error) => {
            tracing::error!(%error, "storing the HubSpot connection failed");
            back("error=hubspot")
        }
    }
}

/// Whether the team makes companies or was granted access to them before:
/// a reconnect keeps what the team has.
async fn wants_companies(state: &ServerState, user: &app::ssr::entities::user::Model) -> Result<bool, sea_orm::DbErr> {
    let db = &state.app.db;
    if hubspot::mappings::team_uses_companies(db, &user.team_id).await? {
        return Ok(true);
    }
    Ok(hubspot::connection_of_team(db, &user.team_id)
        .await?
        .is_some_and(|found| hubspot::mappings::can_use_companies(&found.scopes)))
}
