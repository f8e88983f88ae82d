//! The app webhook outbox: where the app wants HubSpot's contact events, which properties it
//! subscribed to, the events contact changes raise (HUBSPOT.md's shape) waiting for the delivery
//! task, and the record of deliveries.

use std::collections::VecDeque;
use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::config::{SANDBOX_APP_ID, SandboxConfig};
use crate::property_history::Source;

/// The contact properties whose changes an app is subscribed to unless configured otherwise.
pub const DEFAULT_WEBHOOK_PROPERTIES: [&str; 6] =
    ["email", "firstname", "lastname", "phone", "company", "lifecyclestage"];
/// HubSpot sends at most this many events in one request.
const MAX_EVENTS_PER_REQUEST: usize = 100;
/// How many delivery attempts the state endpoint, the page and tests can look back on.
const DELIVERY_LOG_CAPACITY: usize = 1000;

/// Where and how the app receives webhooks (its project's webhook config, in HubSpot terms).
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// The app's `targetUrl`; `None` sends nothing (and raises no events).
    pub target_url: Option<String>,
    /// The key of `X-HubSpot-Signature-v3`: HubSpot signs with the app's client secret.
    pub secret: String,
    /// The contact properties with a `contact.propertyChange` subscription.
    pub properties: Vec<String>,
}

impl WebhookSettings {
    /// The settings a sandbox starts (and resets) with: [`SandboxConfig`]'s webhook fields.
    pub fn from_config(config: &SandboxConfig) -> Self {
        Self {
            target_url: config.webhook_target.clone(),
            secret: config
                .webhook_secret
                .clone()
                .unwrap_or_else(|| config.client_secret.clone()),
            properties: config.webhook_properties.clone(),
        }
    }
}

// Hand-written so the secret stays out of logs and test output.
impl fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("target_url", &self.target_url)
            .field("secret", &"[redacted]")
            .field("properties", &self.properties)
            .finish()
    }
}

/// One attempt to deliver a batch of events.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    /// When the attempt ended (sandbox clock).
    pub at: DateTime<Utc>,
    /// Where it was sent.
    pub target_url: String,
    /// The events' `attemptNumber`: 0 for the first try.
    pub attempt: u32,
    /// The events as sent (a JSON array's items).
    pub events: Vec<Value>,
    /// The receiver's status code, if it answered within the timeout.
    pub status: Option<u16>,
    /// Why there was no answer (connection refused, timeout, …).
    pub error: Option<String>,
}

impl WebhookDelivery {
    /// Whether the receiver answered 2xx (HubSpot retries anything else).
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|status| (200..300).contains(&status))
    }
}

/// A contact change an app may be subscribed to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ContactEvent<'a> {
    Creation {
        id: &'a str,
    },
    PropertyChange {
        id: &'a str,
        name: &'a str,
        value: Option<&'a str>,
    },
    Deletion {
        id: &'a str,
    },
    Restore {
        id: &'a str,
    },
    Merge {
        primary: &'a str,
        merged: &'a str,
        new: &'a str,
    },
}

impl ContactEvent<'_> {
    fn subscription_type(self) -> &'static str {
        match self {
            Self::Creation { .. } => "contact.creation",
            Self::PropertyChange { .. } => "contact.propertyChange",
            Self::Deletion { .. } => "contact.deletion",
            Self::Restore { .. } => "contact.restore",
            Self::Merge { .. } => "contact.merge",
        }
    }
}

/// A batch taken from the outbox for one request.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    pub(crate) target_url: String,
    pub(crate) secret: String,
    pub(crate) events: Vec<Value>,
    /// The outbox it came from: deliveries from before a reset are not recorded after it.
    pub(crate) generation: u64,
}

pub(crate) struct Outbox {
    settings: WebhookSettings,
    portal_id: u64,
    generation: u64,
    next_event_id: u64,
    pending: Vec<Value>,
    deliveries: VecDeque<WebhookDelivery>,
}

