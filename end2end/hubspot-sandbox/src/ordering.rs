//! Property values as numbers, for search's range operators and sorts: numbers by value, dates and
//! datetimes by instant (epoch milliseconds) whether written as ISO 8601 or epoch milliseconds.

use chrono::NaiveTime;

use crate::property_registry::PropertyType;
use crate::value_formats::{parse_date, parse_datetime};

/// Whether search compares a property's values by order (`GT`, `LTE`, `BETWEEN`, …).
pub(crate) fn is_ordered(value_type: PropertyType) -> bool {
    matches!(
        value_type,
        PropertyType::Number | PropertyType::Date | PropertyType::Datetime
    )
}

/// The value as a number to compare by: epoch milliseconds for dates and datetimes, the number
/// itself otherwise (text that is not a number has none).
pub(crate) fn as_number(value_type: Option<PropertyType>, raw: &str) -> Option<f64> {
    let millis = match value_type {
        Some(PropertyType::Datetime) => parse_datetime(raw).map(|at| at.timestamp_millis()),
        // Filters on dates may name any instant of the day, stored dates are days.
        Some(PropertyType::Date) => parse_datetime(raw).map(|at| at.timestamp_millis()).or_else(|| {
            let day = parse_date(raw).ok()?;
            Some(day.and_time(NaiveTime::MIN).and_utc().timestamp_millis())
        }),
        _ => return raw.trim().parse::<f64>().ok().filter(|number| number.is_finite()),
    };
    // Epoch milliseconds stay exact in an f64 (below 2^53) for hundreds of thousands of years.
    millis.map(|millis| millis as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_compare_by_instant_in_either_form() {
        let iso = as_number(Some(PropertyType::Datetime), "2026-11-23T10:00:00+01:00");
        assert_eq!(iso, Some(1_795_424_400_000.0));
        assert_eq!(as_number(Some(PropertyType::Datetime), "1795424400000"), iso);
        assert_eq!(as_number(Some(PropertyType::Datetime), "yesterday"), None);
    }

    #[test]
    fn dates_are_their_midnight_and_numbers_their_value() {
        assert_eq!(
            as_number(Some(PropertyType::Date), "1990-04-01"),
            Some(638_928_000_000.0)
        );
        assert_eq!(
            as_number(Some(PropertyType::Date), "638928000001"),
            Some(638_928_000_001.0)
        );
        assert_eq!(as_number(Some(PropertyType::Number), "-3.5"), Some(-3.5));
        assert_eq!(as_number(None, "1001"), Some(1001.0));
        assert_eq!(as_number(Some(PropertyType::String), "NaN"), None);
        assert!(is_ordered(PropertyType::Date) && !is_ordered(PropertyType::Enumeration));
    }
}
