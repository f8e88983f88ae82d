//! The `Sandbox` handle: shared state plus the Rust API tests use to set faults, move time, point
//! webhooks somewhere and inspect what the client did; and `RunningSandbox`, one served on a free
//! local port. What a HubSpot user does (edit, archive, merge, import) is in `user_actions`.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, Utc};
use sandbox_support::delivery::BackgroundTask;

use crate::config::{BatchErrors, SandboxConfig};
use crate::faults::{Chaos, Fault};
use crate::object_kind::ObjectKind;
use crate::objects::{Standing, StoredObject};
use crate::property_registry::Registry;
use crate::snapshot::{RecordedRequest, SandboxAssociation, SandboxMeeting, SandboxObject, TokenEvent};
use crate::state::State;
use crate::tokens::AccessCheck;
use crate::webhook_delivery;
use crate::webhooks::{WebhookDelivery, WebhookSettings};

/// A HubSpot stand-in: one portal, one app. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

struct Inner {
    config: SandboxConfig,
    /// The portal's properties: fixed by the configuration, so built once and outside the lock.
    registry: Registry,
    state: Mutex<State>,
    /// Whether the webhook delivery task runs (it is started once, inside a tokio runtime).
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
    /// A fresh sandbox with no tokens, objects or faults.
    pub fn new(config: SandboxConfig) -> Self {
        let state = Mutex::new(State::new(&config));
        let registry = Registry::new(&config.extra_contact_properties);
        Self {
            inner: Arc::new(Inner {
                config,
                registry,
                state,
                delivering: BackgroundTask::default(),
            }),
        }
    }

    /// All routes (OAuth, CRM, control endpoints and the HTML page), ready to serve or nest. Called
    /// inside a tokio runtime, it also starts the webhook delivery task.
    pub fn router(&self) -> Router {
        self.start_webhook_delivery();
        crate::router::build(self.clone())
    }

    /// Starts the task that delivers webhooks, once, if there is a runtime to run it on.
    fn start_webhook_delivery(&self) {
        let spawn = || webhook_delivery::spawn(WeakSandbox(Arc::downgrade(&self.inner)));
        self.inner.delivering.start(spawn);
    }

    /// Serves a new sandbox on `127.0.0.1:0` in a background tokio task.
    ///
    /// # Panics
    /// If no local port can be bound: a test cannot go on without its HubSpot.
    pub async fn spawn(config: SandboxConfig) -> RunningSandbox {
        let sandbox = Self::new(config);
        let base_url = sandbox_support::serve::spawn_local("hubspot sandbox", || sandbox.router()).await;
        RunningSandbox { sandbox, base_url }
    }

