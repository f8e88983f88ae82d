//! The value formats HubSpot reads and writes: emails, datetimes (ISO 8601 or epoch milliseconds),
//! dates (`YYYY-MM-DD` or midnight UTC in epoch milliseconds) and plain decimals.

use chrono::{DateTime, NaiveDate, Timelike, Utc};

/// Lowercases an email address if it looks like one (one `@`, non-empty parts, a dot in the domain).
pub(crate) fn normalise_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace);
    plausible.then_some(email)
}

/// Reads ISO 8601 (with offset) or milliseconds since the epoch, as HubSpot accepts both.
pub(crate) fn parse_datetime(raw: &str) -> Option<DateTime<Utc>> {
    if is_digits(raw) {
        return raw.parse::<i64>().ok().and_then(DateTime::from_timestamp_millis);
    }
    DateTime::parse_from_rfc3339(raw).ok().map(|at| at.to_utc())
}

/// Reads `YYYY-MM-DD` or milliseconds since the epoch at midnight UTC; the error is HubSpot's message.
pub(crate) fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let invalid =
        || format!("\"{raw}\" is not a valid date: use YYYY-MM-DD or midnight UTC in milliseconds since the epoch");
    if is_digits(raw) {
        let at = raw
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_millis)
            .ok_or_else(invalid)?;
        if at.num_seconds_from_midnight() != 0 || at.timestamp_subsec_millis() != 0 {
            return Err(format!("{raw} is at {} UTC, not midnight!", at.format("%H:%M:%S%.3f")));
        }
        return Ok(at.date_naive());
    }
    // chrono would also take unpadded months and days; HubSpot's format is fixed-width.
    if raw.len() != 10 {
        return Err(invalid());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| invalid())
}

/// A plain decimal: optional sign, digits, optional fraction; no exponent, spaces or `NaN`.
pub(crate) fn is_decimal(raw: &str) -> bool {
    let unsigned = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty()) && digits(whole) && digits(fraction)
}

fn is_digits(raw: &str) -> bool {
    !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_plausible() {
        assert_eq!(
            normalise_email(" Jane@Example.COM ").as_deref(),
            Some("jane@example.com")
        );
        for bad in [
            "jane",
            "@example.com",
            "jane@example",
            "jane@@example.com",
            "ja ne@example.com",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetimes_are_iso_or_milliseconds() {
        let iso = parse_datetime("2026-11-23T10:00:00+01:00");
        assert_eq!(iso, parse_datetime("1795424400000"));
        assert!(iso.is_some());
        assert_eq!(parse_datetime("2026-11-23"), None);
    }

    #[test]
    fn numbers_must_be_plain_decimals() {
        for good in ["12", "-3.5", "+7", "0.25", ".5", "1000000"] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in ["abc", "1e5", "NaN", "inf", " 12", "1,000", "-", ".", ""] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn dates_are_days_or_midnight_milliseconds() {
        let day = NaiveDate::from_ymd_opt(1990, 4, 1);
        assert_eq!(parse_date("1990-04-01").ok(), day);
        assert_eq!(parse_date("638928000000").ok(), day);
        assert_eq!(
            parse_date("638928000001").err().as_deref(),
            Some("638928000001 is at 00:00:00.001 UTC, not midnight!")
        );
        for bad in [
            "1990-4-1",
            "01/04/1990",
            "1990-02-30",
            "1990-04-01T00:00:00Z",
            "99999999999999999999",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
