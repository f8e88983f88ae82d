//! Settings of the `hubspot-sandbox` binary, read from `HUBSPOT_SANDBOX_*` environment variables.

use std::net::SocketAddr;
use std::time::Duration;

use sandbox_support::env::{ConfigError, Vars};

use crate::config::{BatchErrors, SandboxConfig};

/// The default listen address of the binary.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3900";

/// Where to listen and how to configure the sandbox.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `HUBSPOT_SANDBOX_ADDR`, default `127.0.0.1:3900`.
    pub addr: SocketAddr,
    /// The sandbox configuration; unset variables keep [`SandboxConfig::default`].
    pub config: SandboxConfig,
}

impl ServeOptions {
    /// Reads the process environment:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `HUBSPOT_SANDBOX_ADDR` | listen address (`127.0.0.1:3900`) |
    /// | `HUBSPOT_SANDBOX_CLIENT_ID`, `HUBSPOT_SANDBOX_CLIENT_SECRET` | the app's credentials |
    /// | `HUBSPOT_SANDBOX_HUB_ID` | portal id (`4242424`) |
    /// | `HUBSPOT_SANDBOX_TOKEN_TTL_SECS` | access token lifetime (`1800`) |
    /// | `HUBSPOT_SANDBOX_RATE_LIMIT` | `N/S`: N calls per S seconds, e.g. `100/10` (off) |
    /// | `HUBSPOT_SANDBOX_SEARCH_RATE_LIMIT` | `N/S` for search, e.g. HubSpot's `5/1` (off) |
    /// | `HUBSPOT_SANDBOX_SEARCH_LAG_MS` | search lag in milliseconds (`0`) |
    /// | `HUBSPOT_SANDBOX_TOKEN_RESPONSE_HAS_HUB_ID` | `1` puts `hub_id` and `scopes` in token responses (`0`) |
    /// | `HUBSPOT_SANDBOX_BATCH_ERRORS` | how batch upsert answers bad inputs: `400` or `207` (`400`) |
    /// | `HUBSPOT_SANDBOX_WEBHOOK_URL` | the app's webhook target URL (off) |
    /// | `HUBSPOT_SANDBOX_WEBHOOK_SECRET` | the webhook signing secret (the client secret) |
    /// | `HUBSPOT_SANDBOX_WEBHOOK_PROPERTIES` | comma-separated subscribed contact properties (`email,firstname,lastname,phone,company,lifecyclestage`) |
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ServeOptions::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(lookup);
        let mut config = SandboxConfig::default();
        let addr = vars.addr("HUBSPOT_SANDBOX_ADDR", DEFAULT_ADDR)?;
        if let Some(client_id) = vars.get("HUBSPOT_SANDBOX_CLIENT_ID") {
            config.client_id = client_id;
        }
        if let Some(client_secret) = vars.get("HUBSPOT_SANDBOX_CLIENT_SECRET") {
            config.client_secret = client_secret;
        }
        if let Some(hub_id) = vars.parse("HUBSPOT_SANDBOX_HUB_ID", "a number")? {
            config.hub_id = hub_id;
        }
        if let Some(ttl) = vars.parse("HUBSPOT_SANDBOX_TOKEN_TTL_SECS", "a number of seconds")? {
            config.access_token_ttl = Duration::from_secs(ttl);
        }
        if let Some(limit) = vars.get("HUBSPOT_SANDBOX_RATE_LIMIT") {
            config.rate_limit = Some(parse_rate_limit(&limit)?);
        }
        if let Some(limit) = vars.get("HUBSPOT_SANDBOX_SEARCH_RATE_LIMIT") {
            config.search_rate_limit = Some(parse_limit("HUBSPOT_SANDBOX_SEARCH_RATE_LIMIT", &limit)?);
        }
        if let Some(target) = vars.http_url("HUBSPOT_SANDBOX_WEBHOOK_URL")? {
            config.webhook_target = Some(target);
        }
        if let Some(secret) = vars.get("HUBSPOT_SANDBOX_WEBHOOK_SECRET") {
            config.webhook_secret = Some(secret);
        }
        if let Some(properties) = vars.get("HUBSPOT_SANDBOX_WEBHOOK_PROPERTIES") {
            config.webhook_properties = properties
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect();
        }
        if let Some(lag) = vars.parse("HUBSPOT_SANDBOX_SEARCH_LAG_MS", "milliseconds")? {
            config.search_lag = Duration::from_millis(lag);
        }
        if let Some(flag) = vars.get("HUBSPOT_SANDBOX_TOKEN_RESPONSE_HAS_HUB_ID") {
            config.token_response_has_hub_id = match flag.as_str() {
                "1" | "true" => true,
                "0" | "false" => false,
                _ => {
                    return Err(ConfigError::new(
                        "HUBSPOT_SANDBOX_TOKEN_RESPONSE_HAS_HUB_ID",
                        &flag,
                        "0 or 1",
                    ));
                }
            };
        }
        if let Some(mode) = vars.get("HUBSPOT_SANDBOX_BATCH_ERRORS") {
            config.batch_errors = BatchErrors::parse(&mode)
                .ok_or_else(|| ConfigError::new("HUBSPOT_SANDBOX_BATCH_ERRORS", &mode, "400 or 207"))?;
        }
        Ok(Self { addr, config })
    }
}

