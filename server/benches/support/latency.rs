//! Latency figures from timings, as the benchmarks report them.
use serde::Serialize;

/// p50, p99 and the slowest of `n` timings, in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub n: usize,
}

impl Latency {
    /// The figures of `millis`, in any order; there must be some.
    pub fn of(mut millis: Vec<f64>) -> anyhow::Result<Self> {
        anyhow::ensure!(!millis.is_empty(), "no timings to report");
        millis.sort_by(f64::total_cmp);
        Ok(Self {
            p50_ms: percentile(&millis, 50.0),
            p99_ms: percentile(&millis, 99.0),
            max_ms: millis[millis.len() - 1],
            n: millis.len(),
        })
    }
}

/// Nearest rank: the smallest timing that `p` percent are at or below.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
