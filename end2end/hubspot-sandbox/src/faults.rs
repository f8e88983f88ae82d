//! Injected failures for `/crm` calls, to test a client's resilience: a queue tests fill, consumed
//! one fault per call in arrival order, and an optional random "chaos" mode used when it is empty.

use std::collections::VecDeque;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::errors::ApiError;
use crate::sandbox::Sandbox;

/// One injected failure, applied to the next authenticated `/crm` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `429` with HubSpot's rate-limit body, and `Retry-After: <secs>` when `Some`. The call does nothing.
    TooManyRequests { retry_after: Option<u64> },
    /// `500 INTERNAL_ERROR`; the call does nothing.
    ServerError,
    /// The call is performed (a create creates), then answered with `500`: a lost answer.
    ServerErrorAfterWrite,
    /// Waits this long, then answers normally (for client timeouts).
    Slow(Duration),
    /// `401 EXPIRED_AUTHENTICATION` once, although the token is still live.
    Unauthorized,
}

/// Random failures: each `/crm` call (when the fault queue is empty) fails with probability `rate`,
/// with a fault picked uniformly from `kinds`.
#[derive(Debug, Clone, PartialEq)]
pub struct Chaos {
    /// Probability in `0.0..=1.0` that a call fails.
    pub rate: f64,
    /// The faults to pick from; see [`Chaos::default_kinds`].
    pub kinds: Vec<Fault>,
    /// Seed for reproducible runs; `None` seeds from the OS.
    pub seed: Option<u64>,
}

impl Chaos {
    /// Chaos at `rate` with the default kinds and a random seed.
    pub fn new(rate: f64) -> Self {
        Self {
            rate,
            kinds: Self::default_kinds(),
            seed: None,
        }
    }

    /// The same chaos, reproducible.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// 429 with and without `Retry-After`, 500, 500 after the write, and a 1.5 s delay.
    pub fn default_kinds() -> Vec<Fault> {
        vec![
            Fault::TooManyRequests { retry_after: Some(1) },
            Fault::TooManyRequests { retry_after: None },
            Fault::ServerError,
            Fault::ServerErrorAfterWrite,
            Fault::Slow(Duration::from_millis(1500)),
        ]
    }
}

struct ChaosDice {
    chaos: Chaos,
    rng: StdRng,
}

/// The queue of faults still to inject, and the chaos dice.
pub(crate) struct FaultPlan {
    queue: VecDeque<Fault>,
    chaos: Option<ChaosDice>,
}

impl FaultPlan {
    pub(crate) fn new(chaos: Option<Chaos>) -> Self {
        let mut plan = Self {
            queue: VecDeque::new(),
            chaos: None,
        };
        plan.set_chaos(chaos);
        plan
    }

    pub(crate) fn push(&mut self, faults: impl IntoIterator<Item = Fault>) {
        self.queue.extend(faults);
    }

    pub(crate) fn set_chaos(&mut self, chaos: Option<Chaos>) {
        self.chaos = chaos.map(|chaos| {
            let rng = match chaos.seed {
                Some(seed) => StdRng::seed_from_u64(seed),
                None => StdRng::from_os_rng(),
            };
            ChaosDice { chaos, rng }
        });
    }

    pub(crate) fn pending(&self) -> usize {
        self.queue.len()
    }

    /// The fault for the next call, if any.
    pub(crate) fn next(&mut self) -> Option<Fault> {
        if let Some(fault) = self.queue.pop_front() {
            return Some(fault);
        }
        let dice = self.chaos.as_mut()?;
        // Written as "roll below rate" so a NaN rate never fails a call.
        let fails = dice.rng.random::<f64>() < dice.chaos.rate;
        if !fails || dice.chaos.kinds.is_empty() {
            return None;
        }
        let pick = dice.rng.random_range(0..dice.chaos.kinds.len());
        dice.chaos.kinds.get(pick).cloned()
    }
}

/// Applies the next fault, if any, to an authenticated `/crm` call.
pub(crate) async fn inject(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let Some(fault) = sandbox.next_fault() else {
        return next.run(request).await;
    };
    tracing::info!(?fault, path = request.uri().path(), "injecting fault");
    match fault {
        Fault::TooManyRequests { retry_after } => ApiError::InjectedTooManyRequests { retry_after }.into_response(),
        Fault::ServerError => ApiError::Internal.into_response(),
        Fault::ServerErrorAfterWrite => {
            // The write happens; only its answer is lost.
            let _performed = next.run(request).await;
            ApiError::Internal.into_response()
        }
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Fault::Unauthorized => ApiError::ExpiredAuthentication { seconds_ago: 1 }.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_come_out_in_order_before_chaos() {
        let mut plan = FaultPlan::new(Some(Chaos {
            rate: 1.0,
            kinds: vec![Fault::ServerError],
            seed: Some(1),
        }));
        plan.push([Fault::Unauthorized, Fault::Slow(Duration::from_millis(5))]);
        assert_eq!(plan.next(), Some(Fault::Unauthorized));
        assert_eq!(plan.next(), Some(Fault::Slow(Duration::from_millis(5))));
        assert_eq!(plan.next(), Some(Fault::ServerError));
    }

    #[test]
    fn seeded_chaos_is_reproducible() {
        let roll = || {
            let mut plan = FaultPlan::new(Some(Chaos::new(0.5).with_seed(42)));
            (0..50).map(|_| plan.next()).collect::<Vec<_>>()
        };
        let first = roll();
        assert_eq!(first, roll());
        assert!(first.iter().any(Option::is_some) && first.iter().any(Option::is_none));
    }

    #[test]
    fn zero_or_nonsense_rates_inject_nothing() {
        for rate in [0.0, -1.0, f64::NAN] {
            let mut plan = FaultPlan::new(Some(Chaos::new(rate).with_seed(7)));
            assert!((0..100).all(|_| plan.next().is_none()), "rate {rate}");
        }
    }
}
