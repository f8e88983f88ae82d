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

/// The durations an invitee may choose from, in minutes, ascending; the
/// event type's own duration is always one of them and is the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    default: u32,
    all: Vec<u32>,
}

impl Durations {
    pub const MAX_CHOICES: usize = 6;

    /// The default duration plus the others a host typed, e.g. `15, 60`.
    pub fn parse(default: u32, others: &str) -> Result<Self, String> {
        let mut all = vec![default];
        for item in others.split([',', ' ', ';']).filter(|item| !item.trim().is_empty()) {
            let minutes: u32 = item
                .trim()
                .trim_end_matches("min")
                .trim()
                .parse()
                .map_err(|_| format!("“{}” is not a number of minutes.", item.trim()))?;
            if !(MIN_DURATION..=MAX_DURATION).contains(&minutes) {
                return Err(format!(
                    "Each duration must be {MIN_DURATION} to {MAX_DURATION} minutes."
                ));
            }
            if !all.contains(&minutes) {
                all.push(minutes);
            }
        }
        if all.len() > Self::MAX_CHOICES {
            return Err(format!("Offer at most {} durations.", Self::MAX_CHOICES));
        }
        all.sort_unstable();
        Ok(Self { default, all })
    }

    /// As stored beside the event type's duration: trusted, and whatever is
    /// unreadable or missing falls back to the default alone.
    pub fn from_stored(default: u32, stored: &str) -> Self {
        Self::parse(default, stored).unwrap_or(Self {
            default,
            all: vec![default],
        })
    }

    /// Blank when the default is the only one.
    pub fn to_stored(&self) -> String {
        if self.all.len() == 1 {
            return String::new();
        }
        self.all.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    }

    pub fn default_minutes(&self) -> u32 {
        self.default
    }

    pub fn all(&self) -> &[u32] {
        &self.all
    }

    /// The duration asked for, or the default when none is; one the event
    /// type does not offer is refused.
    pub fn pick(&self, asked: Option<u32>) -> Result<u32, String> {
        match asked {
            None => Ok(self.default),
            Some(minutes) if self.all.contains(&minutes) => Ok(minutes),
            Some(_) => Err(format!(
                "Choose one of the offered durations: {} minutes.",
                self.list_text()
            )),
        }
    }

    fn list_text(&self) -> String {
        self.all.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
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

    #[test]
    fn durations_include_the_default_and_refuse_others() {
        let durations = Durations::parse(30, "60, 15 ,15").unwrap();
        assert_eq!(durations.all(), [15, 30, 60]);
        assert_eq!(durations.to_stored(), "15,30,60");
        assert_eq!(durations.pick(None), Ok(30));
        assert_eq!(durations.pick(Some(60)), Ok(60));
        assert!(durations.pick(Some(45)).is_err());
        assert_eq!(Durations::from_stored(30, &durations.to_stored()), durations);
        assert_eq!(Durations::parse(30, "").unwrap().to_stored(), "");
        assert!(Durations::parse(30, "4").is_err());
        assert!(Durations::parse(30, "half an hour").is_err());
        assert!(Durations::parse(30, "5,10,15,20,25,35").is_err());
    }
}
