use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hubspot_connections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// One connection per team.
    pub team_id: String,
    pub connected_by: String,
    /// HubSpot's `hub_id`.
    pub portal_id: String,
    /// Granted scopes, space-separated.
    pub scopes: String,
    /// Sealed with `SecretBox`; never plaintext.
    pub access_token_sealed: String,
    pub refresh_token_sealed: String,
    pub access_expires_at: DateTimeUtc,
    /// When the invitee is already a HubSpot contact: update them (true) or leave them.
    pub update_existing_contacts: bool,
    pub last_success_at: Option<DateTimeUtc>,
    pub last_error_email_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
