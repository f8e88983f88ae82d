//! Building blocks of a sandbox's state: the clock tests move, the log of answered requests, and a
//! lock that survives a panicking test.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// How many requests the log keeps; older ones are dropped so a long `make run` stays small.
pub const REQUEST_LOG_CAPACITY: usize = 10_000;

/// The sandbox clock: the wall clock plus whatever tests advanced it by, so that time-dependent
/// behaviour (expiry, lag) can be tested without sleeping.
#[derive(Debug, Default)]
pub struct Clock {
    offset: TimeDelta,
}

impl Clock {
    /// The sandbox time.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    /// Moves the clock forward, saturating rather than overflowing.
    pub fn advance(&mut self, by: Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        self.offset = self.offset.checked_add(&by).unwrap_or(TimeDelta::MAX);
    }
}

/// The requests a sandbox answered, newest last: the latest [`REQUEST_LOG_CAPACITY`] of them, and
/// how many there were in all.
#[derive(Debug)]
pub struct RequestLog<T> {
    entries: VecDeque<T>,
    total: u64,
}

// Derived `Default` would needlessly require `T: Default`.
impl<T> Default for RequestLog<T> {
    fn default() -> Self {
        Self {
            entries: VecDeque::new(),
            total: 0,
        }
    }
}

impl<T> RequestLog<T> {
    /// Records a request, dropping the oldest one when full.
    pub fn push(&mut self, request: T) {
        if self.entries.len() == REQUEST_LOG_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(request);
        self.total += 1;
    }

    /// The requests kept, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.entries.iter()
    }

    /// Every request ever answered, including those dropped from the log.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// Locks a sandbox's state even if a thread panicked while holding it: a panicking test thread
/// must not take every later request down with it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_the_clock_moves_now_forward_and_saturates() {
        let mut clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() - before >= TimeDelta::seconds(3600));
        clock.advance(Duration::MAX);
        clock.advance(Duration::MAX);
        assert_eq!(clock.offset, TimeDelta::MAX);
    }

    #[test]
    fn the_log_keeps_the_latest_requests_and_counts_all() {
        let mut log = RequestLog::default();
        for request in 0..REQUEST_LOG_CAPACITY + 2 {
            log.push(request);
        }
        assert_eq!(log.total(), 10_002);
        assert_eq!(log.entries().next(), Some(&2));
        assert_eq!(log.entries().next_back(), Some(&10_001));
    }
}
