//! `POST /integrations/hubspot/webhook`: HubSpot's app webhooks. The
//! signature (v3) and its timestamp are checked before the body is parsed;
//! a valid batch is answered `204` at once, its contact events queued per
//! team syncing both ways (HubSpot retries anything slower than 5 s).
use super::ServerState;
use app::domain::TeamId;
use app::ssr::db::write_transaction;
use app::ssr::jobs::{ApplyHubspotContactEvents, MergedContacts, enqueue};
use app::ssr::services::contact_sync;
use app::ssr::services::hubspot::{HubspotSettings, SyncDirection};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::BTreeMap;

const SIGNATURE: &str = "x-hubspot-signature-v3";
const TIMESTAMP: &str = "x-hubspot-request-timestamp";
/// HubSpot's own limit: older requests are replays.
const MAX_AGE: chrono::Duration = chrono::Duration::minutes(5);
/// HubSpot's object type id of contacts, in generic webhook events.
const CONTACT_TYPE_ID: &str = "0-1";

/// Why a request was refused before its body was read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("the X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header is missing")]
    Missing,
    #[error("the request timestamp is more than 5 minutes away from now")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

/// The URI HubSpot signs: the full URL with these escapes decoded, as its
/// documentation lists them.
fn signed_uri(public_url: &str, uri: &Uri) -> String {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut full = format!("{}{path}", public_url.trim_end_matches('/'));
    for (escaped, plain) in [
        ("%3A", ":"),
        ("%2F", "/"),
        ("%3F", "?"),
        ("%40", "@"),
        ("%21", "!"),
        ("%24", "$"),
        ("%27", "'"),
        ("%28", "("),
        ("%29", ")"),
        ("%2A", "*"),
        ("%2C", ","),
        ("%3B", ";"),
    ] {
        full = full.replace(escaped, plain).replace(&escaped.to_lowercase(), plain);
    }
    full
}

/// Checks HubSpot's v3 signature of `body` (compared in constant time) and
/// that its timestamp is within 5 minutes of `now`.
pub fn verify(secret: &str, uri: &str, headers: &HeaderMap, body: &[u8], now: DateTime<Utc>) -> Result<(), Refusal> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let (Some(signature), Some(timestamp)) = (header(SIGNATURE), header(TIMESTAMP)) else {
        return Err(Refusal::Missing);
    };
    let sent = timestamp
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .ok_or(Refusal::Stale)?;
    if (now - sent).abs() > MAX_AGE {
        return Err(Refusal::Stale);
    }
    let expected = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .map_err(|_| Refusal::Mismatch)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| Refusal::Mismatch)?;
    mac.update(b"POST");
    mac.update(uri.as_bytes());
    mac.update(body);
    mac.update(timestamp.as_bytes());
    mac.verify_slice(&expected).map_err(|_| Refusal::Mismatch)
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    (
        status,
        axum::Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

pub async fn receive(State(state): State<ServerState>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let Some(oauth) = state.hubspot.as_deref() else {
        return error(
            StatusCode::NOT_FOUND,
            "not_configured",
            "HubSpot is not configured on this server.".to_owned(),
        );
    };
    // HubSpot signs the URL it was given: the public URL, or (reached
    // directly, as in a test or on a LAN) the host it called.
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let candidates = [
        signed_uri(&state.app.config.public_url, &uri),
        signed_uri(&format!("http://{host}"), &uri),
        signed_uri(&format!("https://{host}"), &uri),
    ];
    let now = Utc::now();
    let checked = candidates
        .iter()
        .map(|signed| verify(oauth.client_secret(), signed, &headers, &body, now))
        .reduce(|first, other| first.or(other))
        .unwrap_or(Err(Refusal::Missing));
    if let Err(refusal) = checked {
        tracing::warn!(%refusal, "refused a HubSpot webhook");
        return error(StatusCode::UNAUTHORIZED, "invalid_signature", refusal.to_string());
    }
    let Ok(Value::Array(events)) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "validation",
            "The body must be a JSON array of events.".to_owned(),
        );
    };
    match queue(&state, &events).await {
        Ok(()) => {
            app::ssr::jobs_ready(&state.app);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(failure) => {
            tracing::error!(error = %failure, "queueing HubSpot webhook events failed");
            // HubSpot retries a non-2xx answer.
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The events could not be stored; send them again.".to_owned(),
            )
        }
    }
}

/// An id HubSpot sent as a number or a string.
fn id(value: Option<&Value>) -> Option<String> {
    let value = value?;
    value
        .as_u64()
        .map(|n| n.to_string())
        .or_else(|| value.as_str().map(str::to_owned))
}

/// One portal's contact events, by what happened.
#[derive(Debug, Clone, Default)]
struct Lists {
    changed: Vec<String>,
    deleted: Vec<String>,
    restored: Vec<String>,
    merged: Vec<MergedContacts>,
}

impl Lists {
    fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.deleted.is_empty() && self.restored.is_empty() && self.merged.is_empty()
    }

    fn job(&self, team_id: &TeamId) -> ApplyHubspotContactEvents {
        ApplyHubspotContactEvents {
            team_id: team_id.clone(),
            changed: self.changed.clone(),
            deleted: self.deleted.clone(),
            restored: self.restored.clone(),
            merged: self.merged.clone(),
        }
    }
}

