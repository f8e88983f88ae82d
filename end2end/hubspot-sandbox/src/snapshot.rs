//! Read-only copies of the sandbox's state that tests inspect: objects, meetings, associations,
//! token events and the request log.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// A contact, company or meeting as the sandbox currently holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxObject {
    /// HubSpot's numeric id, as a string.
    pub id: String,
    /// Every set property, including `hs_object_id` and the create/modify dates the sandbox sets.
    pub properties: BTreeMap<String, String>,
    /// When the object was created (sandbox clock).
    pub created_at: DateTime<Utc>,
    /// When the object was last written (sandbox clock).
    pub updated_at: DateTime<Utc>,
    /// Whether the object is archived (see [`crate::Sandbox::archived_contacts`]).
    pub archived: bool,
}

impl SandboxObject {
    /// The value of one property, if set.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).map(String::as_str)
    }
}

/// A meeting and the ids of the contacts it is associated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxMeeting {
    /// The meeting object.
    pub object: SandboxObject,
    /// Ids of associated contacts (meeting → contact, type 200), in the order they were given.
    pub contact_ids: Vec<String>,
}

/// Two associated objects, stored one way per pair of types: meeting → contact, meeting → company
/// and contact → company, however the app linked them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxAssociation {
    /// `"meetings"` or `"contacts"`, as in `/crm/objects/2026-03/{type}`.
    pub from_type: String,
    /// The id of the `from` object.
    pub from_id: String,
    /// `"contacts"` or `"companies"`.
    pub to_type: String,
    /// The id of the `to` object.
    pub to_id: String,
    /// HUBSPOT_DEFINED type ids in this direction, ascending: meeting → contact 200, meeting →
    /// company 188, contact → company 279, plus 1 when the company is the contact's primary.
    pub type_ids: Vec<u32>,
}

/// One HTTP request the sandbox answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The status code the sandbox answered with.
    pub status: u16,
    /// When the request arrived (sandbox clock).
    pub at: DateTime<Utc>,
}

/// What happened to a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenEventKind {
    /// An authorization code was exchanged for tokens.
    Issued,
    /// A refresh token was used to get a new access token.
    Refreshed,
    /// With rotation on, a refresh replaced the refresh token it used; `token` is the new one.
    Rotated,
    /// The app revoked a token through the revoke endpoint.
    Revoked,
    /// A test revoked every refresh token ([`crate::Sandbox::revoke_all_refresh_tokens`]).
    RevokedBySandbox,
    /// A test expired every access token ([`crate::Sandbox::expire_access_tokens`]).
    AccessTokensExpired,
}

impl TokenEventKind {
    /// A short lowercase label for pages and JSON.
    pub fn label(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Refreshed => "refreshed",
            Self::Rotated => "rotated",
            Self::Revoked => "revoked",
            Self::RevokedBySandbox => "revoked by sandbox",
            Self::AccessTokensExpired => "access tokens expired",
        }
    }
}

/// One entry of the token history shown on the sandbox page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenEvent {
    /// What happened.
    pub kind: TokenEventKind,
    /// The refresh token concerned (for `Revoked`, the token the app sent), if one.
    pub token: Option<String>,
    /// When (sandbox clock).
    pub at: DateTime<Utc>,
}
