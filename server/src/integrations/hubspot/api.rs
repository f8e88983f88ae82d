//! The CRM calls Slotline makes (contacts, meetings), paced per portal so
//! that Slotline stays under HubSpot's rate limit instead of bouncing off it.
use super::API_VERSION;
use crate::shared_limits::{Rate, SharedLimits};
use governor::clock::DefaultClock;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use serde_json::{Value, json};
use std::num::NonZeroU32;
use std::time::Duration;

/// HubSpot's own window for OAuth apps: 110 requests per 10 s per portal.
const WINDOW: Duration = Duration::from_secs(10);
/// `associationTypeId` of meeting → contact (HUBSPOT_DEFINED).
const MEETING_TO_CONTACT: u32 = 200;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("HubSpot refused the access token ({0})")]
    Unauthorized(String),
    #[error("HubSpot's rate limit was hit")]
    RateLimited { retry_after: Option<Duration> },
    #[error("HubSpot refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("HubSpot failed ({status}): {message}")]
    Server { status: u16, message: String },
    #[error("HubSpot could not be reached: {0}")]
    Network(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized(_) => Some(401),
            Self::RateLimited { .. } => Some(429),
            Self::Rejected { status, .. } | Self::Server { status, .. } => Some(*status),
            Self::Network(_) => None,
        }
    }

    /// The request may have been carried out although no success came back.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Self::Server { .. } | Self::Network(_))
    }
}

/// A contact's properties as Slotline sends them.
pub struct ContactInput<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: Option<&'a str>,
    pub phone: Option<&'a str>,
}

impl ContactInput<'_> {
    fn properties(&self) -> Value {
        let mut props = json!({ "email": self.email, "firstname": self.first_name });
        if let Some(last) = self.last_name {
            props["lastname"] = json!(last);
        }
        if let Some(phone) = self.phone {
            props["phone"] = json!(phone);
        }
        props
    }
}

type Pace = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

pub struct HubspotApi {
    http: reqwest::Client,
    base: String,
    pace: Pace,
    /// The same pacing shared by every process, when Redis is configured.
    shared: Option<(SharedLimits, Rate)>,
}

