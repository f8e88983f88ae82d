//! Everything a sandbox instance remembers, behind one lock, and the clock tests can move.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use sandbox_support::state::{Clock, RequestLog};

use crate::accounting::RequestStats;
use crate::associations::AssociationStore;
use crate::config::{BatchErrors, SandboxConfig};
use crate::faults::FaultPlan;
use crate::objects::ObjectStore;
use crate::rate_limit::RateLimiter;
use crate::snapshot::RecordedRequest;
use crate::tokens::TokenStore;
use crate::webhooks::Outbox;

/// The mutable state of one sandbox. Never held across an `.await`.
pub(crate) struct State {
    /// Tests move it forward to expire codes and tokens or pass search lag.
    clock: Clock,
    pub(crate) tokens: TokenStore,
    pub(crate) objects: ObjectStore,
    pub(crate) associations: AssociationStore,
    pub(crate) batch_errors: BatchErrors,
    pub(crate) faults: FaultPlan,
    pub(crate) rate: RateLimiter,
    pub(crate) search_rate: RateLimiter,
    pub(crate) stats: RequestStats,
    pub(crate) requests: RequestLog<RecordedRequest>,
    pub(crate) webhooks: Outbox,
}

impl State {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Self {
            clock: Clock::default(),
            tokens: TokenStore::new(config.rotate_refresh_tokens),
            objects: ObjectStore::default(),
            associations: AssociationStore::default(),
            batch_errors: config.batch_errors,
            faults: FaultPlan::new(config.chaos.clone()),
            rate: RateLimiter::new(config.rate_limit),
            search_rate: RateLimiter::new(config.search_rate_limit),
            stats: RequestStats::default(),
            requests: RequestLog::default(),
            webhooks: Outbox::new(config, Utc::now()),
        }
    }

    /// The sandbox clock: wall clock plus whatever tests advanced it by.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn advance_clock(&mut self, by: Duration) {
        self.clock.advance(by);
    }
}

/// `at + by`, saturating instead of overflowing.
pub(crate) fn later(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(by)
        .ok()
        .and_then(|by| at.checked_add_signed(by))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `at - by`, saturating instead of overflowing.
pub(crate) fn earlier(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(by)
        .ok()
        .and_then(|by| at.checked_sub_signed(by))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// HubSpot's timestamp format: ISO 8601, UTC, milliseconds, `Z`.
pub(crate) fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_the_clock_moves_now_forward() {
        let mut state = State::new(&SandboxConfig::default());
        let before = state.now();
        state.advance_clock(Duration::from_secs(3600));
        assert!(state.now() - before >= TimeDelta::seconds(3600));
    }

    #[test]
    fn timestamps_use_milliseconds_and_z() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:00:00.5+01:00").map(|d| d.to_utc());
        assert_eq!(at.map(iso).ok().as_deref(), Some("2026-11-23T09:00:00.500Z"));
    }
}
