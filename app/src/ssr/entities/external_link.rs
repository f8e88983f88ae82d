//! A local row's counterpart in a remote account (a booking's HubSpot
//! contact and meeting), so that later changes patch the same object.
use crate::domain::TeamId;
use sea_orm::entity::prelude::*;

pub const BOOKING: &str = "booking";
/// A contact's counterpart: its HubSpot contact, kept in step both ways.
pub const CONTACT: &str = "contact";

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "external_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub provider: String,
    /// The remote account the remote object lives in.
    pub account_id: String,
    pub team_id: TeamId,
    /// [`BOOKING`] or [`CONTACT`].
    pub local_kind: String,
    pub local_id: String,
    /// HubSpot's `contact` or `meeting`.
    pub remote_kind: String,
    /// Unknown while a create went out without an answer.
    pub remote_id: Option<String>,
    /// When a create went out whose answer never came back.
    pub pending_since: Option<DateTimeUtc>,
    /// A contact pair: when the two sides were last in step.
    pub remote_updated_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
