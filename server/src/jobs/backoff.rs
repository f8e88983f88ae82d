//! Exponential back-off with jitter between job attempts.
use chrono::Duration;
use rand::Rng;

const BASE_SECS: f64 = 10.0;
const CAP_SECS: f64 = 4.0 * 3600.0;

/// The wait before attempt `attempt + 1`: 10 s doubling per attempt, capped
/// at 4 hours, then scaled by a random factor in [0.5, 1.0) so that jobs
/// failing together do not retry together.
pub fn delay(attempt: u32) -> Duration {
    let exponential = BASE_SECS * 2f64.powi(attempt.saturating_sub(1).min(20) as i32);
    let jitter = rand::rng().random_range(0.5..1.0);
    Duration::milliseconds((exponential.min(CAP_SECS) * jitter * 1000.0) as i64)
}

/// The first retry of a webhook delivery, by default.
pub const WEBHOOK_FIRST_RETRY: std::time::Duration = std::time::Duration::from_secs(30);

/// The wait after a webhook delivery's attempt `attempt` failed: `first`
/// (30 s by default) tripling per attempt, capped at 8 hours, scaled by a
/// random factor in [0.8, 1.2). With the default, `WEBHOOK_ATTEMPTS` (12)
/// attempts span 33 to 49 hours: at least a day, as the contract promises.
pub fn webhook_delay(attempt: u32, first: std::time::Duration) -> Duration {
    const MAX_SECS: f64 = 8.0 * 3600.0;
    let exponential = first.as_secs_f64() * 3f64.powi(attempt.saturating_sub(1).min(20) as i32);
    let jitter = rand::rng().random_range(0.8..1.2);
    Duration::milliseconds((exponential.min(MAX_SECS) * jitter * 1000.0) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_retries_span_more_than_a_day() {
        let attempts = app::ssr::jobs::WEBHOOK_ATTEMPTS as u32;
        for _ in 0..50 {
            // A retry follows every failed attempt but the last.
            let total: i64 = (1..attempts)
                .map(|n| webhook_delay(n, WEBHOOK_FIRST_RETRY).num_seconds())
                .sum();
            assert!(total >= 24 * 3600, "{total}s");
        }
        let first = webhook_delay(1, WEBHOOK_FIRST_RETRY).num_seconds();
        assert!((24..36).contains(&first), "{first}");
        assert!(webhook_delay(30, WEBHOOK_FIRST_RETRY).num_seconds() <= 8 * 3600 * 12 / 10);
    }

    #[test]
    fn delays_grow_exponentially_within_jittered_bounds() {
        for attempt in 1..=6u32 {
            let full = 10.0 * 2f64.powi(attempt as i32 - 1);
            for _ in 0..50 {
                let secs = delay(attempt).num_milliseconds() as f64 / 1000.0;
                assert!(secs >= full * 0.5 - 0.001 && secs < full, "attempt {attempt}: {secs}");
            }
        }
    }

    #[test]
    fn delays_are_capped() {
        let secs = delay(40).num_seconds();
        assert!((7_200..=14_400).contains(&secs), "{secs}");
    }
}
