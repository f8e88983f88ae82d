//! HubSpot: OAuth connect and token care (`oauth`). Only HubSpot's
//! date-versioned API is used (see `../shared/HUBSPOT.md`).
pub mod oauth;

pub use oauth::{HubspotOAuth, OAuthError};

/// The HubSpot API release every path uses; moving to a newer release is
/// this line plus the sandbox.
pub const API_VERSION: &str = "2026-03";

/// What Slotline asks a portal for: contacts, and engagements such as meetings.
pub const SCOPES: [&str; 3] = ["oauth", "crm.objects.contacts.read", "crm.objects.contacts.write"];
