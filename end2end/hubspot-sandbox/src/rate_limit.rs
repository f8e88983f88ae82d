//! The optional per-portal rate limits, measured in real time (not the sandbox clock): a rolling
//! window over authenticated non-search `/crm` calls (HubSpot's ten-secondly limit excludes search),
//! and one of its own for search (HubSpot's: 5 per second).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::sandbox::Sandbox;

pub(crate) struct RateLimiter {
    limit: Option<(u32, Duration)>,
    admitted: VecDeque<Instant>,
    rejected: u64,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<(u32, Duration)>) -> Self {
        Self {
            limit,
            admitted: VecDeque::new(),
            rejected: 0,
        }
    }

    pub(crate) fn set_limit(&mut self, limit: Option<(u32, Duration)>) {
        self.limit = limit;
        self.admitted.clear();
    }

    /// Admits a call at `now` if the window has room; rejected calls do not take room.
    pub(crate) fn admit(&mut self, now: Instant) -> bool {
        let Some((max, window)) = self.limit else { return true };
        while self
            .admitted
            .front()
            .is_some_and(|&at| now.duration_since(at) >= window)
        {
            self.admitted.pop_front();
        }
        if self.admitted.len() < max as usize {
            self.admitted.push_back(now);
            true
        } else {
            self.rejected += 1;
            false
        }
    }

    pub(crate) fn rejected(&self) -> u64 {
        self.rejected
    }
}

/// Answers `429 RATE_LIMITS` (without `Retry-After`, which HubSpot may not send) over a limit.
pub(crate) async fn limit(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let search = request.uri().path().ends_with("/search");
    let admitted = {
        let mut state = sandbox.lock();
        let limiter = if search {
            &mut state.search_rate
        } else {
            &mut state.rate
        };
        limiter.admit(Instant::now())
    };
    match (admitted, search) {
        (true, _) => next.run(request).await,
        (false, false) => ApiError::RateLimited.into_response(),
        (false, true) => ApiError::SearchRateLimited.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_rolls() {
        let mut limiter = RateLimiter::new(Some((2, Duration::from_secs(10))));
        let start = Instant::now();
        assert!(limiter.admit(start));
        assert!(limiter.admit(start + Duration::from_secs(1)));
        assert!(!limiter.admit(start + Duration::from_secs(2)));
        assert!(limiter.admit(start + Duration::from_secs(10)));
        assert!(!limiter.admit(start + Duration::from_secs(10)));
        assert!(limiter.admit(start + Duration::from_secs(11)));
        assert_eq!(limiter.rejected(), 2);
    }

    #[test]
    fn no_limit_admits_everything() {
        let mut limiter = RateLimiter::new(None);
        assert!((0..1000).all(|_| limiter.admit(Instant::now())));
    }
}
