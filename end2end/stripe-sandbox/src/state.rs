//! Everything a sandbox instance remembers, behind one lock, and the clock tests can move.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::SandboxConfig;
use crate::events::{EventStore, WebhookSettings};
use crate::faults::FaultPlan;
use crate::idempotency::IdempotencyStore;
use crate::payment::{Charge, PaymentIntent};
use crate::record::RecordedRequest;
use crate::refund::Refund;
use crate::session::CheckoutSession;

/// How many requests the log keeps; older ones are dropped so a long `make run` stays small.
const REQUEST_LOG_CAPACITY: usize = 10_000;

/// The mutable state of one sandbox. Never held across an `.await`.
pub(crate) struct State {
    /// Added to the wall clock; tests move it forward to expire sessions and idempotency keys.
    clock_offset: TimeDelta,
    /// Each list in creation order.
    pub(crate) sessions: Vec<CheckoutSession>,
    pub(crate) payment_intents: Vec<PaymentIntent>,
    pub(crate) charges: Vec<Charge>,
    pub(crate) refunds: Vec<Refund>,
    pub(crate) events: EventStore,
    pub(crate) idempotency: IdempotencyStore,
    pub(crate) faults: FaultPlan,
    pub(crate) requests: RequestLog,
}

impl State {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            clock_offset: TimeDelta::zero(),
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
        Utc::now() + self.clock_offset
    }

    /// The sandbox clock in unix seconds, Stripe's timestamps.
    pub(crate) fn unix_now(&self) -> i64 {
        self.now().timestamp()
    }

    /// Moves the clock forward; sessions past their `expires_at` expire at once.
    pub(crate) fn advance_clock(&mut self, by: Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        self.clock_offset = self.clock_offset.checked_add(&by).unwrap_or(TimeDelta::MAX);
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

/// The API requests the sandbox answered, newest last.
#[derive(Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    total: u64,
}

impl RequestLog {
    pub(crate) fn push(&mut self, request: RecordedRequest) {
        if self.entries.len() == REQUEST_LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(request);
        self.total += 1;
    }

    pub(crate) fn entries(&self) -> impl DoubleEndedIterator<Item = &RecordedRequest> {
        self.entries.iter()
    }

    /// Every request ever answered, including those dropped from the log.
    pub(crate) fn total(&self) -> u64 {
        self.total
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
