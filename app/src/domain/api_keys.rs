//! API keys as people choose them: how long a new key lives.

/// The expiry choices of the "Create API key" form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExpiry {
    Never,
    Days(u32),
}

impl KeyExpiry {
    pub const CHOICES: [(&'static str, &'static str); 4] = [
        ("", "Never"),
        ("30", "In 30 days"),
        ("90", "In 90 days"),
        ("365", "In 365 days"),
    ];

    /// Blank means never; otherwise one of 30, 90 or 365 days.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "" | "never" => Ok(Self::Never),
            "30" => Ok(Self::Days(30)),
            "90" => Ok(Self::Days(90)),
            "365" => Ok(Self::Days(365)),
            _ => Err("Choose never, 30, 90 or 365 days.".to_owned()),
        }
    }
}

/// A key's name: what it is for, so it can be recognised and revoked.
pub fn parse_key_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err("Give the key a name, e.g. the tool that will use it.".to_owned()),
        1..=100 => Ok(name.to_owned()),
        _ => Err("Keep the name to 100 characters or fewer.".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_one_of_the_offered_choices() {
        assert_eq!(KeyExpiry::parse(""), Ok(KeyExpiry::Never));
        assert_eq!(KeyExpiry::parse("90"), Ok(KeyExpiry::Days(90)));
        assert!(KeyExpiry::parse("7").is_err());
        for (value, _) in KeyExpiry::CHOICES {
            assert!(KeyExpiry::parse(value).is_ok());
        }
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(parse_key_name("  Zapier "), Ok("Zapier".to_owned()));
        assert!(parse_key_name("   ").is_err());
        assert!(parse_key_name(&"x".repeat(101)).is_err());
    }
}
