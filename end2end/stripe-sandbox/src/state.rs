//! Everything a sandbox instance remembers, behind one lock, and the clock tests can move.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sandbox_support::state::{Clock, RequestLog};

use crate::config::SandboxConfig;
use crate::events::{EventStore, WebhookSettings};
use crate::faults::FaultPlan;
use crate::idempotency::IdempotencyStore;
use crate::payment::{Charge, PaymentIntent};
use crate::record::RecordedRequest;
use crate::refund::Refund;
use crate::session::CheckoutSession;

/// The mutable state of one sandbox. Never held across an `.await`.
pub(crate) struct State {
    /// Tests move it forward to expire sessions and idempotency keys.
    clock: Clock,
    /// Each list in creation order.
    pub(crate) sessions: Vec<CheckoutSession>,
    pub(crate) payment_intents: Vec<PaymentIntent>,
    pub(crate) charges: Vec<Charge>,
    pub(crate) refunds: Vec<Refund>,
    pub(crate) events: EventStore,
    pub(crate) idempotency: IdempotencyStore,
    pub(crate) faults: FaultPlan,
    pub(crate) requests: RequestLog<RecordedRequest>,
}

impl State {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            clock: Clock::default(),
            sessions: Vec::new(),
            payment_intents: Vec::new(),
            charges: Vec::new(),
            refunds: Vec::new(),
            events: EventStore::new(WebhookSettings {
                url: config.webhook_url.clone(),
                secret: config.webhook_secret.clone(),
            }),
            idempotency: IdempotencyStore::default(),
            faults: FaultPlan::default(),
            requests: RequestLog::default(),
        }
    }

    /// The sandbox clock: wall clock plus whatever tests advanced it by.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The sandbox clock in unix seconds, Stripe's timestamps.
    pub(crate) fn unix_now(&self) -> i64 {
        self.now().timestamp()
    }

    /// Moves the clock forward; sessions past their `expires_at` expire at once.
    pub(crate) fn advance_clock(&mut self, by: Duration) {
        self.clock.advance(by);
        self.expire_due();
    }

    pub(crate) fn session(&self, id: &str) -> Option<&CheckoutSession> {
        self.sessions.iter().find(|session| session.id == id)
    }

    pub(crate) fn payment_intent(&self, id: &str) -> Option<&PaymentIntent> {
        self.payment_intents.iter().find(|intent| intent.id == id)
    }

    pub(crate) fn charge(&self, id: &str) -> Option<&Charge> {
        self.charges.iter().find(|charge| charge.id == id)
    }

    pub(crate) fn refund(&self, id: &str) -> Option<&Refund> {
        self.refunds.iter().find(|refund| refund.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_the_clock_moves_now_forward() {
        let mut state = State::new(&SandboxConfig::default());
        let before = state.unix_now();
        state.advance_clock(Duration::from_secs(3600));
        assert!(state.unix_now() - before >= 3600);
    }
}
