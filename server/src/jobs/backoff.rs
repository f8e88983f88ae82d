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

#[cfg(test)]
mod tests {
    use super::*;

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