/// Reads `N/S` (N calls per S seconds), e.g. `100/10`.
pub fn parse_rate_limit(text: &str) -> Result<(u32, Duration), ConfigError> {
    parse_limit("HUBSPOT_SANDBOX_RATE_LIMIT", text)
}

/// Reads `N/S` for the variable `name`.
fn parse_limit(name: &'static str, text: &str) -> Result<(u32, Duration), ConfigError> {
    let bad = || ConfigError::new(name, text, "N/S, e.g. 100/10 for 100 calls per 10 s");
    let (calls, seconds) = text.split_once('/').ok_or_else(bad)?;
    let calls: u32 = calls.trim().parse().map_err(|_| bad())?;
    let seconds: u64 = seconds.trim().parse().map_err(|_| bad())?;
    if calls == 0 || seconds == 0 {
        return Err(bad());
    }
    Ok((calls, Duration::from_secs(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn options(vars: &[(&str, &str)]) -> Result<ServeOptions, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        ServeOptions::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn unset_variables_keep_the_defaults() {
        let Ok(options) = options(&[]) else {
            panic!("defaults must parse")
        };
        assert_eq!(options.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(options.config.hub_id, 4_242_424);
        assert_eq!(options.config.rate_limit, None);
    }

    #[test]
    fn variables_override_the_defaults() {
        let parsed = options(&[
            ("HUBSPOT_SANDBOX_ADDR", "0.0.0.0:4000"),
            ("HUBSPOT_SANDBOX_HUB_ID", "99"),
            ("HUBSPOT_SANDBOX_TOKEN_TTL_SECS", "60"),
            ("HUBSPOT_SANDBOX_RATE_LIMIT", "100/10"),
            ("HUBSPOT_SANDBOX_BATCH_ERRORS", "207"),
            ("HUBSPOT_SANDBOX_SEARCH_RATE_LIMIT", "5/1"),
            ("HUBSPOT_SANDBOX_WEBHOOK_URL", "http://127.0.0.1:3000/hubspot/webhooks"),
            ("HUBSPOT_SANDBOX_WEBHOOK_PROPERTIES", "email, lifecyclestage"),
        ]);
        let Ok(options) = parsed else {
            panic!("valid variables must parse")
        };
        assert_eq!(options.addr.port(), 4000);
        assert_eq!(options.config.hub_id, 99);
        assert_eq!(options.config.access_token_ttl, Duration::from_secs(60));
        assert_eq!(options.config.rate_limit, Some((100, Duration::from_secs(10))));
        assert_eq!(options.config.batch_errors, BatchErrors::MultiStatus207);
        assert_eq!(options.config.search_rate_limit, Some((5, Duration::from_secs(1))));
        assert_eq!(
            options.config.webhook_target.as_deref(),
            Some("http://127.0.0.1:3000/hubspot/webhooks")
        );
        assert_eq!(options.config.webhook_properties, ["email", "lifecyclestage"]);
        assert_eq!(options.config.webhook_secret, None);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let error = options(&[("HUBSPOT_SANDBOX_RATE_LIMIT", "100 per 10")])
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("HUBSPOT_SANDBOX_RATE_LIMIT")));
        assert!(options(&[("HUBSPOT_SANDBOX_HUB_ID", "x")]).is_err());
        assert!(options(&[("HUBSPOT_SANDBOX_BATCH_ERRORS", "partial")]).is_err());
        assert!(options(&[("HUBSPOT_SANDBOX_WEBHOOK_URL", "localhost:3000")]).is_err());
        let search = options(&[("HUBSPOT_SANDBOX_SEARCH_RATE_LIMIT", "5")])
            .err()
            .map(|e| e.to_string());
        assert!(search.is_some_and(|e| e.contains("HUBSPOT_SANDBOX_SEARCH_RATE_LIMIT")));
    }
}
