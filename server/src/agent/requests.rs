//! What agents send: the inputs of the agent endpoints, shared by REST API
//! v1 (bodies and query strings) and the MCP tools (arguments).
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// Which free times to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AvailabilityRequest {
    /// One of your event types (see `list_event_types`); or give `host` and `event`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_id: Option<String>,
    /// A host's public slug, with `event`, for any public event type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub host: Option<String>,
    /// An event type's public slug, with `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub event: Option<String>,
    /// First day, `YYYY-MM-DD` in `timeZone`, inclusive.
    #[serde(default)]
    #[schemars(required)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` in `timeZone`, inclusive; at most 31 days in all.
    #[serde(default)]
    #[schemars(required)]
    pub to: String,
    /// The caller's IANA time zone, e.g. `Europe/Berlin`: days and `localStart` are in it.
    #[serde(default)]
    #[schemars(required)]
    pub time_zone: String,
    /// Minutes, one of the event type's `durations`; its default otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
}

/// Who the booking is for.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InviteeInput {
    pub name: String,
    pub email: String,
    /// With its country code, or national in the team's phone region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The invitee's IANA time zone, e.g. `America/New_York`.
    pub time_zone: String,
}

/// A booking to make.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookRequest {
    pub event_type_id: String,
    /// A free `start` from the availability, any RFC 3339 offset.
    pub start: String,
    /// Minutes, one of the event type's `durations`; its default otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    pub invitee: InviteeInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Answers by question id: text, or a list for several options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub answers: Option<BTreeMap<String, serde_json::Value>>,
}

/// Why a booking is cancelled, told to the invitee.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CancelRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The new time of a booking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleRequest {
    /// A free time of the booking's event type, any RFC 3339 offset.
    pub start: String,
}

/// Cancels the one confirmed booking starting exactly at `startTime`,
/// narrowed by at most one of the others.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CancelAtRequest {
    /// RFC 3339, e.g. `2026-02-10T15:00:00+01:00`.
    pub start_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitee_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitee_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Which bookings to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListRequest {
    /// Bookings starting at or after this instant (RFC 3339) or day (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Bookings starting before this instant or day.
    pub to: Option<String>,
    /// `confirmed`, `cancelled` or `pending_payment`.
    pub status: Option<String>,
    pub invitee_email: Option<String>,
    pub invitee_phone: Option<String>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Finds a contact by exactly one of phone or e-mail.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ContactRequest {
    /// Any spelling: `+49 151 1234 5678`, or national in the team's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}
