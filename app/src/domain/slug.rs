//! URL slugs of hosts (`/{host}`) and event types (`/{host}/{event}`).
use serde::{Deserialize, Serialize};

/// Words the app routes itself; a host may not take them as a slug.
const RESERVED: &[&str] = &[
    "about",
    "account",
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "bookings",
    "contact",
    "dashboard",
    "docs",
    "favicon.ico",
    "forgot-password",
    "healthz",
    "help",
    "home",
    "integrations",
    "login",
    "logout",
    "metrics",
    "new",
    "oauth",
    "pkg",
    "pricing",
    "public",
    "robots.txt",
    "settings",
    "signup",
    "static",
    "support",
    "terms",
    "privacy",
    "reset-password",
    "webhooks",
    "www",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSlug {
    #[error("Use 3 to 40 characters: lowercase letters, digits and dashes, starting with a letter.")]
    Format,
    #[error("“{0}” is reserved by Slotline. Please choose another.")]
    Reserved(String),
}

fn check_format(raw: &str) -> Result<String, InvalidSlug> {
    let slug = raw.trim();
    let valid = (3..=40).contains(&slug.len())
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(slug.to_owned())
    } else {
        Err(InvalidSlug::Format)
    }
}

/// A host's public slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HostSlug(String);

impl HostSlug {
    pub fn parse(raw: &str) -> Result<Self, InvalidSlug> {
        let lowered = raw.trim().to_lowercase();
        if RESERVED.contains(&lowered.as_str()) {
            return Err(InvalidSlug::Reserved(lowered));
        }
        check_format(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An event type's slug, unique per host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventSlug(String);

impl EventSlug {
    pub fn parse(raw: &str) -> Result<Self, InvalidSlug> {
        check_format(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A slug proposal derived from a free-text name ("Deep Dive!" → "deep-dive").
pub fn suggest(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_slugs_are_accepted() {
        for raw in ["ada", "ada-lovelace", "a1b2", &"a".repeat(40)] {
            assert!(HostSlug::parse(raw).is_ok(), "{raw}");
            assert!(EventSlug::parse(raw).is_ok(), "{raw}");
        }
    }

    #[test]
    fn malformed_slugs_are_rejected() {
        for raw in ["ab", "1abc", "-abc", "Ada", "ad a", "adä", &"a".repeat(41)] {
            assert_eq!(HostSlug::parse(raw), Err(InvalidSlug::Format), "{raw}");
        }
    }

    #[test]
    fn reserved_words_are_refused_for_hosts_in_any_case() {
        assert_eq!(
            HostSlug::parse("Dashboard"),
            Err(InvalidSlug::Reserved("dashboard".into()))
        );
        assert!(matches!(HostSlug::parse("api"), Err(InvalidSlug::Reserved(_))));
        assert!(EventSlug::parse("api").is_ok());
    }

    #[test]
    fn a_name_suggests_a_slug() {
        assert_eq!(suggest("Deep Dive!"), "deep-dive");
        assert_eq!(suggest("  Intro  call "), "intro-call");
    }
}
