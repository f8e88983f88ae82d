//! The CRM calls Slotline makes (contacts, meetings, companies, their
//! associations, the portal's properties), paced per portal so that
//! Slotline stays under HubSpot's rate limit instead of bouncing off it.
use super::API_VERSION;
use crate::shared_limits::{Rate, SharedLimits};
use app::domain::hubspot_mapping::{CrmObject, PropertyDef, PropertyOption, PropertyType};
use governor::clock::DefaultClock;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use serde_json::{Map, Value, json};
use std::num::NonZeroU32;
use std::time::Duration;

/// HubSpot's own window for OAuth apps: 110 requests per 10 s per portal.
const WINDOW: Duration = Duration::from_secs(10);
/// `associationTypeId` of meeting → contact (HUBSPOT_DEFINED).
const MEETING_TO_CONTACT: u32 = 200;
/// `associationTypeId` of contact → company, and of the contact's primary company.
const CONTACT_TO_COMPANY: u32 = 279;
const PRIMARY_COMPANY: u32 = 1;
/// What HubSpot writes before the list of refused values of a `VALIDATION_ERROR`.
const INVALID_PROPERTIES: &str = "Property values were not valid: ";

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

/// A contact as Slotline sends it: its e-mail and the properties to set.
pub struct ContactInput<'a> {
    pub email: &'a str,
    pub properties: Map<String, Value>,
}

impl ContactInput<'_> {
    fn properties(&self) -> Value {
        let mut props = self.properties.clone();
        props.insert("email".to_owned(), json!(self.email));
        Value::Object(props)
    }
}

/// A contact as HubSpot answered an upsert or create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRef {
    pub id: String,
    /// HubSpot made it just now, rather than finding it by its e-mail.
    pub new: bool,
}

/// Each refused property of a `VALIDATION_ERROR` (`name`, HubSpot's
/// message), read from the list HubSpot writes into the error's message.
pub fn refused_properties(message: &str) -> Vec<(String, String)> {
    #[derive(serde::Deserialize)]
    struct Issue {
        name: String,
        #[serde(default)]
        message: String,
    }
    let Some((_, list)) = message.split_once(INVALID_PROPERTIES) else {
        return Vec::new();
    };
    serde_json::Deserializer::from_str(list)
        .into_iter::<Vec<Issue>>()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .map(|issue| (issue.name, issue.message))
        .collect()
}

