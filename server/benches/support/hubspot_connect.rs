//! Connects the seeded demo host's team to a HubSpot sandbox as its owner
//! would, through OAuth's code flow.
use app::ssr::AppState;
use app::ssr::entities::user;
use app::ssr::services::hubspot;
use hubspot_sandbox::RunningSandbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::config::Config;
use server::integrations::hubspot::HubspotOAuth;

/// The demo host, its team now connected to `sandbox` (which `config`'s
/// HubSpot settings point at).
pub async fn connect_demo(state: &AppState, config: &Config, sandbox: &RunningSandbox) -> anyhow::Result<user::Model> {
    let db = &state.db;
    let host = user::Entity::find()
        .filter(user::Column::Slug.eq("demo"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo host"))?;
    let settings = config
        .hubspot
        .clone()
        .ok_or_else(|| anyhow::anyhow!("HubSpot is not configured"))?;
    let oauth = HubspotOAuth::new(settings, &config.public_url)?;
    let oauth_state = hubspot::begin_connect(db, &host, "bench-session").await?;
    let callback = url::Url::parse(&sandbox.grant(&oauth.authorize_url(oauth_state, false)).await)?;
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| anyhow::anyhow!("no code"))?;
    let tokens = oauth.exchange_code(&code).await?;
    let (portal_id, scopes) = oauth.introspect(&tokens.access_token).await?;
    hubspot::save_connection(
        db,
        &state.secrets,
        &host,
        hubspot::IssuedTokens {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: tokens.expires_at,
            portal_id,
            scopes,
        },
    )
    .await?;
    Ok(host)
}