/// The events of each portal, sorted into lists.
fn sort_events(events: &[Value]) -> BTreeMap<String, Lists> {
    let mut by_portal: BTreeMap<String, Lists> = BTreeMap::new();
    for event in events {
        let (Some(portal), Some(object)) = (id(event.get("portalId")), id(event.get("objectId"))) else {
            continue;
        };
        // Older documentation calls it eventType; generic subscriptions
        // (`object.creation`, …) name contacts by their type id, 0-1.
        let kind = event
            .get("subscriptionType")
            .or_else(|| event.get("eventType"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = match kind.strip_prefix("object.") {
            Some(change) if event.get("objectTypeId").and_then(Value::as_str) == Some(CONTACT_TYPE_ID) => {
                format!("contact.{change}")
            }
            _ => kind.to_owned(),
        };
        let lists = by_portal.entry(portal).or_default();
        match kind.as_str() {
            "contact.creation" | "contact.propertyChange" => lists.changed.push(object),
            "contact.deletion" => lists.deleted.push(object),
            "contact.restore" => lists.restored.push(object),
            "contact.merge" => {
                let new_id = id(event.get("newObjectId")).unwrap_or(object);
                let mut merged_ids: Vec<String> = event
                    .get("mergedObjectIds")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| id(Some(v)))
                    .collect();
                merged_ids.extend(id(event.get("primaryObjectId")));
                merged_ids.retain(|m| *m != new_id);
                lists.merged.push(MergedContacts { new_id, merged_ids });
            }
            _ => {}
        }
    }
    by_portal
}

async fn queue(state: &ServerState, events: &[Value]) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let txn = write_transaction(&state.app.db).await?;
    for (portal, lists) in sort_events(events) {
        for found in contact_sync::webhook_arrived(&txn, &portal, now).await? {
            if HubspotSettings::of(&found).direction == SyncDirection::BothWays && !lists.is_empty() {
                enqueue(&txn, &lists.job(&found.team_id)).await?;
            }
        }
    }
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_headers(secret: &str, uri: &str, body: &[u8], at: DateTime<Utc>) -> HeaderMap {
        let timestamp = at.timestamp_millis().to_string();
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("POST{uri}").as_bytes());
        mac.update(body);
        mac.update(timestamp.as_bytes());
        let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE, signature.parse().unwrap());
        headers.insert(TIMESTAMP, timestamp.parse().unwrap());
        headers
    }

    #[test]
    fn a_signed_fresh_request_passes_and_anything_else_is_refused() {
        let now = Utc::now();
        let uri = "https://slotline.example/integrations/hubspot/webhook";
        let body = br#"[{"objectId":1}]"#;
        let headers = signed_headers("secret", uri, body, now);
        assert_eq!(verify("secret", uri, &headers, body, now), Ok(()));
        assert_eq!(verify("other", uri, &headers, body, now), Err(Refusal::Mismatch));
        assert_eq!(
            verify("secret", uri, &headers, br#"[{"objectId":2}]"#, now),
            Err(Refusal::Mismatch)
        );
        let old = signed_headers("secret", uri, body, now - chrono::Duration::minutes(6));
        assert_eq!(verify("secret", uri, &old, body, now), Err(Refusal::Stale));
        assert_eq!(
            verify("secret", uri, &HeaderMap::new(), body, now),
            Err(Refusal::Missing)
        );
    }

    #[test]
    fn the_signed_uri_is_the_public_url_with_hubspots_escapes_decoded() {
        let uri: Uri = "/integrations/hubspot/webhook?a=%3A%2f".parse().unwrap();
        assert_eq!(
            signed_uri("https://slotline.example/", &uri),
            "https://slotline.example/integrations/hubspot/webhook?a=:/"
        );
    }

    #[test]
    fn events_sort_into_each_portals_lists() {
        let events = vec![
            json!({"portalId": 7, "objectId": 1, "subscriptionType": "contact.creation"}),
            json!({"portalId": 7, "objectId": 2, "eventType": "contact.propertyChange", "propertyName": "phone"}),
            json!({"portalId": 7, "objectId": 3, "subscriptionType": "contact.deletion"}),
            json!({"portalId": 7, "objectId": 9, "subscriptionType": "contact.merge",
                   "primaryObjectId": 4, "mergedObjectIds": [5], "newObjectId": 9}),
            json!({"portalId": 8, "objectId": 6, "subscriptionType": "contact.restore"}),
            json!({"portalId": 8, "objectId": 6, "subscriptionType": "company.creation"}),
            json!({"portalId": 8, "objectId": 10, "subscriptionType": "object.creation", "objectTypeId": "0-1"}),
            json!({"portalId": 8, "objectId": 11, "subscriptionType": "object.creation", "objectTypeId": "0-2"}),
        ];
        let sorted = sort_events(&events);
        let seven = &sorted["7"];
        assert_eq!(seven.changed, ["1", "2"]);
        assert_eq!(seven.deleted, ["3"]);
        assert_eq!(
            seven.merged,
            [MergedContacts {
                new_id: "9".into(),
                merged_ids: vec!["5".into(), "4".into()]
            }]
        );
        assert_eq!(sorted["8"].restored, ["6"]);
        assert_eq!(
            sorted["8"].changed,
            ["10"],
            "generic contact events count; companies do not"
        );
    }
}
