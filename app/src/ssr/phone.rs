//! Phone numbers as Slotline stores and compares them: E.164, read with
//! libphonenumber's metadata (the `phonenumber` crate) in a team's region,
//! so that `+49 151 1234 5678`, `01511234567` (in Germany) and
//! `+4915112345678` are one number.
use chrono_tz::Tz;
use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber};
use std::str::FromStr;

/// Each IANA zone's country, from the tz database's `zone.tab`.
const ZONE_REGIONS: &str = include_str!("../../data/zone-regions.txt");

/// An ISO 3166 alpha-2 region whose national numbers libphonenumber reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneRegion(Id);

impl PhoneRegion {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 2
            && let Ok(id) = Id::from_str(&code)
        {
            return Ok(Self(id));
        }
        Err("Choose a country by its two-letter code, like DE or US.".to_owned())
    }

    /// The country of an IANA time zone, when it has one (`UTC` has none).
    pub fn of_zone(tz: Tz) -> Option<Self> {
        let name = tz.name();
        ZONE_REGIONS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once('\t'))
            .find(|(_, zone)| *zone == name)
            .and_then(|(code, _)| Self::parse(code).ok())
    }

    pub fn code(self) -> String {
        self.0.as_ref().to_owned()
    }
}

/// A phone number in E.164, e.g. `+4915112345678`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// A number as someone typed it: with its country code, or national in
    /// `region`. Blank means none.
    pub fn parse_optional(raw: &str, region: Option<PhoneRegion>) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        Self::parse(raw, region).map(Some)
    }

    pub fn parse(raw: &str, region: Option<PhoneRegion>) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() > 40 {
            return Err("Enter a phone number of at most 40 characters.".to_owned());
        }
        // `00` dials abroad from most of the world, whatever the region.
        let raw = match raw.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => raw.to_owned(),
        };
        let international = raw.starts_with('+');
        let region = if international { None } else { region };
        let Some(number) = phonenumber::parse(region.map(|r| r.0), &raw).ok().filter(plausible) else {
            return Err(match region {
                Some(region) if !international => format!(
                    "Enter a valid phone number, like +49 30 1234567 (numbers without a country code are read as {}).",
                    region.code()
                ),
                _ => "Enter a valid phone number with its country code, like +49 30 1234567.".to_owned(),
            });
        };
        Ok(Self(number.format().mode(Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Valid by libphonenumber's metadata, or at least of a length a number
/// can have: metadata lags behind new number ranges, and refusing a real
/// number costs a booking, while a typo only costs a lookup.
fn plausible(number: &PhoneNumber) -> bool {
    let digits = number.format().mode(Mode::E164).to_string().len() - 1;
    number.is_valid() || (8..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn de() -> Option<PhoneRegion> {
        Some(PhoneRegion::parse("de").unwrap())
    }

    #[test]
    fn three_spellings_are_one_number() {
        for raw in [
            "+49 151 1234 5678",
            "015112345678",
            "+4915112345678",
            "0049 151 12345678",
        ] {
            assert_eq!(
                Phone::parse(raw, de()).map(Phone::into_inner),
                Ok("+4915112345678".to_owned()),
                "{raw}"
            );
        }
    }

    #[test]
    fn national_numbers_need_a_region_and_international_ones_ignore_it() {
        assert!(Phone::parse("015112345678", None).is_err());
        let us = Some(PhoneRegion::parse("US").unwrap());
        assert_eq!(Phone::parse("+49 30 1234567", us).unwrap().as_str(), "+49301234567");
        assert_eq!(Phone::parse("(202) 456-1111", us).unwrap().as_str(), "+12024561111");
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        assert!(Phone::parse("call me", de()).is_err());
        assert!(Phone::parse("12", de()).is_err());
        assert_eq!(Phone::parse_optional("  ", de()), Ok(None));
    }

    #[test]
    fn a_zone_names_its_country() {
        let region = |zone: &str| PhoneRegion::of_zone(zone.parse().unwrap()).map(PhoneRegion::code);
        assert_eq!(region("Europe/Berlin").as_deref(), Some("DE"));
        assert_eq!(region("America/New_York").as_deref(), Some("US"));
        assert_eq!(region("UTC"), None);
        assert!(PhoneRegion::parse("XX").is_err());
    }
}
