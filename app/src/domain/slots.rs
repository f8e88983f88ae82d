//! Free booking slots: a host's weekly hours and date overrides, laid out in the
//! host's zone, minus existing bookings, notice and horizon. Pure and wasm-safe:
//! the caller passes `now`.

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use std::collections::BTreeMap;

const MINUTES_PER_DAY: u16 = 1440;

/// Minutes since local midnight, half-open [start, end), 0 <= start < end <= 1440.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawMinuteRange")]
pub struct MinuteRange {
    pub start: u16,
    pub end: u16,
}

/// The unchecked wire shape, so deserializing goes through [`MinuteRange::new`].
#[derive(serde::Deserialize)]
struct RawMinuteRange {
    start: u16,
    end: u16,
}

impl TryFrom<RawMinuteRange> for MinuteRange {
    type Error = SlotError;

    fn try_from(raw: RawMinuteRange) -> Result<Self, SlotError> {
        Self::new(raw.start, raw.end)
    }
}

impl MinuteRange {
    /// A non-empty range within one day; `end` 1440 means the next local midnight.
    pub fn new(start: u16, end: u16) -> Result<Self, SlotError> {
        let range = Self { start, end };
        if range.is_valid() {
            Ok(range)
        } else {
            Err(SlotError::InvalidRange { start, end })
        }
    }

    fn is_valid(self) -> bool {
        self.start < self.end && self.end <= MINUTES_PER_DAY
    }
}

/// Day names in [`WeeklyHours::days`] order.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Weekly hours in the host's zone, index 0 = Monday .. 6 = Sunday; several ranges per day allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WeeklyHours {
    pub days: [Vec<MinuteRange>; 7],
}

impl WeeklyHours {
    /// The ranges open on `wd`.
    pub fn for_weekday(&self, wd: Weekday) -> &[MinuteRange] {
        &self.days[wd.num_days_from_monday() as usize]
    }
}

/// A date-specific exception in the host's zone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DateOverride {
    /// Closed all day.
    DayOff,
    /// These ranges instead of the weekly ones.
    Hours(Vec<MinuteRange>),
}

/// An existing booking's occupied interval (already including that booking's own buffers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// How an event type turns open hours into slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRules {
    /// Slot length and step, 5..=720; 0 yields no slots.
    pub duration_min: u32,
    /// Time that must stay free before a slot.
    pub buffer_before_min: u32,
    /// Time that must stay free after a slot.
    pub buffer_after_min: u32,
    /// How soon after `now` the earliest slot may start.
    pub min_notice_min: u32,
    /// Slots must start before `now` plus this many days.
    pub horizon_days: u32,
}

/// Everything [`compute_slots`] needs; `now` is passed in to keep it pure.
pub struct SlotQuery<'a> {
    pub host_tz: Tz,
    pub weekly: &'a WeeklyHours,
    pub overrides: &'a BTreeMap<NaiveDate, DateOverride>,
    pub rules: SlotRules,
    /// Any order; overlaps allowed.
    pub busy: &'a [Busy],
    pub now: DateTime<Utc>,
    /// Only slots starting in [from, to) are returned.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// Why a slot input was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SlotError {
    #[error("invalid time range {start}..{end}: minutes must satisfy start < end <= 1440")]
    InvalidRange { start: u16, end: u16 },
}

