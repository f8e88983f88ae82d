//! The contact calls of two-way sync: search pages sliced by id or by
//! modification time, batch reads with property history (at most 50 with
//! history, as HubSpot allows), batch upserts (at most 100) and updates.
use super::api::{ApiError, batch_errors};
use super::{API_VERSION, HubspotApi};
use app::ssr::services::contact_sync::{HISTORY_PROPERTIES, READ_PROPERTIES, RemoteContact};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Most inputs of a batch read with property history.
pub const READ_WITH_HISTORY: usize = 50;
/// Most inputs of any other batch call.
pub const BATCH: usize = 100;
/// Most results of one search page.
pub const SEARCH_PAGE: u32 = 200;
/// HubSpot stops a search's paging at this many results.
pub const SEARCH_CAP: u64 = 10_000;

/// One page of a contact search.
#[derive(Debug)]
pub struct SearchPage {
    pub total: u64,
    pub contacts: Vec<RemoteContact>,
    /// The `after` of the next page, if there is one.
    pub next: Option<String>,
}

/// One search filter, as HubSpot takes it.
pub fn filter(property: &str, operator: &str, value: impl Into<Value>) -> Value {
    json!({ "propertyName": property, "operator": operator, "value": value.into() })
}

/// A filter on a set of values (`IN`).
pub fn filter_in(property: &str, values: &[String]) -> Value {
    json!({ "propertyName": property, "operator": "IN", "values": values })
}

/// A filter outside a set of values (`NOT_IN`).
pub fn filter_not_in(property: &str, values: &[String]) -> Value {
    json!({ "propertyName": property, "operator": "NOT_IN", "values": values })
}

/// How a contact is named in a batch read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadBy {
    Id,
    Email,
}

impl HubspotApi {
    /// One page of the contacts matching every filter, sorted ascending by `sort`.
    pub async fn search_contacts(
        &self,
        portal: &str,
        token: &str,
        filters: Vec<Value>,
        sort: &str,
        after: &str,
    ) -> Result<SearchPage, ApiError> {
        let body = json!({
            "filterGroups": [{ "filters": filters }],
            "properties": READ_PROPERTIES,
            "sorts": [{ "propertyName": sort, "direction": "ASCENDING" }],
            "limit": SEARCH_PAGE,
            "after": after,
        });
        let answer = self.search(portal, token, "contacts", &body).await?;
        Ok(SearchPage {
            total: answer.get("total").and_then(Value::as_u64).unwrap_or(0),
            contacts: results(&answer),
            next: answer.pointer("/paging/next/after").and_then(|a| {
                a.as_str()
                    .map(str::to_owned)
                    .or_else(|| a.as_u64().map(|n| n.to_string()))
            }),
        })
    }

    /// How many contacts match any of `groups` (each a list of filters that all hold).
    pub async fn count_contacts(&self, portal: &str, token: &str, groups: Vec<Vec<Value>>) -> Result<u64, ApiError> {
        let groups: Vec<Value> = groups
            .into_iter()
            .map(|filters| json!({ "filters": filters }))
            .collect();
        let body = json!({
            "filterGroups": groups,
            "properties": ["hs_object_id"],
            "sorts": [],
            "limit": 1,
            "after": "0",
        });
        let answer = self.search(portal, token, "contacts", &body).await?;
        Ok(answer.get("total").and_then(Value::as_u64).unwrap_or(0))
    }

