//! The rules an event type must satisfy, shared by the form and the server.
use crate::domain::slots::SlotRules;
use serde::{Deserialize, Serialize};

pub const MIN_DURATION: u32 = 5;
pub const MAX_DURATION: u32 = 720;
pub const DEFAULT_MIN_NOTICE_MIN: u32 = 4 * 60;
pub const DEFAULT_HORIZON_DAYS: u32 = 60;

/// Scheduling settings of an event type, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduling {
    pub duration_min: u32,
    pub min_notice_min: u32,
    pub horizon_days: u32,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
}

impl Scheduling {
    /// Checks each setting, naming the form field of every one that is off.
    pub fn parse(raw: Scheduling) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        if !(MIN_DURATION..=MAX_DURATION).contains(&raw.duration_min) {
            errors.push((
                "duration",
                format!("Duration must be {MIN_DURATION} to {MAX_DURATION} minutes."),
            ));
        }
        if raw.min_notice_min > 60 * 24 * 365 {
            errors.push(("min_notice", "Minimum notice can be at most a year.".to_owned()));
        }
        if !(1..=730).contains(&raw.horizon_days) {
            errors.push(("horizon", "Booking horizon must be 1 to 730 days.".to_owned()));
        }
        if raw.buffer_before_min > 720 {
            errors.push(("buffer_before", "Buffer before can be at most 720 minutes.".to_owned()));
        }
        if raw.buffer_after_min > 720 {
            errors.push(("buffer_after", "Buffer after can be at most 720 minutes.".to_owned()));
        }
        if errors.is_empty() { Ok(raw) } else { Err(errors) }
    }

    pub fn rules(self) -> SlotRules {
        SlotRules {
            duration_min: self.duration_min,
            buffer_before_min: self.buffer_before_min,
            buffer_after_min: self.buffer_after_min,
            min_notice_min: self.min_notice_min,
            horizon_days: self.horizon_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Scheduling {
        Scheduling {
            duration_min: 30,
            min_notice_min: DEFAULT_MIN_NOTICE_MIN,
            horizon_days: DEFAULT_HORIZON_DAYS,
            buffer_before_min: 0,
            buffer_after_min: 10,
        }
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Scheduling::parse(valid()), Ok(valid()));
    }

    #[test]
    fn duration_bounds_are_enforced() {
        for (duration, ok) in [(4, false), (5, true), (720, true), (721, false)] {
            let result = Scheduling::parse(Scheduling {
                duration_min: duration,
                ..valid()
            });
            assert_eq!(result.is_ok(), ok, "{duration}");
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = Scheduling::parse(Scheduling {
            duration_min: 0,
            horizon_days: 0,
            ..valid()
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["duration", "horizon"]);
    }
}