/// Free start instants, ascending, no duplicates.
pub fn compute_slots(q: &SlotQuery<'_>) -> Vec<DateTime<Utc>> {
    let rules = q.rules;
    if rules.duration_min == 0 {
        return Vec::new();
    }
    let earliest = q.from.max(q.now + TimeDelta::minutes(rules.min_notice_min.into()));
    // A horizon past chrono's range is no limit at all.
    let latest = match q.now.checked_add_signed(TimeDelta::days(rules.horizon_days.into())) {
        Some(horizon) => q.to.min(horizon),
        None => q.to,
    };
    if earliest >= latest {
        return Vec::new();
    }

    let duration = minutes(rules.duration_min);
    let before = minutes(rules.buffer_before_min);
    let after = minutes(rules.buffer_after_min);
    let (first, last) = (nanos(earliest), nanos(latest));
    let busy = merge_busy(q.busy, first - before, last + duration + after);
    let is_free = |start: Nanos| {
        let (lo, hi) = (start - before, start + duration + after);
        // Merged intervals are disjoint and sorted, so ends ascend too.
        let i = busy.partition_point(|&(_, end)| end <= lo);
        busy.get(i).is_none_or(|&(busy_start, _)| busy_start >= hi)
    };

    // A range belongs to its local date but, through a fall-back end at 1440, can
    // reach a little into the next one; starting a day early catches it.
    let first_day = local_date(q.host_tz, earliest);
    let first_day = first_day.pred_opt().unwrap_or(first_day);
    let last_day = local_date(q.host_tz, latest);
    let mut starts = Vec::new();
    for date in first_day.iter_days().take_while(|&date| date <= last_day) {
        for &range in ranges_on(q, date) {
            let Some((range_start, range_end)) = range_instants(q.host_tz, date, range) else {
                continue;
            };
            let (mut start, range_end) = (nanos(range_start), nanos(range_end));
            while start + duration <= range_end && start < last {
                if start >= first && is_free(start) {
                    starts.push(start);
                }
                start += duration;
            }
        }
    }
    // Ranges may come in any order or overlap.
    starts.sort_unstable();
    starts.dedup();
    starts.into_iter().filter_map(from_nanos).collect()
}

/// An instant as nanoseconds since the epoch: exact for every `DateTime<Utc>`, and
/// much cheaper to sort, step and compare than the calendar-aware type.
type Nanos = i128;

const NANOS_PER_SEC: Nanos = 1_000_000_000;

fn nanos(t: DateTime<Utc>) -> Nanos {
    Nanos::from(t.timestamp()) * NANOS_PER_SEC + Nanos::from(t.timestamp_subsec_nanos())
}

fn from_nanos(n: Nanos) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(n.div_euclid(NANOS_PER_SEC)).ok()?;
    let subsec = u32::try_from(n.rem_euclid(NANOS_PER_SEC)).ok()?;
    DateTime::from_timestamp(secs, subsec)
}

fn minutes(n: u32) -> Nanos {
    Nanos::from(n) * 60 * NANOS_PER_SEC
}

fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The override for `date` if any, else the weekly hours.
fn ranges_on<'a>(q: &'a SlotQuery<'_>, date: NaiveDate) -> &'a [MinuteRange] {
    match q.overrides.get(&date) {
        Some(DateOverride::DayOff) => &[],
        Some(DateOverride::Hours(ranges)) => ranges,
        None => q.weekly.for_weekday(date.weekday()),
    }
}

/// Busy intervals overlapping [lo, hi), sorted and merged into disjoint ones.
fn merge_busy(busy: &[Busy], lo: Nanos, hi: Nanos) -> Vec<(Nanos, Nanos)> {
    let mut relevant: Vec<_> = busy
        .iter()
        .map(|b| (nanos(b.start), nanos(b.end)))
        .filter(|&(start, end)| start < end && end > lo && start < hi)
        .collect();
    // Merging needs only the starts in order, and comparing one key is cheaper.
    relevant.sort_unstable_by_key(|&(start, _)| start);
    let mut merged: Vec<(Nanos, Nanos)> = Vec::with_capacity(relevant.len());
    for (start, end) in relevant {
        match merged.last_mut() {
            // Touching intervals merge too: their union is the same set of instants.
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// A range's start and end as instants. Fields are public, so a range built
/// without [`MinuteRange::new`] may be invalid; it is skipped.
fn range_instants(tz: Tz, date: NaiveDate, range: MinuteRange) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if !range.is_valid() {
        return None;
    }
    let midnight = date.and_time(NaiveTime::MIN);
    let at = |m: u16| midnight + TimeDelta::minutes(m.into());
    // Earlier start and later end on a fall-back day: the range keeps all the real
    // time the clock shows it covering.
    Some((
        to_instant(tz, at(range.start), false)?,
        to_instant(tz, at(range.end), true)?,
    ))
}

/// A local time as an instant: inside a spring-forward gap, the first instant
/// after it; when repeated, the earlier or later occurrence as asked.
fn to_instant(tz: Tz, local: NaiveDateTime, later: bool) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.to_utc()),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.to_utc(), b.to_utc());
            Some(if later { a.max(b) } else { a.min(b) })
        }
        LocalResult::None => gap_end(tz, local),
    }
}

