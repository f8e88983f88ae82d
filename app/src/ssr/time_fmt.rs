//! How instants read to people: always in a named zone.
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// "Tuesday, 1 December 2026, 09:00–09:30 (America/New_York)".
pub fn range_in(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let end_fmt = if s.date_naive() == e.date_naive() {
        "%H:%M"
    } else {
        "%A, %-d %B %Y, %H:%M"
    };
    format!(
        "{}–{} ({})",
        s.format("%A, %-d %B %Y, %H:%M"),
        e.format(end_fmt),
        tz.name()
    )
}

/// "23 Nov 2026, 18:40 (Europe/Berlin)": when something happened.
pub fn moment_in(tz: Tz, instant: DateTime<Utc>) -> String {
    format!(
        "{} ({})",
        instant.with_timezone(&tz).format("%-d %b %Y, %H:%M"),
        tz.name()
    )
}

/// "23 Nov 2026, 18:40:05 (Europe/Berlin)": to the second, for logs where
/// attempts come seconds apart.
pub fn second_in(tz: Tz, instant: DateTime<Utc>) -> String {
    format!(
        "{} ({})",
        instant.with_timezone(&tz).format("%-d %b %Y, %H:%M:%S"),
        tz.name()
    )
}

/// Milliseconds, `Z`: the API's timestamp format.
pub fn iso(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_range_names_its_zone() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 14, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 12, 1, 14, 30, 0).unwrap();
        assert_eq!(
            range_in(chrono_tz::America::New_York, start, end),
            "Tuesday, 1 December 2026, 09:00–09:30 (America/New_York)"
        );
    }

    #[test]
    fn a_range_across_midnight_names_both_days() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 23, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 12, 2, 0, 30, 0).unwrap();
        assert_eq!(
            range_in(chrono_tz::UTC, start, end),
            "Tuesday, 1 December 2026, 23:00–Wednesday, 2 December 2026, 00:30 (UTC)"
        );
    }

    #[test]
    fn log_times_have_seconds_and_their_zone() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 17, 40, 5).unwrap();
        assert_eq!(
            second_in(chrono_tz::Europe::Berlin, t),
            "23 Nov 2026, 18:40:05 (Europe/Berlin)"
        );
    }

    #[test]
    fn iso_has_milliseconds_and_z() {
        let t = Utc.with_ymd_and_hms(2026, 2, 10, 14, 0, 0).unwrap();
        assert_eq!(iso(t), "2026-02-10T14:00:00.000Z");
    }
}
