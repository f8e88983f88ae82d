//! The `Sandbox` handle: shared state plus the Rust API tests use to act as the customer, move
//! time, point webhooks somewhere, inject faults and inspect what the client did; and
//! `RunningSandbox`, one served on a free local port.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, Utc};
use sandbox_support::delivery::BackgroundTask;

use crate::checkout::CheckoutError;
use crate::config::SandboxConfig;
use crate::events::{Event, RedeliverError, ReleaseOrder, Signing, WebhookSettings};
use crate::faults::Fault;
use crate::payment::{Charge, PaymentIntent};
use crate::record::RecordedRequest;
use crate::refund::Refund;
use crate::refunding::SettleError;
use crate::session::CheckoutSession;
use crate::state::State;
use crate::webhook_delivery;

/// A Stripe stand-in: one account in test mode. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    config: SandboxConfig,
    state: Mutex<State>,
    /// Whether the delivery task runs (it is started once, inside a tokio runtime).
    delivering: BackgroundTask,
}

/// A handle that does not keep the sandbox alive: background tasks hold this and end with it.
#[derive(Clone)]
pub(crate) struct WeakSandbox(Weak<Inner>);

impl WeakSandbox {
    pub(crate) fn upgrade(&self) -> Option<Sandbox> {
        self.0.upgrade().map(|inner| Sandbox { inner })
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A fresh sandbox with no sessions, payments, events or faults.
    pub fn new(config: SandboxConfig) -> Self {
        let state = Mutex::new(State::new(&config));
        Self {
            inner: Arc::new(Inner {
                config,
                state,
                delivering: BackgroundTask::default(),
            }),
        }
    }

    /// All routes (API, hosted pages, control endpoints and the page), ready to serve or nest.
    /// Called inside a tokio runtime, it also starts the task that delivers webhooks and expires
    /// sessions as real time passes.
    pub fn router(&self) -> Router {
        self.start_background_task();
        crate::router::build(self.clone())
    }

    fn start_background_task(&self) {
        let spawn = || webhook_delivery::spawn(WeakSandbox(Arc::downgrade(&self.inner)));
        self.inner.delivering.start(spawn);
    }

    /// Serves a new sandbox on `127.0.0.1:0` in a background tokio task.
    ///
    /// # Panics
    /// If no local port can be bound: a test cannot go on without its Stripe.
    pub async fn spawn(config: SandboxConfig) -> RunningSandbox {
        let sandbox = Self::new(config);
        let base_url = sandbox_support::serve::spawn_local("stripe sandbox", || sandbox.router()).await;
        RunningSandbox { sandbox, base_url }
    }

    /// The configuration this sandbox was built with.
    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// The customer pays on the hosted page: returns where the browser is redirected
    /// (`success_url` with `{CHECKOUT_SESSION_ID}` replaced).
    pub fn pay(&self, session_id: &str) -> Result<String, CheckoutError> {
        self.lock().pay(session_id)
    }

    /// The customer cancels on the hosted page (the session stays open): returns its `cancel_url`.
    pub fn cancel(&self, session_id: &str) -> Result<Option<String>, CheckoutError> {
        self.lock().cancel(session_id)
    }

    /// Checkout Sessions, in creation order.
    pub fn sessions(&self) -> Vec<CheckoutSession> {
        self.lock().sessions.clone()
    }

    /// One Checkout Session.
    pub fn session(&self, id: &str) -> Option<CheckoutSession> {
        self.lock().session(id).cloned()
    }

    /// PaymentIntents, in creation order.
    pub fn payment_intents(&self) -> Vec<PaymentIntent> {
        self.lock().payment_intents.clone()
    }

    /// Charges, in creation order.
    pub fn charges(&self) -> Vec<Charge> {
        self.lock().charges.clone()
    }

    /// Refunds, in creation order.
    pub fn refunds(&self) -> Vec<Refund> {
        self.lock().refunds.clone()
    }

    /// Settles a pending refund (see [`Fault::RefundPending`]): `refund.updated`, and on failure
    /// `refund.failed` with the amount given back to the charge.
    pub fn settle_refund(&self, refund_id: &str, succeeded: bool) -> Result<Refund, SettleError> {
        self.lock().settle_refund(refund_id, succeeded)
    }

    /// Every event raised, oldest first, with its delivery status and attempts.
    pub fn events(&self) -> Vec<Event> {
        self.lock().events.all().to_vec()
    }

    /// Events of one type, oldest first.
    pub fn events_of_type(&self, event_type: &str) -> Vec<Event> {
        let state = self.lock();
        let events = state.events.all().iter();
        events.filter(|event| event.event_type == event_type).cloned().collect()
    }

    /// Sends an event again (same id, same body) to the current webhook URL, as Stripe may.
    pub fn redeliver(&self, event_id: &str) -> Result<(), RedeliverError> {
        self.redeliver_signed(event_id, &Signing::default())
    }

    /// Like [`Sandbox::redeliver`], signed with an old timestamp or another secret.
    pub fn redeliver_signed(&self, event_id: &str, signing: &Signing) -> Result<(), RedeliverError> {
        self.lock().events.redeliver(event_id, signing)
    }

    /// Holds events raised from now on (they are recorded, not sent) until released or redelivered.
    pub fn hold_events(&self) {
        self.lock().events.hold();
    }

    /// Stops holding and sends the held events in `order`.
    pub fn release_events(&self, order: ReleaseOrder) {
        self.lock().events.release(order);
    }

    /// Where events go and the signing secret.
    pub fn webhook_settings(&self) -> WebhookSettings {
        self.lock().events.settings().clone()
    }

    /// Sends events raised from now on to `url` (`None`: nowhere), signed with `secret` (`None`:
    /// the configured secret), until [`Sandbox::reset`].
    pub fn set_webhook(&self, url: Option<String>, secret: Option<String>) {
        let secret = secret.unwrap_or_else(|| self.inner.config.webhook_secret.clone());
        self.lock().events.configure(WebhookSettings { url, secret });
        self.start_background_task();
    }

    /// Queues `count` of `fault` (see [`Fault`] for which calls consume them).
    pub fn push_fault(&self, fault: Fault, count: usize) {
        self.lock().faults.push(fault, count);
    }

    /// How many queued faults have not been used yet.
    pub fn pending_faults(&self) -> usize {
        self.lock().faults.pending()
    }

    /// Moves the sandbox clock forward: sessions past `expires_at` expire (raising
    /// `checkout.session.expired`) and idempotency keys age.
    pub fn advance_clock(&self, by: Duration) {
        self.lock().advance_clock(by);
    }

    /// The sandbox clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.lock().now()
    }

    /// The last 10,000 API requests answered, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.entries().cloned().collect()
    }

    /// Back to a fresh sandbox with the same configuration (webhook settings as configured, clock
    /// back to real time); deliveries still retrying stop.
    pub fn reset(&self) {
        let fresh = State::new(&self.inner.config);
        *self.lock() = fresh;
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        sandbox_support::state::lock(&self.inner.state)
    }
}

/// A sandbox served on a local port. Dereferences to [`Sandbox`].
#[derive(Debug, Clone)]
pub struct RunningSandbox {
    /// The served sandbox.
    pub sandbox: Sandbox,
    /// Its origin, e.g. `http://127.0.0.1:41234`: the value for `SLOTLINE_STRIPE_API_BASE`.
    pub base_url: String,
}

impl Deref for RunningSandbox {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}
