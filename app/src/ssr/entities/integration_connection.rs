//! A team's connection to an outside service: one per provider and team.
use crate::domain::{TeamId, UserId};
use sea_orm::entity::prelude::*;

pub const HUBSPOT: &str = "hubspot";
pub const STRIPE: &str = "stripe";
pub const CONNECTED: &str = "connected";

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_connections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// [`HUBSPOT`] or [`STRIPE`].
    pub provider: String,
    pub team_id: TeamId,
    /// The remote account: HubSpot's portal (`hub_id`); for Stripe, the
    /// mode and last four characters of the key (`test …4242`).
    pub account_id: String,
    pub connected_by: UserId,
    /// Granted scopes, space-separated.
    pub scopes: String,
    /// Sealed with `SecretBox`; never plaintext. Stripe's secret key.
    pub access_token_sealed: String,
    pub refresh_token_sealed: Option<String>,
    pub access_expires_at: Option<DateTimeUtc>,
    /// Until when one job holds the right to refresh the tokens.
    pub refresh_lease_until: Option<DateTimeUtc>,
    /// The provider's settings, a JSON object.
    pub settings: String,
    /// [`CONNECTED`].
    pub status: String,
    pub last_success_at: Option<DateTimeUtc>,
    pub last_error_email_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// How far the incremental pull of contact changes got (HubSpot's
    /// `lastmodifieddate`).
    pub pulled_until: Option<DateTimeUtc>,
    /// When a HubSpot app webhook last arrived for this account.
    pub webhook_seen_at: Option<DateTimeUtc>,
    /// Stripe's webhook signing secret (`whsec_…`), sealed.
    pub webhook_secret_sealed: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