    /// The contacts named by `keys` (at most [`READ_WITH_HISTORY`]) with the
    /// history of the synced properties; those HubSpot does not have are
    /// left out. A merged-away id answers the record it was merged into.
    pub async fn read_contacts(
        &self,
        portal: &str,
        token: &str,
        keys: &[String],
        by: ReadBy,
    ) -> Result<Vec<RemoteContact>, ApiError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let inputs: Vec<Value> = keys.iter().map(|key| json!({ "id": key })).collect();
        let mut body = json!({
            "inputs": inputs,
            "properties": READ_PROPERTIES,
            "propertiesWithHistory": HISTORY_PROPERTIES,
        });
        if by == ReadBy::Email {
            body["idProperty"] = json!("email");
        }
        let path = format!("/crm/objects/{API_VERSION}/contacts/batch/read");
        match self
            .call(portal, token, reqwest::Method::POST, &path, Some(&body))
            .await
        {
            Ok(answer) => Ok(results(&answer)),
            // None of them exists (HubSpot may answer a batch of only unknowns so).
            Err(ApiError::Rejected { status: 404, .. }) => Ok(Vec::new()),
            Err(error) => Err(error),
        }
    }

    /// Creates or updates each contact by e-mail (at most [`BATCH`]);
    /// returns each e-mail's contact id.
    pub async fn upsert_contacts(
        &self,
        portal: &str,
        token: &str,
        contacts: &[(String, Map<String, Value>)],
    ) -> Result<HashMap<String, String>, ApiError> {
        let inputs: Vec<Value> = contacts
            .iter()
            .map(|(email, properties)| {
                let mut properties = properties.clone();
                properties.insert("email".to_owned(), json!(email));
                json!({ "idProperty": "email", "id": email, "properties": properties })
            })
            .collect();
        let body = json!({ "inputs": inputs });
        let answer = self
            .send(portal, token, reqwest::Method::POST, "contacts/batch/upsert", &body)
            .await?;
        let ids: HashMap<String, String> = answer
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|result| {
                let email = result.pointer("/properties/email")?.as_str()?.to_lowercase();
                Some((email, result.get("id")?.as_str()?.to_owned()))
            })
            .collect();
        if ids.is_empty()
            && let Some(error) = batch_errors(&answer)
        {
            return Err(error);
        }
        Ok(ids)
    }

    /// Writes `properties` to the contact `id`.
    pub async fn update_contact(
        &self,
        portal: &str,
        token: &str,
        id: &str,
        properties: &Map<String, Value>,
    ) -> Result<(), ApiError> {
        let body = json!({ "properties": properties });
        self.send(portal, token, reqwest::Method::PATCH, &format!("contacts/{id}"), &body)
            .await
            .map(drop)
    }
}

fn results(answer: &Value) -> Vec<RemoteContact> {
    answer
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(remote_contact)
        .collect()
}

/// A time HubSpot wrote as ISO 8601 or as epoch milliseconds.
fn instant(value: &Value) -> Option<DateTime<Utc>> {
    let text = value
        .as_str()
        .map(str::to_owned)
        .or_else(|| value.as_i64().map(|n| n.to_string()))?;
    if let Ok(at) = DateTime::parse_from_rfc3339(&text) {
        return Some(at.to_utc());
    }
    text.parse::<i64>().ok().and_then(DateTime::from_timestamp_millis)
}

/// A contact object as HubSpot answers it.
pub fn remote_contact(object: &Value) -> Option<RemoteContact> {
    let id = object.get("id")?.as_str()?.to_owned();
    let properties = object.get("properties");
    let text = |name: &str| {
        properties
            .and_then(|p| p.get(name))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let time = |name: &str| properties.and_then(|p| p.get(name)).and_then(instant);
    let mut changed_at = HashMap::new();
    if let Some(history) = object.get("propertiesWithHistory").and_then(Value::as_object) {
        for (name, entries) in history {
            let newest = entries
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|entry| entry.get("timestamp").and_then(instant))
                .max();
            if let Some(at) = newest {
                changed_at.insert(name.clone(), at);
            }
        }
    }
    Some(RemoteContact {
        email: text("email"),
        first_name: text("firstname"),
        last_name: text("lastname"),
        phone: text("phone"),
        company: text("company"),
        lifecycle_stage: text("lifecyclestage"),
        created_at: time("createdate").or_else(|| object.get("createdAt").and_then(instant)),
        modified_at: time("lastmodifieddate").or_else(|| object.get("updatedAt").and_then(instant)),
        changed_at,
        merged_ids: text("hs_merged_object_ids")
            .map(|ids| {
                ids.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_reads_with_its_newest_change_per_property() {
        let object = json!({
            "id": "501",
            "properties": {
                "email": "jane@example.com", "firstname": "Jane", "lastname": "", "phone": "+1 415 555 0100",
                "lifecyclestage": "customer", "createdate": "2026-12-01T09:00:00Z",
                "lastmodifieddate": "1764842400000", "hs_merged_object_ids": "7;8",
            },
            "propertiesWithHistory": {
                "phone": [
                    { "value": "+1 415 555 0100", "timestamp": "2026-12-02T10:00:00.000Z", "sourceType": "CRM_UI" },
                    { "value": "+1 415 555 0199", "timestamp": "2026-12-01T09:00:00.000Z", "sourceType": "INTEGRATION" },
                ],
            },
        });
        let contact = remote_contact(&object).unwrap();
        assert_eq!(contact.id, "501");
        assert_eq!(contact.last_name, None, "blank is no value");
        assert_eq!(contact.merged_ids, ["7", "8"]);
        assert_eq!(
            contact.changed_at["phone"],
            DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z").unwrap().to_utc()
        );
        assert_eq!(contact.modified_at, DateTime::from_timestamp_millis(1_764_842_400_000));
        assert_eq!(contact.created_at.unwrap().to_rfc3339(), "2026-12-01T09:00:00+00:00");
    }

    #[test]
    fn a_contact_without_an_id_is_no_contact() {
        assert_eq!(remote_contact(&json!({ "properties": {} })), None);
    }
}