/// The transition instant ending the gap that swallowed `local`.
fn gap_end(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let offset_at = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .map(|t| i64::from(tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()))
    };
    let wall = local.and_utc().timestamp();
    // A day either side, the offsets are those before and after the transition T,
    // which then lies in (wall - after, wall - before].
    let before = offset_at(wall - 86_400)?;
    let after = offset_at(wall + 86_400)?;
    let (mut lo, mut hi) = (wall - after, wall - before);
    // Invariant: the clock reads earlier than `local` at lo, and not earlier at hi.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if mid + offset_at(mid)? >= wall {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0)
}

/// The highest daily cap a host may set.
pub const MAX_BOOKINGS_PER_DAY: u32 = 100;

/// `slots` without those on days (in `host_tz`) that already hold `max`
/// of the bookings starting at `booked`: a host's daily cap, counted
/// across event types.
pub fn without_full_days(
    slots: Vec<DateTime<Utc>>,
    booked: &[DateTime<Utc>],
    host_tz: Tz,
    max: usize,
) -> Vec<DateTime<Utc>> {
    let mut per_day = BTreeMap::<NaiveDate, usize>::new();
    for start in booked {
        *per_day.entry(start.with_timezone(&host_tz).date_naive()).or_default() += 1;
    }
    slots
        .into_iter()
        .filter(|slot| {
            per_day
                .get(&slot.with_timezone(&host_tz).date_naive())
                .copied()
                .unwrap_or(0)
                < max
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::Los_Angeles;
    use chrono_tz::Europe::Berlin;
    use chrono_tz::Pacific::Auckland;

    const HOST: Tz = Berlin;

    fn minute_of(hh_mm: &str) -> u16 {
        let (h, m) = hh_mm.split_once(':').expect("HH:MM");
        h.parse::<u16>().expect("hours") * 60 + m.parse::<u16>().expect("minutes")
    }

    fn range(start: &str, end: &str) -> MinuteRange {
        MinuteRange::new(minute_of(start), minute_of(end)).expect("valid range")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// An instant given as an existing, unambiguous wall-clock time in `tz`.
    fn at(tz: Tz, day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        let local = day.and_hms_opt(h, m, 0).expect("valid time");
        tz.from_local_datetime(&local).single().expect("unambiguous").to_utc()
    }

    fn utc(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        at(chrono_tz::UTC, day, h, m)
    }

    /// A summer Monday, when Berlin is UTC+2.
    fn monday() -> NaiveDate {
        date(2026, 6, 1)
    }

    fn spring_forward() -> NaiveDate {
        date(2026, 3, 29)
    }

    fn fall_back() -> NaiveDate {
        date(2026, 10, 25)
    }

    /// Slots as the host reads them, e.g. "Mon 09:30".
    fn host_times(slots: &[DateTime<Utc>]) -> Vec<String> {
        slots
            .iter()
            .map(|s| s.with_timezone(&HOST).format("%a %H:%M").to_string())
            .collect()
    }

    fn weekdays(ranges: &[MinuteRange]) -> WeeklyHours {
        WeeklyHours {
            days: std::array::from_fn(|i| if i < 5 { ranges.to_vec() } else { Vec::new() }),
        }
    }

    fn every_day(ranges: &[MinuteRange]) -> WeeklyHours {
        WeeklyHours {
            days: std::array::from_fn(|_| ranges.to_vec()),
        }
    }

    /// A host in Berlin with `now` long before the test dates, unless a test says otherwise.
    struct Host {
        tz: Tz,
        weekly: WeeklyHours,
        overrides: BTreeMap<NaiveDate, DateOverride>,
        rules: SlotRules,
        busy: Vec<Busy>,
        now: DateTime<Utc>,
    }

    impl Host {
        fn new(weekly: WeeklyHours) -> Self {
            Self {
                tz: HOST,
                weekly,
                overrides: BTreeMap::new(),
                rules: SlotRules {
                    duration_min: 30,
                    buffer_before_min: 0,
                    buffer_after_min: 0,
                    min_notice_min: 0,
                    horizon_days: 365,
                },
                busy: Vec::new(),
                now: utc(date(2026, 1, 1), 0, 0),
            }
        }

        /// Weekdays 09:00–17:00 with 30-minute slots.
        fn office_hours() -> Self {
            Self::new(weekdays(&[range("09:00", "17:00")]))
        }

        fn duration(mut self, minutes: u32) -> Self {
            self.rules.duration_min = minutes;
            self
        }

        fn buffers(mut self, before: u32, after: u32) -> Self {
            self.rules.buffer_before_min = before;
            self.rules.buffer_after_min = after;
            self
        }

        fn override_on(mut self, day: NaiveDate, ov: DateOverride) -> Self {
            self.overrides.insert(day, ov);
            self
        }

        fn busy(mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
            self.busy.push(Busy { start, end });
            self
        }

        fn slots_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
            compute_slots(&SlotQuery {
                host_tz: self.tz,
                weekly: &self.weekly,
                overrides: &self.overrides,
                rules: self.rules,
                busy: &self.busy,
                now: self.now,
                from,
                to,
            })
        }

        /// Slots within one of the host's calendar days.
        fn slots_on(&self, day: NaiveDate) -> Vec<DateTime<Utc>> {
            let next = day.succ_opt().expect("next day");
            self.slots_between(at(HOST, day, 0, 0), at(HOST, next, 0, 0))
        }

        /// Slots within one calendar day of an invitee in `tz`.
        fn slots_on_invitee_day(&self, tz: Tz, day: NaiveDate) -> Vec<DateTime<Utc>> {
            let next = day.succ_opt().expect("next day");
            self.slots_between(at(tz, day, 0, 0), at(tz, next, 0, 0))
        }
    }

    #[test]
    fn weekday_hours_yield_back_to_back_slots() {
        let host = Host::office_hours();
        let slots = host.slots_on(monday());
        assert_eq!(slots.len(), 16);
        assert_eq!(slots[0], utc(monday(), 7, 0));
        assert_eq!(slots[15], utc(monday(), 14, 30));
        assert!(slots.windows(2).all(|w| w[1] - w[0] == TimeDelta::minutes(30)));
    }

    #[test]
    fn a_weekday_without_hours_has_no_slots() {
        let saturday = date(2026, 6, 6);
        assert!(Host::office_hours().slots_on(saturday).is_empty());
    }

    #[test]
    fn several_ranges_in_one_day_each_yield_slots() {
        let host = Host::new(weekdays(&[range("09:00", "12:00"), range("13:00", "15:00")]));
        assert_eq!(
            host_times(&host.duration(60).slots_on(monday())),
            ["Mon 09:00", "Mon 10:00", "Mon 11:00", "Mon 13:00", "Mon 14:00"]
        );
    }

    #[test]
    fn overlapping_ranges_in_any_order_give_sorted_unique_starts() {
        let host = Host::new(weekdays(&[
            range("13:00", "14:00"),
            range("09:00", "10:00"),
            range("09:00", "11:00"),
            range("10:00", "11:00"),
        ]));
        assert_eq!(
            host_times(&host.slots_on(monday())),
            [
                "Mon 09:00",
                "Mon 09:30",
                "Mon 10:00",
                "Mon 10:30",
                "Mon 13:00",
                "Mon 13:30"
            ]
        );
        let week = host.slots_between(utc(monday(), 0, 0), utc(date(2026, 6, 8), 0, 0));
        assert_eq!(week.len(), 5 * 6);
        assert!(week.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_day_off_override_closes_that_date_only() {
        let tuesday = date(2026, 6, 2);
        let host = Host::office_hours().override_on(monday(), DateOverride::DayOff);
        assert!(host.slots_on(monday()).is_empty());
        assert_eq!(host.slots_on(tuesday).len(), 16);
    }

    #[test]
    fn an_hours_override_replaces_the_weekly_hours() {
        let tuesday = date(2026, 6, 2);
        let hours = DateOverride::Hours(vec![range("14:00", "16:00")]);
        let host = Host::office_hours().override_on(monday(), hours);
        assert_eq!(
            host_times(&host.slots_on(monday())),
            ["Mon 14:00", "Mon 14:30", "Mon 15:00", "Mon 15:30"]
        );
        assert_eq!(host.slots_on(tuesday).len(), 16);
    }

    #[test]
    fn an_hours_override_opens_a_day_without_weekly_hours() {
        let saturday = date(2026, 6, 6);
        let hours = DateOverride::Hours(vec![range("10:00", "11:00")]);
        let host = Host::office_hours().override_on(saturday, hours);
        assert_eq!(host_times(&host.slots_on(saturday)), ["Sat 10:00", "Sat 10:30"]);
    }

    #[test]
    fn a_booking_blocks_its_slot_and_buffers() {
        let host = Host::office_hours()
            .buffers(15, 10)
            .busy(at(HOST, monday(), 11, 0), at(HOST, monday(), 11, 30));
        let times = host_times(&host.slots_on(monday()));
        // 10:30 would run, with its 10-minute buffer after, into 11:00; 11:30 needs
        // 15 minutes free before it.
        for blocked in ["Mon 10:30", "Mon 11:00", "Mon 11:30"] {
            assert!(!times.iter().any(|t| t == blocked), "{blocked} offered");
        }
        for free in ["Mon 10:00", "Mon 12:00"] {
            assert!(times.iter().any(|t| t == free), "{free} missing");
        }
        assert_eq!(times.len(), 13);
    }

    #[test]
    fn buffer_before_keeps_room_after_a_booking() {
        let host = Host::office_hours()
            .buffers(15, 0)
            .busy(at(HOST, monday(), 11, 0), at(HOST, monday(), 11, 30));
        let times = host_times(&host.slots_on(monday()));
        assert!(times.iter().any(|t| t == "Mon 10:30"));
        assert!(!times.iter().any(|t| t == "Mon 11:30"));
        assert!(times.iter().any(|t| t == "Mon 12:00"));
    }

    #[test]
    fn buffer_after_keeps_room_before_a_booking() {
        let host = Host::office_hours()
            .buffers(0, 15)
            .busy(at(HOST, monday(), 11, 0), at(HOST, monday(), 11, 30));
        let times = host_times(&host.slots_on(monday()));
        assert!(times.iter().any(|t| t == "Mon 10:00"));
        assert!(!times.iter().any(|t| t == "Mon 10:30"));
        assert!(times.iter().any(|t| t == "Mon 11:30"));
    }

    #[test]
    fn a_booking_touching_a_slot_does_not_block_it() {
        let host = Host::office_hours().busy(at(HOST, monday(), 10, 0), at(HOST, monday(), 10, 30));
        let times = host_times(&host.slots_on(monday()));
        assert!(times.iter().any(|t| t == "Mon 09:30"));
        assert!(!times.iter().any(|t| t == "Mon 10:00"));
        assert!(times.iter().any(|t| t == "Mon 10:30"));
    }

    #[test]
    fn buffers_may_touch_a_booking_exactly() {
        let touching = Host::office_hours()
            .buffers(10, 10)
            .busy(at(HOST, monday(), 10, 40), at(HOST, monday(), 11, 20));
        assert_eq!(
            host_times(&touching.slots_on(monday()))[..4],
            ["Mon 09:00", "Mon 09:30", "Mon 10:00", "Mon 11:30"]
        );
        let one_minute_more = Host::office_hours()
            .buffers(10, 10)
            .busy(at(HOST, monday(), 10, 39), at(HOST, monday(), 11, 21));
        assert_eq!(
            host_times(&one_minute_more.slots_on(monday()))[..3],
            ["Mon 09:00", "Mon 09:30", "Mon 12:00"]
        );
    }

    #[test]
    fn min_notice_hides_starts_too_soon() {
        let mut host = Host::office_hours();
        host.rules.min_notice_min = 120;
        host.now = at(HOST, monday(), 8, 10);
        assert_eq!(host_times(&host.slots_on(monday()))[0], "Mon 10:30");
    }

    #[test]
    fn a_start_exactly_at_the_notice_boundary_is_offered() {
        let mut host = Host::office_hours();
        host.rules.min_notice_min = 120;
        host.now = at(HOST, monday(), 8, 0);
        assert_eq!(host_times(&host.slots_on(monday()))[0], "Mon 10:00");
    }

    #[test]
    fn notice_is_exact_to_the_nanosecond() {
        let mut host = Host::office_hours();
        host.rules.min_notice_min = 120;
        host.now = at(HOST, monday(), 8, 0) + TimeDelta::nanoseconds(1);
        assert_eq!(host_times(&host.slots_on(monday()))[0], "Mon 10:30");
    }

    #[test]
    fn the_horizon_excludes_starts_at_or_after_its_end() {
        let mut host = Host::office_hours();
        host.rules.horizon_days = 1;
        host.now = at(HOST, monday(), 12, 0);
        let slots = host.slots_between(utc(monday(), 0, 0), utc(date(2026, 6, 8), 0, 0));
        let times = host_times(&slots);
        assert_eq!(times.first().map(String::as_str), Some("Mon 12:00"));
        assert_eq!(times.last().map(String::as_str), Some("Tue 11:30"));
        assert_eq!(times.len(), 10 + 6);
    }

    #[test]
    fn the_query_window_is_half_open() {
        let host = Host::office_hours();
        let slots = host.slots_between(at(HOST, monday(), 10, 15), at(HOST, monday(), 12, 0));
        assert_eq!(host_times(&slots), ["Mon 10:30", "Mon 11:00", "Mon 11:30"]);
    }

    #[test]
    fn an_empty_or_inverted_window_has_no_slots() {
        let host = Host::office_hours();
        let noon = at(HOST, monday(), 12, 0);
        assert!(host.slots_between(noon, noon).is_empty());
        assert!(host.slots_between(noon, noon - TimeDelta::hours(3)).is_empty());
    }

    #[test]
    fn a_duration_not_dividing_the_range_drops_the_partial_slot() {
        let host = Host::new(weekdays(&[range("09:00", "10:40")])).duration(45);
        assert_eq!(host_times(&host.slots_on(monday())), ["Mon 09:00", "Mon 09:45"]);
    }

    #[test]
    fn a_range_ending_at_midnight_keeps_its_last_slot() {
        let host = Host::new(weekdays(&[range("22:00", "24:00")]));
        assert_eq!(
            host_times(&host.slots_on(monday())),
            ["Mon 22:00", "Mon 22:30", "Mon 23:00", "Mon 23:30"]
        );
        let tuesday = date(2026, 6, 2);
        assert_eq!(host_times(&host.slots_on(tuesday))[0], "Tue 22:00");
    }

    #[test]
    fn spring_forward_range_covers_two_real_hours() {
        let day = spring_forward();
        let hours = DateOverride::Hours(vec![range("01:00", "04:00")]);
        let host = Host::office_hours().override_on(day, hours);
        assert_eq!(
            host.slots_on(day),
            [utc(day, 0, 0), utc(day, 0, 30), utc(day, 1, 0), utc(day, 1, 30)]
        );
        assert_eq!(host.duration(60).slots_on(day), [utc(day, 0, 0), utc(day, 1, 0)]);
    }

    #[test]
    fn a_range_starting_in_the_spring_forward_gap_opens_when_the_gap_ends() {
        let day = spring_forward();
        let hours = DateOverride::Hours(vec![range("02:30", "04:00")]);
        let host = Host::office_hours().override_on(day, hours);
        // 03:00 and 03:30 summer time.
        assert_eq!(host.slots_on(day), [utc(day, 1, 0), utc(day, 1, 30)]);
    }

    #[test]
    fn a_range_ending_in_the_spring_forward_gap_closes_at_the_jump() {
        let day = spring_forward();
        let hours = DateOverride::Hours(vec![range("01:00", "02:30")]);
        let host = Host::office_hours().override_on(day, hours);
        assert_eq!(host.slots_on(day), [utc(day, 0, 0), utc(day, 0, 30)]);
    }

    #[test]
    fn fall_back_range_covers_five_real_hours() {
        let day = fall_back();
        let eve = date(2026, 10, 24);
        let hours = DateOverride::Hours(vec![range("00:00", "04:00")]);
        let host = Host::office_hours().override_on(day, hours).duration(60);
        assert_eq!(
            host.slots_on(day),
            [
                utc(eve, 22, 0),
                utc(eve, 23, 0),
                utc(day, 0, 0),
                utc(day, 1, 0),
                utc(day, 2, 0)
            ]
        );
    }

    #[test]
    fn a_repeated_hour_starts_at_its_first_and_ends_at_its_second_occurrence() {
        let day = fall_back();
        let eve = date(2026, 10, 24);
        // 02:00 summer time to 03:00 winter time.
        let repeated = DateOverride::Hours(vec![range("02:00", "03:00")]);
        let host = Host::office_hours().override_on(day, repeated).duration(60);
        assert_eq!(host.slots_on(day), [utc(day, 0, 0), utc(day, 1, 0)]);
        // Midnight summer time to 02:30 winter time: three and a half hours.
        let ends_repeated = DateOverride::Hours(vec![range("00:00", "02:30")]);
        let host = Host::office_hours().override_on(day, ends_repeated);
        let slots = host.slots_on(day);
        assert_eq!(slots.len(), 7);
        assert_eq!(slots[0], utc(eve, 22, 0));
        assert_eq!(slots[6], utc(day, 1, 0));
    }

    #[test]
    fn a_range_ending_at_a_repeated_midnight_reaches_into_the_next_date() {
        // Havana falls back from 01:00 to 00:00 on 2026-11-01, so that midnight
        // happens twice and Saturday's 23:00–24:00 lasts two real hours.
        let mut host = Host::new(every_day(&[range("23:00", "24:00")]));
        host.tz = chrono_tz::America::Havana;
        let sunday = date(2026, 11, 1);
        let (first_midnight, noon) = (utc(sunday, 4, 0), utc(sunday, 17, 0));
        assert_eq!(
            host.slots_between(first_midnight - TimeDelta::hours(1), noon),
            [
                utc(sunday, 3, 0),
                utc(sunday, 3, 30),
                utc(sunday, 4, 0),
                utc(sunday, 4, 30)
            ]
        );
        // Starting at Sunday's first midnight still finds Saturday's range.
        assert_eq!(
            host.slots_between(first_midnight, noon),
            [utc(sunday, 4, 0), utc(sunday, 4, 30)]
        );
    }

    #[test]
    fn office_hours_on_clock_change_days_keep_sixteen_slots_at_shifted_utc() {
        let host = Host::new(every_day(&[range("09:00", "17:00")]));
        let days_and_offsets = [
            (date(2026, 3, 28), 1),
            (spring_forward(), 2),
            (date(2026, 10, 24), 2),
            (fall_back(), 1),
        ];
        for (day, offset) in days_and_offsets {
            let slots = host.slots_on(day);
            assert_eq!(slots.len(), 16, "{day}");
            assert_eq!(slots[0], utc(day, 9 - offset, 0), "{day}");
            assert_eq!(slots[15], utc(day, 16 - offset, 30), "{day}");
        }
    }

    #[test]
    fn an_invitee_day_in_los_angeles_spans_two_host_dates() {
        // Los Angeles midnight is 09:00 in Berlin.
        let host = Host::new(weekdays(&[range("07:00", "11:00")]));
        let slots = host.slots_on_invitee_day(Los_Angeles, monday());
        assert_eq!(
            host_times(&slots),
            [
                "Mon 09:00",
                "Mon 09:30",
                "Mon 10:00",
                "Mon 10:30",
                "Tue 07:00",
                "Tue 07:30",
                "Tue 08:00",
                "Tue 08:30"
            ]
        );
    }

    #[test]
    fn an_invitee_day_in_auckland_spans_two_host_dates() {
        // Auckland's Tuesday runs from Monday 14:00 to Tuesday 14:00 in Berlin.
        let tuesday = date(2026, 6, 2);
        let slots = Host::office_hours().slots_on_invitee_day(Auckland, tuesday);
        let times = host_times(&slots);
        assert_eq!(times.len(), 6 + 10);
        assert_eq!(times[0], "Mon 14:00");
        assert_eq!(times[5], "Mon 16:30");
        assert_eq!(times[6], "Tue 09:00");
        assert_eq!(times[15], "Tue 13:30");
        let (from, to) = (at(Auckland, tuesday, 0, 0), at(Auckland, date(2026, 6, 3), 0, 0));
        assert!(slots.iter().all(|s| (from..to).contains(s)));
    }

    #[test]
    fn a_busy_interval_across_the_invitee_midnight_blocks_both_sides() {
        let tuesday = date(2026, 6, 2);
        // 23:00–01:00 in Los Angeles is Tuesday 08:00–10:00 in Berlin.
        let host = Host::new(weekdays(&[range("07:00", "11:00")]))
            .busy(at(Los_Angeles, monday(), 23, 0), at(Los_Angeles, tuesday, 1, 0));
        assert_eq!(
            host_times(&host.slots_on_invitee_day(Los_Angeles, monday())),
            [
                "Mon 09:00",
                "Mon 09:30",
                "Mon 10:00",
                "Mon 10:30",
                "Tue 07:00",
                "Tue 07:30"
            ]
        );
        assert_eq!(
            host_times(&host.slots_on_invitee_day(Los_Angeles, tuesday)),
            [
                "Tue 10:00",
                "Tue 10:30",
                "Wed 07:00",
                "Wed 07:30",
                "Wed 08:00",
                "Wed 08:30"
            ]
        );
    }

    #[test]
    fn unordered_overlapping_bookings_match_a_brute_force_check() {
        let month = (utc(monday(), 0, 0), utc(date(2026, 7, 1), 0, 0));
        let mut host = Host::office_hours().buffers(10, 5);
        let candidates = host.slots_between(month.0, month.1);
        // A fixed linear congruential sequence: varied, overlapping, unsorted.
        let mut seed: i64 = 7;
        for _ in 0..300 {
            seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
            let start = month.0 + TimeDelta::minutes(seed % (30 * 1440));
            host.busy.push(Busy {
                start,
                end: start + TimeDelta::minutes(5 + seed % 90),
            });
        }
        let (before, after) = (TimeDelta::minutes(10), TimeDelta::minutes(35));
        let expected: Vec<_> = candidates
            .into_iter()
            .filter(|&s| !host.busy.iter().any(|b| b.start < s + after && b.end > s - before))
            .collect();
        assert!(expected.len() > 100);
        assert_eq!(host.slots_between(month.0, month.1), expected);
    }

    #[test]
    fn a_zero_duration_has_no_slots() {
        assert!(Host::office_hours().duration(0).slots_on(monday()).is_empty());
    }

    #[test]
    fn ranges_built_without_the_constructor_are_skipped_when_invalid() {
        let host = Host::new(weekdays(&[
            MinuteRange { start: 600, end: 540 },
            MinuteRange { start: 1380, end: 1500 },
            range("09:00", "10:00"),
        ]));
        assert_eq!(host_times(&host.slots_on(monday())), ["Mon 09:00", "Mon 09:30"]);
    }

    #[test]
    fn weekly_hours_are_indexed_from_monday() {
        let mut weekly = WeeklyHours::default();
        weekly.days[0].push(range("09:00", "10:00"));
        weekly.days[6].push(range("11:00", "12:00"));
        assert_eq!(weekly.for_weekday(Weekday::Mon), [range("09:00", "10:00")]);
        assert_eq!(weekly.for_weekday(Weekday::Sun), [range("11:00", "12:00")]);
        assert!(weekly.for_weekday(Weekday::Wed).is_empty());
    }

    #[test]
    fn minute_range_rejects_empty_reversed_and_overlong_ranges() {
        for (start, end) in [(600, 600), (601, 600), (0, 1441), (1440, 1441)] {
            assert_eq!(
                MinuteRange::new(start, end),
                Err(SlotError::InvalidRange { start, end })
            );
        }
        assert_eq!(MinuteRange::new(0, 1440), Ok(MinuteRange { start: 0, end: 1440 }));
    }

    #[test]
    fn the_range_error_names_the_bad_minutes() {
        let err = MinuteRange::new(600, 540).expect_err("reversed");
        assert!(err.to_string().contains("600..540"), "{err}");
    }

    #[test]
    fn an_invalid_minute_range_does_not_deserialize() {
        let ok: MinuteRange = serde_json::from_str(r#"{"start":540,"end":600}"#).expect("valid");
        assert_eq!(ok, range("09:00", "10:00"));
        assert_eq!(
            serde_json::to_string(&ok).expect("serializes"),
            r#"{"start":540,"end":600}"#
        );
        assert!(serde_json::from_str::<MinuteRange>(r#"{"start":600,"end":540}"#).is_err());
        assert!(serde_json::from_str::<MinuteRange>(r#"{"start":0,"end":1441}"#).is_err());
    }

    #[test]
    fn a_full_day_in_the_hosts_zone_offers_no_more_slots() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).expect("rfc3339").with_timezone(&Utc);
        // 23:30 UTC on the 9th is already the 10th in Berlin.
        let booked = [at("2026-12-09T23:30:00Z"), at("2026-12-10T09:00:00Z")];
        let slots = vec![
            at("2026-12-09T15:00:00Z"),
            at("2026-12-10T13:00:00Z"),
            at("2026-12-11T09:00:00Z"),
        ];
        assert_eq!(without_full_days(slots.clone(), &booked, HOST, 2), [slots[0], slots[2]]);
        assert_eq!(without_full_days(slots.clone(), &booked, HOST, 3), slots);
    }
}