/// A property Slotline can write, from HubSpot's description of it; `None`
/// for read-only, calculated, hidden and unsupported ones.
fn writable_property(value: &Value) -> Option<PropertyDef> {
    let flag = |pointer: &str| value.pointer(pointer).and_then(Value::as_bool).unwrap_or(false);
    let field_type = value.get("fieldType").and_then(Value::as_str).unwrap_or_default();
    if flag("/modificationMetadata/readOnlyValue")
        || flag("/calculated")
        || flag("/hidden")
        || field_type == "calculation_equation"
    {
        return None;
    }
    let kind = PropertyType::parse(value.get("type")?.as_str()?)?;
    let name = value.get("name")?.as_str()?.to_owned();
    let options = value
        .get("options")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter(|o| !o.get("hidden").and_then(Value::as_bool).unwrap_or(false))
                .filter_map(|o| {
                    Some(PropertyOption {
                        label: o.get("label")?.as_str()?.to_owned(),
                        value: o.get("value")?.as_str()?.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(PropertyDef {
        label: value
            .get("label")
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty())
            .unwrap_or(&name)
            .to_owned(),
        name,
        kind,
        multiple: kind == PropertyType::Enumeration && field_type == "checkbox",
        options,
    })
}

/// A batch answer that reported errors (`207`): the first one, as a refusal.
pub(super) fn batch_errors(answer: &Value) -> Option<ApiError> {
    let count = answer.get("numErrors").and_then(Value::as_u64).unwrap_or(0);
    (count > 0).then(|| ApiError::Rejected {
        status: 207,
        message: answer
            .pointer("/errors/0/message")
            .and_then(Value::as_str)
            .unwrap_or("HubSpot reported errors in the batch")
            .to_owned(),
    })
}

/// HubSpot's search limit, 5 a second per portal, with 1 % to spare.
fn search_quota() -> Quota {
    Quota::with_period(SEARCH_WINDOW.mul_f64(1.01) / SEARCHES_PER_SECOND)
        .expect("a positive period")
        .allow_burst(NonZeroU32::MIN)
}

const SEARCH_WINDOW: Duration = Duration::from_secs(1);
const SEARCHES_PER_SECOND: u32 = 5;

type Pace = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

pub struct HubspotApi {
    http: reqwest::Client,
    base: String,
    pace: Pace,
    /// Searches, paced on their own.
    search_pace: Pace,
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
            search_pace: RateLimiter::keyed(search_quota()),
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
        let started = std::time::Instant::now();
        self.wait_turn(portal).await;
        metrics::histogram!(crate::monitoring::HUBSPOT_LIMITER_WAIT).record(started.elapsed().as_secs_f64());
    }

    async fn wait_turn(&self, portal: &str) {
        if let Some((limits, rate)) = &self.shared {
            match limits.until_ready(&format!("hubspot:portal:{portal}"), *rate).await {
                Ok(()) => return,
                Err(error) => tracing::warn!(%error, "shared HubSpot pacing unavailable; pacing in this process"),
            }
        }
        self.pace.until_key_ready(&portal.to_owned()).await;
    }

    /// A CRM object call: `path` is under `/crm/objects/{API_VERSION}/`.
    pub(super) async fn send(
        &self,
        portal: &str,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let path = format!("/crm/objects/{API_VERSION}/{path}");
        self.call(portal, token, method, &path, Some(body)).await
    }

    pub(super) async fn call(
        &self,
        portal: &str,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        self.pace(portal).await;
        self.request(token, method, path, body).await
    }

    /// A search: HubSpot limits searches on their own (5 a second per
    /// portal) and leaves them out of the ten-second window.
    pub(super) async fn search(
        &self,
        portal: &str,
        token: &str,
        object: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        self.search_pace.until_key_ready(&portal.to_owned()).await;
        let path = format!("/crm/objects/{API_VERSION}/{object}/search");
        self.request(token, reqwest::Method::POST, &path, Some(body)).await
    }

    async fn request(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| {
            metrics::counter!(crate::monitoring::HUBSPOT_REQUESTS, "status" => "network").increment(1);
            ApiError::Network(e.without_url().to_string())
        })?;
        let status = response.status().as_u16();
        metrics::counter!(crate::monitoring::HUBSPOT_REQUESTS, "status" => status.to_string()).increment(1);
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

    pub(super) fn id_of(value: &Value) -> Result<String, ApiError> {
        value
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| ApiError::Server {
                status: 200,
                message: "the answer carried no object id".into(),
            })
    }

    /// Creates or updates the contact with this email.
    pub async fn upsert_contact(
        &self,
        portal: &str,
        token: &str,
        contact: &ContactInput<'_>,
    ) -> Result<ContactRef, ApiError> {
        let body =
            json!({ "inputs": [{ "idProperty": "email", "id": contact.email, "properties": contact.properties() }] });
        let answer = self
            .send(portal, token, reqwest::Method::POST, "contacts/batch/upsert", &body)
            .await?;
        // One input, so one result; HubSpot does not promise result order.
        let result = answer.get("results").and_then(Value::as_array).and_then(|r| {
            r.iter().find(|o| {
                o.pointer("/properties/email")
                    .and_then(Value::as_str)
                    .is_none_or(|e| e.eq_ignore_ascii_case(contact.email))
            })
        });
        let Some(result) = result else {
            return Err(batch_errors(&answer).unwrap_or_else(|| ApiError::Rejected {
                status: 200,
                message: "the upsert returned no contact".to_owned(),
            }));
        };
        Ok(ContactRef {
            id: Self::id_of(result)?,
            new: result.get("new").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// Creates the contact, or finds it already there and leaves it as it is.
    pub async fn create_contact_unless_exists(
        &self,
        portal: &str,
        token: &str,
        contact: &ContactInput<'_>,
    ) -> Result<ContactRef, ApiError> {
        let body = json!({ "properties": contact.properties(), "associations": [] });
        match self.send(portal, token, reqwest::Method::POST, "contacts", &body).await {
            Ok(created) => Ok(ContactRef {
                id: Self::id_of(&created)?,
                new: true,
            }),
            Err(ApiError::Rejected { status: 409, message }) => match existing_id(&message) {
                Some(id) => Ok(ContactRef { id, new: false }),
                None => Err(ApiError::Rejected { status: 409, message }),
            },
            Err(other) => Err(other),
        }
    }

    /// The portal's properties of `object` that Slotline can write, by label.
    pub async fn properties(&self, portal: &str, token: &str, object: CrmObject) -> Result<Vec<PropertyDef>, ApiError> {
        let path = format!("/crm/properties/{API_VERSION}/{}", object.as_str());
        let answer = self.call(portal, token, reqwest::Method::GET, &path, None).await?;
        let mut list: Vec<PropertyDef> = answer
            .get("results")
            .and_then(Value::as_array)
            .map(|results| results.iter().filter_map(writable_property).collect())
            .unwrap_or_default();
        list.sort_by_cached_key(|p| p.label.to_lowercase());
        Ok(list)
    }

    /// The first company whose `property` equals `value`, if HubSpot's search sees one.
    pub async fn find_company(
        &self,
        portal: &str,
        token: &str,
        property: &str,
        value: &str,
    ) -> Result<Option<String>, ApiError> {
        self.find(portal, token, "companies", property, value).await
    }

    pub async fn create_company(&self, portal: &str, token: &str, properties: Value) -> Result<String, ApiError> {
        let body = json!({ "properties": properties, "associations": [] });
        self.create(portal, token, "companies", &body).await
    }

    pub async fn update_company(&self, portal: &str, token: &str, id: &str, properties: Value) -> Result<(), ApiError> {
        self.update(portal, token, "companies", id, properties).await
    }

    /// Creates an object of `object` type; returns its id.
    async fn create(&self, portal: &str, token: &str, object: &str, body: &Value) -> Result<String, ApiError> {
        Self::id_of(&self.send(portal, token, reqwest::Method::POST, object, body).await?)
    }

    async fn update(
        &self,
        portal: &str,
        token: &str,
        object: &str,
        id: &str,
        properties: Value,
    ) -> Result<(), ApiError> {
        let body = json!({ "properties": properties });
        self.send(portal, token, reqwest::Method::PATCH, &format!("{object}/{id}"), &body)
            .await
            .map(drop)
    }

    /// Associates the contact with the company; as its primary company when `primary`.
    pub async fn associate_company(
        &self,
        portal: &str,
        token: &str,
        contact_id: &str,
        company_id: &str,
        primary: bool,
    ) -> Result<(), ApiError> {
        let types: Vec<Value> = [Some(CONTACT_TO_COMPANY), primary.then_some(PRIMARY_COMPANY)]
            .into_iter()
            .flatten()
            .map(|id| json!({ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": id }))
            .collect();
        let body = json!({ "inputs": [{ "from": { "id": contact_id }, "to": { "id": company_id }, "types": types }] });
        let path = format!("/crm/associations/{API_VERSION}/contacts/companies/batch/create");
        let answer = self
            .call(portal, token, reqwest::Method::POST, &path, Some(&body))
            .await?;
        batch_errors(&answer).map_or(Ok(()), Err)
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
        self.create(portal, token, "meetings", &body).await
    }

    pub async fn update_meeting(&self, portal: &str, token: &str, id: &str, properties: Value) -> Result<(), ApiError> {
        self.update(portal, token, "meetings", id, properties).await
    }

    /// The meeting carrying `external_url` (Slotline's marker), if HubSpot's search sees one.
    pub async fn find_meeting(
        &self,
        portal: &str,
        token: &str,
        external_url: &str,
    ) -> Result<Option<String>, ApiError> {
        self.find(portal, token, "meetings", "hs_meeting_external_url", external_url)
            .await
    }

    async fn find(
        &self,
        portal: &str,
        token: &str,
        object: &str,
        property: &str,
        value: &str,
    ) -> Result<Option<String>, ApiError> {
        let body = json!({
            "filterGroups": [{ "filters": [{ "propertyName": property, "operator": "EQ", "value": value }] }],
            "properties": [property],
            "sorts": [],
            "limit": 1,
            "after": "0",
        });
        let answer = self
            .send(portal, token, reqwest::Method::POST, &format!("{object}/search"), &body)
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
    fn the_contact_s_email_is_always_sent() {
        let contact = ContactInput {
            email: "ada@example.com",
            properties: Map::from_iter([("firstname".to_owned(), json!("Ada"))]),
        };
        assert_eq!(
            contact.properties(),
            json!({ "email": "ada@example.com", "firstname": "Ada" })
        );
    }

    #[test]
    fn refused_properties_are_read_from_a_validation_error() {
        let message = r#"Property values were not valid: [{"isValid":false,"message":"\"about 50\" is not a valid number","error":"INVALID_NUMBER","name":"numberofemployees"}]"#;
        assert_eq!(
            refused_properties(message),
            vec![(
                "numberofemployees".to_owned(),
                "\"about 50\" is not a valid number".to_owned()
            )]
        );
        assert!(refused_properties("Contact already exists").is_empty());
        assert!(refused_properties("Property values were not valid: garbage").is_empty());
    }

    #[test]
    fn only_writable_properties_of_known_types_are_offered() {
        let listed = json!([
            {"name":"numemployees","label":"Number of Employees","type":"enumeration","fieldType":"select",
             "options":[{"label":"1-5","value":"1-5","hidden":false},{"label":"Old","value":"old","hidden":true}],
             "modificationMetadata":{"readOnlyValue":false}},
            {"name":"hs_buying_role","label":"Buying Role","type":"enumeration","fieldType":"checkbox","options":[]},
            {"name":"createdate","label":"Create Date","type":"datetime","modificationMetadata":{"readOnlyValue":true}},
            {"name":"num_associated_deals","label":"Deals","type":"number","calculated":true},
            {"name":"score","label":"Score","type":"number","fieldType":"calculation_equation"},
            {"name":"thing","label":"Thing","type":"object_coordinates"}
        ]);
        let offered: Vec<PropertyDef> = listed
            .as_array()
            .unwrap()
            .iter()
            .filter_map(writable_property)
            .collect();
        assert_eq!(offered.len(), 2);
        assert_eq!(offered[0].options.len(), 1, "hidden options are left out");
        assert!(!offered[0].multiple);
        assert!(offered[1].multiple);
    }
}