    /// The configuration this sandbox was built with.
    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// Queues faults for the next `/crm` calls, one per call, in order.
    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.lock().faults.push(faults);
    }

    /// How many queued faults have not been used yet.
    pub fn pending_faults(&self) -> usize {
        self.lock().faults.pending()
    }

    /// Turns random failures on (`Some`) or off (`None`).
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        self.lock().faults.set_chaos(chaos);
    }

    /// Changes the rate limit (and empties its window).
    pub fn set_rate_limit(&self, limit: Option<(u32, Duration)>) {
        self.lock().rate.set_limit(limit);
    }

    /// Changes the search rate limit (and empties its window); HubSpot's is `Some((5, 1 s))`.
    pub fn set_search_rate_limit(&self, limit: Option<(u32, Duration)>) {
        self.lock().search_rate.set_limit(limit);
    }

    /// Switches how contacts batch upsert answers bad inputs (see [`BatchErrors`]) until
    /// [`Sandbox::reset`], which restores [`SandboxConfig::batch_errors`].
    pub fn set_batch_errors(&self, mode: BatchErrors) {
        self.lock().batch_errors = mode;
    }

    /// Turns refresh-token rotation on or off (see [`SandboxConfig::rotate_refresh_tokens`]).
    pub fn set_refresh_rotation(&self, on: bool) {
        self.lock().tokens.set_rotation(on);
    }

    /// The next `count` calls of the token endpoint answer `invalid_client`, as when HubSpot no
    /// longer knows the app's credentials.
    pub fn refuse_token_requests(&self, count: u32) {
        self.lock().tokens.refuse_clients(count);
    }

    /// Live contacts (neither archived nor merged away), in creation order.
    pub fn contacts(&self) -> Vec<SandboxObject> {
        self.objects(ObjectKind::Contact, Standing::Live)
    }

    /// Archived contacts (restorable), in creation order.
    pub fn archived_contacts(&self) -> Vec<SandboxObject> {
        self.objects(ObjectKind::Contact, Standing::Archived)
    }

    /// Live companies, in creation order.
    pub fn companies(&self) -> Vec<SandboxObject> {
        self.objects(ObjectKind::Company, Standing::Live)
    }

    /// Archived companies, in creation order.
    pub fn archived_companies(&self) -> Vec<SandboxObject> {
        self.objects(ObjectKind::Company, Standing::Archived)
    }

    fn objects(&self, kind: ObjectKind, standing: Standing) -> Vec<SandboxObject> {
        self.lock()
            .objects
            .all(kind)
            .iter()
            .filter(|object| object.standing == standing)
            .map(StoredObject::snapshot)
            .collect()
    }

    /// The live contact an id names: itself, or the record a merge turned it into.
    pub fn contact(&self, id: &str) -> Option<SandboxObject> {
        let state = self.lock();
        let index = state.objects.resolve(ObjectKind::Contact, id)?;
        state
            .objects
            .get(ObjectKind::Contact, index)
            .map(StoredObject::snapshot)
    }

    /// Meetings with their associated contact ids, in creation order.
    pub fn meetings(&self) -> Vec<SandboxMeeting> {
        let state = self.lock();
        state
            .objects
            .live(ObjectKind::Meeting)
            .map(|meeting| SandboxMeeting {
                object: meeting.snapshot(),
                contact_ids: state
                    .associations
                    .linked_ids(ObjectKind::Meeting, &meeting.id, ObjectKind::Contact),
            })
            .collect()
    }

    /// Every association, one per linked pair, in the order pairs were first linked.
    pub fn associations(&self) -> Vec<SandboxAssociation> {
        self.lock().associations.snapshot()
    }

    /// Ids of the companies associated with a contact, primary or not, in the order they were linked.
    pub fn companies_of_contact(&self, contact_id: &str) -> Vec<String> {
        self.lock()
            .associations
            .linked_ids(ObjectKind::Contact, contact_id, ObjectKind::Company)
    }

    /// The id of the contact's primary company (association type 1), if it has one.
    pub fn primary_company_of_contact(&self, contact_id: &str) -> Option<String> {
        self.lock()
            .associations
            .primary(ObjectKind::Contact, contact_id, ObjectKind::Company)
            .map(str::to_owned)
    }

    /// Every token the revoke endpoint accepted (with valid client credentials), in order.
    pub fn revocations(&self) -> Vec<String> {
        self.lock().tokens.revocations().to_vec()
    }

    /// The history of issued, refreshed, revoked and expired tokens.
    pub fn token_events(&self) -> Vec<TokenEvent> {
        self.lock().tokens.events().to_vec()
    }

    /// Models an uninstall: every refresh token stops working, and so does every access token.
    pub fn revoke_all_refresh_tokens(&self) {
        let mut state = self.lock();
        let now = state.now();
        state.tokens.revoke_all_refresh(now);
    }

    /// Every access token issued so far is expired from now on (refresh still works).
    pub fn expire_access_tokens(&self) {
        let mut state = self.lock();
        let now = state.now();
        state.tokens.expire_all_access(now);
    }

    /// Moves the sandbox clock forward: codes and access tokens age, search lag passes.
    /// Real time still governs `Fault::Slow` and the rate limit.
    pub fn advance_clock(&self, by: Duration) {
        self.lock().advance_clock(by);
    }

    /// The last 10,000 requests answered, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.entries().cloned().collect()
    }

    /// How many calls the rate limits refused, search included (injected 429 faults are not counted).
    pub fn rate_limited_count(&self) -> u64 {
        let state = self.lock();
        state.rate.rejected() + state.search_rate.rejected()
    }

    /// The most authenticated non-search `/crm` calls made in any rolling ten seconds (real time)
    /// since the start or the last reset, whether or not a rate limit refused them: what HubSpot's
    /// ten-secondly limit (110 for OAuth apps) would count.
    pub fn max_requests_per_10s(&self) -> usize {
        self.lock().stats.max_per_10s()
    }

    /// How many authenticated search calls were made since the start or the last reset.
    pub fn search_requests(&self) -> u64 {
        self.lock().stats.searches()
    }

    /// Authenticated `/crm` calls per endpoint, keyed like
    /// `"POST /crm/objects/2026-03/contacts/batch/read"` or `"GET /crm/objects/2026-03/contacts/{id}"`.
    pub fn requests_by_endpoint(&self) -> BTreeMap<String, u64> {
        self.lock().stats.by_endpoint().clone()
    }

    /// Where webhooks go, with which secret, for which properties.
    pub fn webhook_settings(&self) -> WebhookSettings {
        self.lock().webhooks.settings().clone()
    }

    /// Replaces the webhook settings until [`Sandbox::reset`] (which restores the configured ones).
    pub fn set_webhook_settings(&self, settings: WebhookSettings) {
        self.lock().webhooks.configure(settings);
        self.start_webhook_delivery();
    }

    /// Sends webhooks to `target` (keeping secret and properties), or turns them off with `None`.
    pub fn set_webhook_target(&self, target: Option<String>) {
        let settings = WebhookSettings {
            target_url: target,
            ..self.webhook_settings()
        };
        self.set_webhook_settings(settings);
    }

    /// Every webhook delivery attempt (the last 1,000), oldest first.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.lock().webhooks.deliveries().cloned().collect()
    }

    /// Back to a fresh sandbox with the same configuration (chaos, rate limits, batch errors and
    /// webhook settings as configured); request accounting and webhook deliveries start over, and
    /// deliveries still retrying stop.
    pub fn reset(&self) {
        let fresh = State::new(&self.inner.config);
        *self.lock() = fresh;
    }

    /// The sandbox clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.lock().now()
    }

    pub(crate) fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        sandbox_support::state::lock(&self.inner.state)
    }

    pub(crate) fn check_access(&self, token: &str) -> AccessCheck {
        let state = self.lock();
        state.tokens.check_access(token, state.now())
    }

    pub(crate) fn next_fault(&self) -> Option<Fault> {
        self.lock().faults.next()
    }

    pub(crate) fn record_request(&self, request: RecordedRequest) {
        self.lock().requests.push(request);
    }
}

/// A sandbox served on a local port. Dereferences to [`Sandbox`].
#[derive(Debug, Clone)]
pub struct RunningSandbox {
    /// The served sandbox.
    pub sandbox: Sandbox,
    /// Its origin, e.g. `http://127.0.0.1:41234`: the value for `SLOTLINE_HUBSPOT_API_BASE`.
    pub base_url: String,
}

impl RunningSandbox {
    /// The value for `SLOTLINE_HUBSPOT_AUTH_URL`.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth/authorize", self.base_url)
    }
}

impl Deref for RunningSandbox {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}