impl Outbox {
    pub(crate) fn new(config: &SandboxConfig, now: DateTime<Utc>) -> Self {
        Self {
            settings: WebhookSettings::from_config(config),
            portal_id: config.hub_id,
            generation: rand::random(),
            // Event ids stay unique across resets and restarts (a receiver may dedupe on them):
            // they count up from the wall clock in microseconds.
            next_event_id: u64::try_from(now.timestamp_micros()).unwrap_or_default(),
            pending: Vec::new(),
            deliveries: VecDeque::new(),
        }
    }

    pub(crate) fn settings(&self) -> &WebhookSettings {
        &self.settings
    }

    /// New settings; events still waiting go to the new target (or nowhere, without one).
    pub(crate) fn configure(&mut self, settings: WebhookSettings) {
        self.settings = settings;
    }

    /// Queues the event for `change` if the app is subscribed to it. Imports and HubSpot's own
    /// calculations raise none.
    pub(crate) fn raise(&mut self, change: ContactEvent<'_>, at: DateTime<Utc>, source: Source) {
        let change_source = match source {
            Source::Integration | Source::User => source.source_type(),
            Source::Import | Source::Calculated => return,
        };
        if self.settings.target_url.is_none() {
            return;
        }
        // Each subscription has its own id; each subscribed property is a subscription of its own.
        let (object_id, subscription_id) = match change {
            ContactEvent::Creation { id } => (id, 1001),
            ContactEvent::Deletion { id } => (id, 1002),
            ContactEvent::Merge { new, .. } => (new, 1003),
            ContactEvent::Restore { id } => (id, 1004),
            ContactEvent::PropertyChange { id, name, .. } => {
                let Some(index) = self.settings.properties.iter().position(|property| property == name) else {
                    return;
                };
                (id, 2001 + u64::try_from(index).unwrap_or_default())
            }
        };
        self.next_event_id += 1;
        let mut event = json!({
            "eventId": self.next_event_id,
            "subscriptionId": subscription_id,
            "portalId": self.portal_id,
            "appId": SANDBOX_APP_ID,
            "occurredAt": at.timestamp_millis(),
            "subscriptionType": change.subscription_type(),
            "attemptNumber": 0,
            "objectId": numeric(object_id),
            "changeSource": change_source,
        });
        match change {
            ContactEvent::PropertyChange { name, value, .. } => {
                event["propertyName"] = json!(name);
                // A cleared property is reported with an empty value.
                event["propertyValue"] = json!(value.unwrap_or_default());
            }
            ContactEvent::Merge { primary, merged, new } => {
                event["primaryObjectId"] = numeric(primary);
                event["mergedObjectIds"] = json!([numeric(merged)]);
                event["newObjectId"] = numeric(new);
            }
            ContactEvent::Creation { .. } | ContactEvent::Deletion { .. } | ContactEvent::Restore { .. } => {}
        }
        self.pending.push(event);
    }

    /// Everything waiting, in requests of at most 100 events.
    pub(crate) fn take_batches(&mut self) -> Vec<Batch> {
        let events = std::mem::take(&mut self.pending);
        let Some(target_url) = self.settings.target_url.clone() else {
            return Vec::new();
        };
        events
            .chunks(MAX_EVENTS_PER_REQUEST)
            .map(|chunk| Batch {
                target_url: target_url.clone(),
                secret: self.settings.secret.clone(),
                events: chunk.to_vec(),
                generation: self.generation,
            })
            .collect()
    }

    /// Records one attempt, unless it belongs to an outbox a reset replaced; returns whether it
    /// did (a delivery from before a reset stops retrying).
    pub(crate) fn record(&mut self, generation: u64, delivery: WebhookDelivery) -> bool {
        if generation != self.generation {
            return false;
        }
        if self.deliveries.len() == DELIVERY_LOG_CAPACITY {
            self.deliveries.pop_front();
        }
        self.deliveries.push_back(delivery);
        true
    }

    /// Delivery attempts, oldest first.
    pub(crate) fn deliveries(&self) -> impl DoubleEndedIterator<Item = &WebhookDelivery> {
        self.deliveries.iter()
    }
}

