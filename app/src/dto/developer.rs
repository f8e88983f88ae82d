//! What the developer pages show: API keys, the team, webhooks and their
//! delivery log.
use crate::domain::{ApiKeyId, EventTypeId, UserId, WebhookDeliveryId, WebhookId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyDto {
    pub id: ApiKeyId,
    pub name: String,
    /// The key's first 12 characters, to recognise it by.
    pub prefix: String,
    pub created: String,
    pub last_used: Option<String>,
    pub expires: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
    /// What the key may do, e.g. `bookings:read`.
    pub scopes: Vec<String>,
}

/// A key just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub key: String,
    pub api_key: ApiKeyDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeysDto {
    pub keys: Vec<ApiKeyDto>,
    pub plan_label: String,
    /// Active keys allowed per user; `None` is unlimited.
    pub limit: Option<u32>,
    pub active: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMemberDto {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: String,
    /// Filled only for the team's owner, who may revoke them.
    pub keys: Vec<ApiKeyDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamDto {
    pub name: String,
    /// `free`, `pro` or `organization`.
    pub plan: String,
    pub plan_label: String,
    /// The viewer is the owner: sees every key and may change the plan.
    pub is_owner: bool,
    /// The viewer runs this server (`SLOTLINE_OPERATOR_EMAILS`) and may set the plan.
    pub can_set_plan: bool,
    pub members: Vec<TeamMemberDto>,
    /// The team's ISO 3166 region for national phone numbers; blank: `phone_region_default`.
    pub phone_region: String,
    /// The region of the viewer's time zone, used when none is set; blank when it has none.
    pub phone_region_default: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDto {
    pub id: WebhookId,
    /// "Zapier" for REST hooks, "Manual" for the dashboard's.
    pub label: String,
    pub target_url: String,
    pub events: Vec<String>,
    pub event_type: Option<String>,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventTypeChoice {
    pub id: EventTypeId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhooksDto {
    pub webhooks: Vec<WebhookDto>,
    pub event_types: Vec<EventTypeChoice>,
    pub plan_label: String,
    pub limit: Option<u32>,
}

/// The "Add webhook" form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookForm {
    pub target_url: String,
    /// Ticked event keys (checkbox name = key, value = "on").
    #[serde(default)]
    pub events: BTreeMap<String, String>,
    #[serde(default)]
    pub event_type_id: String,
}

/// A webhook just created or given a new secret: shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSecret {
    pub secret: String,
    /// After a roll: until when the old secret signs deliveries too, in the
    /// host's time zone.
    #[serde(default)]
    pub previous_valid_until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptDto {
    pub at: String,
    pub status_code: Option<u16>,
    pub duration_ms: u32,
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub next_retry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryDto {
    pub id: WebhookDeliveryId,
    pub event: String,
    pub created: String,
    /// `pending`, `retrying`, `succeeded` or `failed`.
    pub status: String,
    pub is_test: bool,
    /// Oldest first.
    pub attempts: Vec<AttemptDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryLogDto {
    pub webhook: WebhookDto,
    /// The viewer's zone, named next to every time.
    pub time_zone: String,
    /// Newest first.
    pub deliveries: Vec<DeliveryDto>,
}
