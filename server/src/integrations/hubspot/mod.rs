//! HubSpot: OAuth connect and token care (`oauth`, `access`), the CRM
//! calls (`api`, and two-way contact sync's in `contacts`) and the property lists for the settings (`properties`);
//! the booking sync job that uses them is `jobs::sync_booking_to_hubspot`.
//! Only HubSpot's date-versioned API is used (see `../shared/HUBSPOT.md`).
pub mod access;
pub mod api;
pub mod contacts;
pub mod oauth;
pub mod properties;

pub use access::{Access, TokenError, TokenSource};
pub use api::HubspotApi;
pub use oauth::{HubspotOAuth, OAuthError};

/// The HubSpot API release every path uses; moving to a newer release is
/// this line plus the sandbox.
pub const API_VERSION: &str = "2026-03";

/// What Slotline asks a portal for: contacts, and engagements such as meetings.
pub const SCOPES: [&str; 3] = ["oauth", "crm.objects.contacts.read", "crm.objects.contacts.write"];