/// HubSpot's events carry object ids as numbers.
fn numeric(id: &str) -> Value {
    id.parse::<u64>().map_or_else(|_| json!(id), |number| json!(number))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox(target: Option<&str>) -> Outbox {
        let config = SandboxConfig {
            webhook_target: target.map(str::to_owned),
            ..SandboxConfig::default()
        };
        Outbox::new(&config, Utc::now())
    }

    #[test]
    fn only_subscribed_changes_by_apps_and_users_raise_events() {
        let mut outbox = outbox(Some("http://127.0.0.1:9/hook"));
        let now = Utc::now();
        outbox.raise(ContactEvent::Creation { id: "1001" }, now, Source::User);
        let change = |name| ContactEvent::PropertyChange {
            id: "1001",
            name,
            value: None,
        };
        outbox.raise(change("jobtitle"), now, Source::Integration);
        outbox.raise(change("phone"), now, Source::Integration);
        outbox.raise(ContactEvent::Deletion { id: "1001" }, now, Source::Import);
        let batches = outbox.take_batches();
        assert_eq!(batches.len(), 1);
        let events = &batches[0].events;
        assert_eq!(events.len(), 2);
        assert_eq!(events[0]["subscriptionType"], "contact.creation");
        assert_eq!(events[0]["changeSource"], "CRM_UI");
        assert_eq!(events[0]["objectId"], 1001);
        assert_eq!(events[1]["propertyName"], "phone");
        assert_eq!(events[1]["propertyValue"], "");
        assert_eq!(events[1]["changeSource"], "INTEGRATION");
        assert!(events[1]["eventId"].as_u64() > events[0]["eventId"].as_u64());
        assert_eq!(batches[0].secret, SandboxConfig::default().client_secret);
        assert!(outbox.take_batches().is_empty());
    }

    #[test]
    fn without_a_target_nothing_is_raised_and_batches_hold_a_hundred() {
        let mut off = outbox(None);
        off.raise(ContactEvent::Creation { id: "1" }, Utc::now(), Source::User);
        assert!(off.take_batches().is_empty());

        let mut on = outbox(Some("http://127.0.0.1:9/hook"));
        for id in 0..250 {
            let id = id.to_string();
            on.raise(ContactEvent::Deletion { id: &id }, Utc::now(), Source::User);
        }
        let sizes: Vec<usize> = on.take_batches().iter().map(|batch| batch.events.len()).collect();
        assert_eq!(sizes, [100, 100, 50]);
    }

    #[test]
    fn merge_events_name_all_three_records() {
        let mut outbox = outbox(Some("http://127.0.0.1:9/hook"));
        let merge = ContactEvent::Merge {
            primary: "1001",
            merged: "1002",
            new: "1003",
        };
        outbox.raise(merge, Utc::now(), Source::Integration);
        let event = outbox.take_batches().remove(0).events.remove(0);
        assert_eq!(event["subscriptionType"], "contact.merge");
        assert_eq!(event["objectId"], 1003);
        assert_eq!(event["primaryObjectId"], 1001);
        assert_eq!(event["mergedObjectIds"], json!([1002]));
        assert_eq!(event["newObjectId"], 1003);
    }

    #[test]
    fn deliveries_of_a_replaced_outbox_are_not_recorded() {
        let mut outbox = outbox(Some("http://127.0.0.1:9/hook"));
        let delivery = WebhookDelivery {
            at: Utc::now(),
            target_url: "http://127.0.0.1:9/hook".to_owned(),
            attempt: 0,
            events: Vec::new(),
            status: Some(204),
            error: None,
        };
        assert!(!outbox.record(outbox.generation.wrapping_add(1), delivery.clone()));
        assert_eq!(outbox.deliveries().count(), 0);
        assert!(outbox.record(outbox.generation, delivery));
        assert!(outbox.deliveries().all(WebhookDelivery::succeeded));
        assert_eq!(outbox.deliveries().count(), 1);
    }
}
