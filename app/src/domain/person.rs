//! What an invitee or host types about themselves.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter a name.".into());
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(format!("Keep the name to {} characters or fewer.", Self::MAX_CHARS));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First and last name as CRMs keep them: the last word is the last
    /// name, the rest the first name ("Mary Ann Smith" → "Mary Ann",
    /// "Smith"); a single word is a first name only.
    pub fn split(&self) -> (&str, Option<&str>) {
        match self.0.rsplit_once(char::is_whitespace) {
            Some((first, last)) => (first.trim_end(), Some(last)),
            None => (&self.0, None),
        }
    }
}

/// Optional free text an invitee adds to a booking; blank means none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notes(String);

impl Notes {
    pub const MAX_CHARS: usize = 5_000;

    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        let notes = raw.trim();
        if notes.is_empty() {
            return Ok(None);
        }
        if notes.chars().count() > Self::MAX_CHARS {
            return Err(format!("Keep notes to {} characters or fewer.", Self::MAX_CHARS));
        }
        Ok(Some(Self(notes.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(200)).is_ok());
        assert!(PersonName::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn names_split_on_the_last_word() {
        let split = |raw: &str| {
            let name = PersonName::parse(raw).unwrap();
            let (first, last) = name.split();
            (first.to_owned(), last.map(str::to_owned))
        };
        let owned = |first: &str, last: Option<&str>| (first.to_owned(), last.map(str::to_owned));
        assert_eq!(split("Mary Ann Smith"), owned("Mary Ann", Some("Smith")));
        assert_eq!(split("Ada"), owned("Ada", None));
        assert_eq!(split("  Grace   Hopper "), owned("Grace", Some("Hopper")));
        assert_eq!(split("Zoë Ñúñez"), owned("Zoë", Some("Ñúñez")));
    }

    #[test]
    fn notes_are_optional_and_bounded() {
        assert_eq!(Notes::parse_optional(""), Ok(None));
        assert!(Notes::parse_optional(&"n".repeat(5_000)).unwrap().is_some());
        assert!(Notes::parse_optional(&"n".repeat(5_001)).is_err());
    }
}
