//! The portal's property lists for the mapping settings: read live with
//! the team's token (a refused token is refreshed once, as syncs do).
use super::api::ApiError;
use super::{HubspotApi, HubspotOAuth, TokenError, TokenSource};
use app::domain::hubspot_mapping::{CrmObject, PropertyDef};
use app::ssr::crypto::SecretBox;
use app::ssr::entities::integration_connection as connection;
use app::ssr::services::hubspot::mappings::PropertySource;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub struct LiveProperties {
    pub db: DatabaseConnection,
    pub secrets: SecretBox,
    pub oauth: Arc<HubspotOAuth>,
    pub api: Arc<HubspotApi>,
}

const UNREACHABLE: &str = "HubSpot could not be reached to list its properties; try Refresh in a moment.";

#[async_trait::async_trait]
impl PropertySource for LiveProperties {
    async fn fetch(&self, found: &connection::Model, object: CrmObject) -> Result<Vec<PropertyDef>, String> {
        let tokens = TokenSource {
            db: &self.db,
            secrets: &self.secrets,
            oauth: &self.oauth,
        };
        let mut refused = None;
        let mut current = found.clone();
        for _ in 0..2 {
            let access = match tokens.access_token(&current, refused.as_deref()).await {
                Ok(Some(access)) => access,
                Ok(None) => return Err("HubSpot was disconnected meanwhile.".to_owned()),
                Err(TokenError::OAuth(super::OAuthError::Revoked)) => {
                    return Err("HubSpot no longer accepts Slotline's access: connect HubSpot again.".to_owned());
                }
                Err(error) => {
                    tracing::warn!(%error, "no HubSpot token to list properties");
                    return Err(UNREACHABLE.to_owned());
                }
            };
            current = access.connection;
            match self.api.properties(&current.account_id, &access.token, object).await {
                Ok(list) => return Ok(list),
                Err(ApiError::Unauthorized(_)) => refused = Some(current.access_token_sealed.clone()),
                Err(ApiError::Rejected { status: 403, .. }) => {
                    return Err(format!(
                        "HubSpot does not let Slotline read {} properties: connect HubSpot again to grant access.",
                        object.as_str()
                    ));
                }
                Err(error) => {
                    tracing::warn!(%error, "listing HubSpot properties failed");
                    return Err(UNREACHABLE.to_owned());
                }
            }
        }
        Err(UNREACHABLE.to_owned())
    }
}
