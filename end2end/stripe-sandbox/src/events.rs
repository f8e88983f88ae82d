//! Stripe events: raised when an object changes, kept for inspection and redelivery, and queued for
//! the delivery task unless held; each event records its delivery attempts.

use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::API_VERSION;
use crate::ids;

/// Where events go and how they are signed.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// The app's endpoint; `None` sends nothing (events are still kept).
    pub url: Option<String>,
    /// The endpoint's signing secret, `whsec_…`.
    pub secret: String,
}

// Hand-written so the secret stays out of logs and test output.
impl fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Where an event's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// No webhook URL was set when it was raised (or redelivered).
    NoEndpoint,
    /// Held back by [`crate::Sandbox::hold_events`] until released or redelivered.
    Held,
    /// Queued or being (re)tried.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    /// `no_endpoint`, `held`, `pending`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoEndpoint => "no_endpoint",
            Self::Held => "held",
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

/// One POST of an event to the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    /// When it ended (sandbox clock).
    pub at: DateTime<Utc>,
    /// Where it was sent.
    pub url: String,
    /// The `t` of `Stripe-Signature` (real unix seconds, minus any requested age).
    pub signed_at: i64,
    /// Sent by a redelivery rather than the first delivery.
    pub redelivery: bool,
    /// The endpoint's status code, if it answered in time.
    pub status: Option<u16>,
    /// Why there was no answer.
    pub error: Option<String>,
}

impl DeliveryAttempt {
    /// Whether the endpoint answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|status| (200..300).contains(&status))
    }
}

/// An event (a copy; see [`crate::Sandbox::events`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `evt_…`.
    pub id: String,
    /// `checkout.session.completed`, `charge.refunded`, …
    pub event_type: String,
    /// Unix seconds (sandbox clock).
    pub created: i64,
    /// The event's JSON as sent, except `pending_webhooks`, which is filled in at each sending.
    pub body: Value,
    /// Where its delivery stands.
    pub delivery: DeliveryStatus,
    /// Oldest first.
    pub attempts: Vec<DeliveryAttempt>,
}

impl Event {
    /// `data.object`: the object as it was when the event was raised.
    pub fn object(&self) -> &Value {
        &self.body["data"]["object"]
    }
}

/// The API request that caused an event (`request.id`, `request.idempotency_key`); both `None` for
/// what the customer or the clock did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cause {
    pub(crate) request_id: Option<String>,
    pub(crate) idempotency_key: Option<String>,
}

/// The order [`crate::Sandbox::release_events`] sends held events in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseOrder {
    /// Oldest first.
    Created,
    /// Newest first: out of order, on purpose.
    Reverse,
}

/// How a redelivery is signed, to test that the app refuses bad signatures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signing {
    /// Signs as if sent this many seconds ago (Stripe's tolerance is 300).
    pub seconds_ago: i64,
    /// Signs with this secret instead of the endpoint's.
    pub secret: Option<String>,
}

/// Why an event could not be redelivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeliverError {
    /// No event has that id.
    #[error("no such event")]
    NoSuchEvent,
    /// Delivery is off: there is nowhere to send it.
    #[error("no webhook URL is set")]
    NoEndpoint,
}

/// One sending the delivery task should make (with its retries).
#[derive(Debug, Clone)]
pub(crate) struct Dispatch {
    pub(crate) event_id: String,
    pub(crate) url: String,
    pub(crate) secret: String,
    pub(crate) body: String,
    pub(crate) redelivery: bool,
    pub(crate) signed_seconds_ago: i64,
    /// The store it came from: attempts from before a reset are not recorded after it.
    pub(crate) generation: u64,
}

pub(crate) struct EventStore {
    settings: WebhookSettings,
    held: bool,
    events: Vec<Event>,
    queue: Vec<Dispatch>,
    generation: u64,
}

impl EventStore {
    pub(crate) fn new(settings: WebhookSettings) -> Self {
        Self {
            settings,
            held: false,
            events: Vec::new(),
            queue: Vec::new(),
            generation: rand::random(),
        }
    }

    pub(crate) fn settings(&self) -> &WebhookSettings {
        &self.settings
    }

    /// New settings; events raised from now on use them.
    pub(crate) fn configure(&mut self, settings: WebhookSettings) {
        self.settings = settings;
    }

    pub(crate) fn all(&self) -> &[Event] {
        &self.events
    }

    pub(crate) fn is_held(&self) -> bool {
        self.held
    }

    /// Records an event about `object` and queues (or holds) its delivery.
    pub(crate) fn raise(&mut self, event_type: &str, object: Value, previous: Option<Value>, cause: &Cause, now: i64) {
        let mut data = json!({"object": object});
        if let Some(previous) = previous {
            data["previous_attributes"] = previous;
        }
        let body = json!({
            "id": ids::new_id(ids::EVENT),
            "object": "event",
            "api_version": API_VERSION,
            "created": now,
            "data": data,
            "livemode": false,
            "pending_webhooks": 0,
            "request": {"id": cause.request_id, "idempotency_key": cause.idempotency_key},
            "type": event_type,
        });
        let id = body["id"].as_str().unwrap_or_default().to_owned();
        tracing::info!(%id, event_type, "stripe sandbox event");
        self.events.push(Event {
            id: id.clone(),
            event_type: event_type.to_owned(),
            created: now,
            body,
            delivery: DeliveryStatus::NoEndpoint,
            attempts: Vec::new(),
        });
        if self.held && self.settings.url.is_some() {
            self.set_status(&id, DeliveryStatus::Held);
        } else {
            self.queue_sending(&id, false, &Signing::default());
        }
    }

    /// Holds every event raised from now on until [`EventStore::release`].
    pub(crate) fn hold(&mut self) {
        self.held = true;
    }

