//! The lines `scripts/bench.py` (`make bench`) collects from a benchmark's
//! output: `BENCH_JSON ` and one JSON object per figure, its `name` first.
use serde::Serialize;

#[derive(Serialize)]
struct Line<'a, T> {
    name: &'a str,
    #[serde(flatten)]
    figures: &'a T,
}

/// Prints figure `name` with the fields of `figures` (a struct or a JSON object).
pub fn emit(name: &str, figures: &impl Serialize) -> anyhow::Result<()> {
    println!("BENCH_JSON {}", serde_json::to_string(&Line { name, figures })?);
    Ok(())
}
