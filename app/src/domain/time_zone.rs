//! IANA time zones, as hosts and invitees choose them.
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Stored as its IANA name (`users.time_zone`), parsed once when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
#[cfg_attr(feature = "ssr", sea_orm(value_type = "String"))]
pub struct TimeZoneName(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Choose a time zone from the list, like Europe/Berlin.")]
pub struct InvalidTimeZone;

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, InvalidTimeZone> {
        raw.trim().parse::<Tz>().map(Self).map_err(|_| InvalidTimeZone)
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl std::str::FromStr for TimeZoneName {
    type Err = InvalidTimeZone;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl std::fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every zone name a person may pick, sorted, without legacy aliases such as
/// `US/Eastern` or `Etc/GMT+5` that only confuse a picker.
pub fn all_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| {
            name.contains('/')
                && !name.starts_with("Etc/")
                && !name.starts_with("US/")
                && !name.starts_with("SystemV/")
                && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        })
        .collect();
    names.push("UTC");
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_parse() {
        assert_eq!(TimeZoneName::parse("Europe/Berlin").unwrap().name(), "Europe/Berlin");
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn the_picker_lists_real_zones_only() {
        let names = all_names();
        assert!(names.contains(&"America/New_York"));
        assert!(names.contains(&"UTC"));
        assert!(!names.contains(&"US/Eastern"));
        assert!(names.windows(2).all(|w| w[0] < w[1]));
    }
}