    /// Stops holding and queues the held events in `order`.
    pub(crate) fn release(&mut self, order: ReleaseOrder) {
        self.held = false;
        let mut held: Vec<String> = self
            .events
            .iter()
            .filter(|event| event.delivery == DeliveryStatus::Held)
            .map(|event| event.id.clone())
            .collect();
        if order == ReleaseOrder::Reverse {
            held.reverse();
        }
        for id in held {
            self.queue_sending(&id, false, &Signing::default());
        }
    }

    /// Sends an event again, the same id and body, to the current URL.
    pub(crate) fn redeliver(&mut self, id: &str, signing: &Signing) -> Result<(), RedeliverError> {
        let Some(event) = self.events.iter().find(|event| event.id == id) else {
            return Err(RedeliverError::NoSuchEvent);
        };
        if self.settings.url.is_none() {
            return Err(RedeliverError::NoEndpoint);
        }
        // A held event sent now is its first delivery, out of order.
        let redelivery = event.delivery != DeliveryStatus::Held;
        self.queue_sending(id, redelivery, signing);
        Ok(())
    }

    fn queue_sending(&mut self, id: &str, redelivery: bool, signing: &Signing) {
        let Some(url) = self.settings.url.clone() else {
            self.set_status(id, DeliveryStatus::NoEndpoint);
            return;
        };
        let Some(event) = self.events.iter_mut().find(|event| event.id == id) else {
            return;
        };
        // Stripe counts the endpoints that have not yet acknowledged the event; there is one.
        let mut body = event.body.clone();
        body["pending_webhooks"] = json!(u8::from(event.delivery != DeliveryStatus::Delivered));
        event.delivery = DeliveryStatus::Pending;
        self.queue.push(Dispatch {
            event_id: id.to_owned(),
            url,
            secret: signing.secret.clone().unwrap_or_else(|| self.settings.secret.clone()),
            body: body.to_string(),
            redelivery,
            signed_seconds_ago: signing.seconds_ago,
            generation: self.generation,
        });
    }

    fn set_status(&mut self, id: &str, status: DeliveryStatus) {
        if let Some(event) = self.events.iter_mut().find(|event| event.id == id) {
            event.delivery = status;
        }
    }

    /// What the delivery task should send now, in order.
    pub(crate) fn take_dispatches(&mut self) -> Vec<Dispatch> {
        std::mem::take(&mut self.queue)
    }

    /// Records an attempt; `last` marks the final one of its sending. Returns whether the store is
    /// still the one the sending came from (after a reset, retries stop).
    pub(crate) fn record(&mut self, dispatch: &Dispatch, attempt: DeliveryAttempt, last: bool) -> bool {
        if dispatch.generation != self.generation {
            return false;
        }
        let Some(event) = self.events.iter_mut().find(|event| event.id == dispatch.event_id) else {
            return false;
        };
        if attempt.succeeded() {
            event.delivery = DeliveryStatus::Delivered;
        } else if last && event.delivery == DeliveryStatus::Pending {
            event.delivery = DeliveryStatus::Failed;
        }
        event.attempts.push(attempt);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(url: Option<&str>) -> EventStore {
        EventStore::new(WebhookSettings {
            url: url.map(str::to_owned),
            secret: "whsec_x".to_owned(),
        })
    }

    fn raise(store: &mut EventStore, event_type: &str) -> String {
        store.raise(event_type, json!({"id": "cs_1"}), None, &Cause::default(), 1);
        store.all().last().map(|event| event.id.clone()).unwrap_or_default()
    }

    #[test]
    fn events_without_an_endpoint_are_kept_but_not_sent() {
        let mut store = store(None);
        let id = raise(&mut store, "checkout.session.completed");
        assert_eq!(store.all()[0].delivery, DeliveryStatus::NoEndpoint);
        assert!(store.take_dispatches().is_empty());
        assert_eq!(
            store.redeliver(&id, &Signing::default()),
            Err(RedeliverError::NoEndpoint)
        );
        assert_eq!(
            store.redeliver("evt_nope", &Signing::default()),
            Err(RedeliverError::NoSuchEvent)
        );
    }

    #[test]
    fn held_events_are_released_in_the_order_asked() {
        let mut store = store(Some("http://127.0.0.1:9/hook"));
        store.hold();
        let first = raise(&mut store, "a");
        let second = raise(&mut store, "b");
        assert!(store.take_dispatches().is_empty());
        assert!(store.all().iter().all(|event| event.delivery == DeliveryStatus::Held));
        store.release(ReleaseOrder::Reverse);
        let order: Vec<String> = store.take_dispatches().into_iter().map(|d| d.event_id).collect();
        assert_eq!(order, [second, first]);
        assert!(!store.is_held());
    }

    #[test]
    fn the_last_failed_attempt_fails_the_event_and_old_generations_are_ignored() {
        let mut store = store(Some("http://127.0.0.1:9/hook"));
        raise(&mut store, "a");
        let dispatch = store.take_dispatches().remove(0);
        let attempt = DeliveryAttempt {
            at: Utc::now(),
            url: dispatch.url.clone(),
            signed_at: 1,
            redelivery: false,
            status: Some(500),
            error: None,
        };
        assert!(store.record(&dispatch, attempt.clone(), false));
        assert_eq!(store.all()[0].delivery, DeliveryStatus::Pending);
        assert!(store.record(&dispatch, attempt.clone(), true));
        assert_eq!(store.all()[0].delivery, DeliveryStatus::Failed);
        let stale = Dispatch {
            generation: dispatch.generation.wrapping_add(1),
            ..dispatch
        };
        assert!(!store.record(&stale, attempt, true));
        assert_eq!(store.all()[0].attempts.len(), 2);
    }
}
