//! How long `compute_slots` takes for a busy host over a booking page's usual reach.

use app::domain::slots::*;
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::hint::black_box;

const DAYS: i64 = 60;
const BOOKINGS: usize = 2_000;

/// 2,000 bookings of 15 to 60 minutes at scattered times over the 60 days, in no
/// particular order. A fixed linear congruential sequence keeps them the same on
/// every run without a random number crate.
fn bookings(start: DateTime<Utc>) -> Vec<Busy> {
    let mut state: u64 = 42;
    (0..BOOKINGS)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            // The top 31 bits are the well-mixed ones, and fit an i64.
            let bits = (state >> 33) as i64;
            let at = start + TimeDelta::minutes(bits % (DAYS * 1440));
            let length = 15 * (1 + (bits >> 20) % 4);
            Busy {
                start: at,
                end: at + TimeDelta::minutes(length),
            }
        })
        .collect()
}

fn compute_slots_60_days_2000_bookings(c: &mut Criterion) {
    let office = vec![MinuteRange::new(9 * 60, 17 * 60).expect("valid range")];
    let weekly = WeeklyHours {
        days: std::array::from_fn(|i| if i < 5 { office.clone() } else { Vec::new() }),
    };
    let overrides = BTreeMap::<NaiveDate, DateOverride>::new();
    let now = Berlin
        .with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
        .single()
        .expect("unambiguous")
        .to_utc();
    let busy = bookings(now);
    let query = SlotQuery {
        host_tz: Berlin,
        weekly: &weekly,
        overrides: &overrides,
        rules: SlotRules {
            duration_min: 30,
            buffer_before_min: 5,
            buffer_after_min: 5,
            min_notice_min: 240,
            horizon_days: 60,
        },
        busy: &busy,
        now,
        from: now,
        to: now + TimeDelta::days(DAYS),
    };
    c.bench_function("compute_slots_60_days_2000_bookings", |b| {
        b.iter(|| compute_slots(black_box(&query)))
    });
}

criterion_group!(benches, compute_slots_60_days_2000_bookings);
criterion_main!(benches);