impl HubspotApi {
    /// `per_window` requests per 10 s per portal, evenly spaced with 1 %
    /// to spare, so that no rolling 10 s window ever holds more.
    pub fn new(
        api_base: &str,
        per_window: u32,
        timeout: Duration,
        shared: Option<SharedLimits>,
    ) -> anyhow::Result<Self> {
        let per_window =
            NonZeroU32::new(per_window).ok_or_else(|| anyhow::anyhow!("the rate limit must be positive"))?;
        let spacing = WINDOW.mul_f64(1.01) / per_window.get();
        let quota = Quota::with_period(spacing)
            .ok_or_else(|| anyhow::anyhow!("the rate limit is too high"))?
            .allow_burst(NonZeroU32::MIN);
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            base: api_base.trim_end_matches('/').to_owned(),
            pace: RateLimiter::keyed(quota),
            shared: shared.map(|limits| {
                let rate = Rate {
                    emission: spacing,
                    burst: 1,
                };
                (limits, rate)
            }),
        })
    }

    /// Waits for the portal's next turn: shared by every process when
    /// Redis is configured (or, should it fail, kept by this one).
    async fn pace(&self, portal: &str) {
        if let Some((limits, rate)) = &self.shared {
            match limits.until_ready(&format!("hubspot:portal:{portal}"), *rate).await {
                Ok(()) => return,
                Err(error) => tracing::warn!(%error, "shared HubSpot pacing unavailable; pacing in this process"),
            }
        }
        self.pace.until_key_ready(&portal.to_owned()).await;
    }

    async fn send(
        &self,
        portal: &str,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        self.pace(portal).await;
        let url = format!("{}/crm/objects/{API_VERSION}/{path}", self.base);
        let response = self
            .http
            .request(method, url)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(|e| ApiError::Network(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = response.text().await.map_err(|e| ApiError::Network(e.to_string()))?;
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        // HubSpot says to treat every error field as optional.
        let message = value
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| text.chars().take(300).collect());
        match status {
            200..=299 => Ok(value),
            401 => Err(ApiError::Unauthorized(message)),
            429 => Err(ApiError::RateLimited { retry_after }),
            400..=499 => Err(ApiError::Rejected { status, message }),
            _ => Err(ApiError::Server { status, message }),
        }
    }

    fn id_of(value: &Value) -> Result<String, ApiError> {
        value
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| ApiError::Server {
                status: 200,
                message: "the answer carried no object id".into(),
            })
    }

    /// Creates or updates the contact with this email; returns its id.
    pub async fn upsert_contact(
        &self,
        portal: &str,
        token: &str,
        contact: &ContactInput<'_>,
    ) -> Result<String, ApiError> {
        let body =
            json!({ "inputs": [{ "idProperty": "email", "id": contact.email, "properties": contact.properties() }] });
        let answer = self
            .send(portal, token, reqwest::Method::POST, "contacts/batch/upsert", &body)
            .await?;
        // One input, so one result; HubSpot does not promise result order.
        let result = answer
            .get("results")
            .and_then(Value::as_array)
            .and_then(|r| {
                r.iter().find(|o| {
                    o.pointer("/properties/email")
                        .and_then(Value::as_str)
                        .is_none_or(|e| e.eq_ignore_ascii_case(contact.email))
                })
            })
            .ok_or_else(|| ApiError::Rejected {
                status: answer.get("numErrors").map_or(200, |_| 207),
                message: answer
                    .pointer("/errors/0/message")
                    .and_then(Value::as_str)
                    .unwrap_or("the upsert returned no contact")
                    .to_owned(),
            })?;
        Self::id_of(result)
    }

    /// Creates the contact, or finds it already there and leaves it as it is.
    pub async fn create_contact_unless_exists(
        &self,
        portal: &str,
        token: &str,
        contact: &ContactInput<'_>,
    ) -> Result<String, ApiError> {
        let body = json!({ "properties": contact.properties(), "associations": [] });
        match self.send(portal, token, reqwest::Method::POST, "contacts", &body).await {
            Ok(created) => Self::id_of(&created),
            Err(ApiError::Rejected { status: 409, message }) => {
                existing_id(&message).ok_or(ApiError::Rejected { status: 409, message })
            }
            Err(other) => Err(other),
        }
    }

    pub async fn create_meeting(
        &self,
        portal: &str,
        token: &str,
        properties: Value,
        contact_id: &str,
    ) -> Result<String, ApiError> {
        let body = json!({
            "properties": properties,
            "associations": [{
                "to": { "id": contact_id },
                "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": MEETING_TO_CONTACT }],
            }],
        });
        Self::id_of(
            &self
                .send(portal, token, reqwest::Method::POST, "meetings", &body)
                .await?,
        )
    }

    pub async fn update_meeting(&self, portal: &str, token: &str, id: &str, properties: Value) -> Result<(), ApiError> {
        let body = json!({ "properties": properties });
        self.send(portal, token, reqwest::Method::PATCH, &format!("meetings/{id}"), &body)
            .await
            .map(drop)
    }

    /// The meeting carrying `external_url` (Slotline's marker), if HubSpot's search sees one.
    pub async fn find_meeting(
        &self,
        portal: &str,
        token: &str,
        external_url: &str,
    ) -> Result<Option<String>, ApiError> {
        let body = json!({
            "filterGroups": [{ "filters": [{ "propertyName": "hs_meeting_external_url", "operator": "EQ", "value": external_url }] }],
            "properties": ["hs_meeting_external_url"],
            "sorts": [],
            "limit": 1,
            "after": "0",
        });
        let answer = self
            .send(portal, token, reqwest::Method::POST, "meetings/search", &body)
            .await?;
        Ok(answer
            .pointer("/results/0/id")
            .and_then(Value::as_str)
            .map(str::to_owned))
    }
}

/// The id in HubSpot's "Contact already exists. Existing ID: 123".
fn existing_id(message: &str) -> Option<String> {
    let digits: String = message
        .rsplit_once("Existing ID:")?
        .1
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_existing_contact_id_is_read_from_the_conflict_message() {
        assert_eq!(
            existing_id("Contact already exists. Existing ID: 123").as_deref(),
            Some("123")
        );
        assert_eq!(
            existing_id("Contact already exists. Existing ID: 98765."),
            Some("98765".into())
        );
        assert_eq!(existing_id("Contact already exists."), None);
    }

    #[test]
    fn contact_properties_leave_out_what_is_unknown() {
        let contact = ContactInput {
            email: "ada@example.com",
            first_name: "Ada",
            last_name: None,
            phone: None,
        };
        assert_eq!(
            contact.properties(),
            json!({ "email": "ada@example.com", "firstname": "Ada" })
        );
    }
}
