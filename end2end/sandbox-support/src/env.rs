//! Reading a sandbox binary's settings from environment variables, with errors that name the
//! variable, the bad value and what was expected.

use std::net::SocketAddr;
use std::str::FromStr;

use crate::http::is_http_url;

/// A bad environment variable.
#[derive(Debug, thiserror::Error)]
#[error("{name} must be {expected}, got {value:?}")]
pub struct ConfigError {
    name: &'static str,
    value: String,
    expected: String,
}

impl ConfigError {
    /// `name` was set to `value`, which is not `expected` (e.g. `"a number of seconds"`).
    pub fn new(name: &'static str, value: &str, expected: impl Into<String>) -> Self {
        Self {
            name,
            value: value.to_owned(),
            expected: expected.into(),
        }
    }
}

/// Variables read through a lookup (the process environment, or a test's map). Values are trimmed,
/// and a blank one counts as unset, so `NAME=` in a shell script keeps the default.
pub struct Vars<L> {
    lookup: L,
}

impl<L: Fn(&str) -> Option<String>> Vars<L> {
    /// Variables read through `lookup`.
    pub fn new(lookup: L) -> Self {
        Self { lookup }
    }

    /// The trimmed value, if set and not blank.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// The value parsed as `T`; `expected` describes a good value for the error.
    pub fn parse<T: FromStr>(&self, name: &'static str, expected: &'static str) -> Result<Option<T>, ConfigError> {
        self.get(name)
            .map(|value| value.parse().map_err(|_| ConfigError::new(name, &value, expected)))
            .transpose()
    }

    /// The listen address, `default` when unset.
    pub fn addr(&self, name: &'static str, default: &str) -> Result<SocketAddr, ConfigError> {
        let addr = self.get(name).unwrap_or_else(|| default.to_owned());
        addr.parse()
            .map_err(|_| ConfigError::new(name, &addr, format!("an address such as {default}")))
    }

    /// The value, which must be an http(s) URL.
    pub fn http_url(&self, name: &'static str) -> Result<Option<String>, ConfigError> {
        match self.get(name) {
            Some(url) if !is_http_url(&url) => Err(ConfigError::new(name, &url, "an http(s) URL")),
            url => Ok(url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> Vars<impl Fn(&str) -> Option<String>> {
        Vars::new(move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn values_are_trimmed_and_blank_ones_are_unset() {
        let vars = vars(&[("A", "  x "), ("B", "   ")]);
        assert_eq!(vars.get("A").as_deref(), Some("x"));
        assert_eq!(vars.get("B"), None);
        assert_eq!(vars.get("C"), None);
    }

    #[test]
    fn errors_name_the_variable_the_value_and_what_was_expected() {
        let vars = vars(&[("N", "x"), ("ADDR", "nowhere"), ("URL", "localhost:3000")]);
        let message = |result: Result<(), ConfigError>| result.err().map(|error| error.to_string());
        assert_eq!(
            message(vars.parse::<u64>("N", "a number").map(drop)),
            Some("N must be a number, got \"x\"".to_owned())
        );
        assert_eq!(
            message(vars.addr("ADDR", "127.0.0.1:3900").map(drop)),
            Some("ADDR must be an address such as 127.0.0.1:3900, got \"nowhere\"".to_owned())
        );
        assert_eq!(
            message(vars.http_url("URL").map(drop)),
            Some("URL must be an http(s) URL, got \"localhost:3000\"".to_owned())
        );
    }

    #[test]
    fn unset_variables_take_the_default_or_none() {
        let vars = vars(&[]);
        assert_eq!(
            vars.addr("ADDR", "127.0.0.1:3900").ok().map(|addr| addr.port()),
            Some(3900)
        );
        assert_eq!(vars.parse::<u64>("N", "a number").ok(), Some(None));
        assert_eq!(vars.http_url("URL").ok(), Some(None));
    }
}
