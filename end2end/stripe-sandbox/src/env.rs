//! Settings of the `stripe-sandbox` binary, read from `STRIPE_SANDBOX_*` environment variables.

use std::net::SocketAddr;

use sandbox_support::env::{ConfigError, Vars};

use crate::config::SandboxConfig;

/// The default listen address of the binary (the HubSpot sandbox has 3900 and 3901).
pub const DEFAULT_ADDR: &str = "127.0.0.1:3910";

/// Where to listen and how to configure the sandbox.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `STRIPE_SANDBOX_ADDR`, default [`DEFAULT_ADDR`].
    pub addr: SocketAddr,
    /// The sandbox configuration; unset variables keep [`SandboxConfig::default`].
    pub config: SandboxConfig,
}

impl ServeOptions {
    /// Reads the process environment:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `STRIPE_SANDBOX_ADDR` | listen address (`127.0.0.1:3910`) |
    /// | `STRIPE_SANDBOX_SECRET_KEY` | the only API key accepted (`sk_test_slotline_sandbox`) |
    /// | `STRIPE_SANDBOX_PUBLIC_URL` | origin of hosted checkout pages in session `url`s (the `Host` the app called) |
    /// | `STRIPE_SANDBOX_WEBHOOK_URL` | where events are POSTed (off) |
    /// | `STRIPE_SANDBOX_WEBHOOK_SECRET` | the signing secret (`whsec_slotline_sandbox`) |
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ServeOptions::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(lookup);
        let mut config = SandboxConfig::default();
        let addr = vars.addr("STRIPE_SANDBOX_ADDR", DEFAULT_ADDR)?;
        if let Some(key) = vars.get("STRIPE_SANDBOX_SECRET_KEY") {
            if !key.starts_with("sk_test_") {
                return Err(ConfigError::new(
                    "STRIPE_SANDBOX_SECRET_KEY",
                    &key,
                    "a test key starting sk_test_",
                ));
            }
            config.secret_key = key;
        }
        if let Some(url) = vars.http_url("STRIPE_SANDBOX_PUBLIC_URL")? {
            config.public_url = Some(url);
        }
        if let Some(url) = vars.http_url("STRIPE_SANDBOX_WEBHOOK_URL")? {
            config.webhook_url = Some(url);
        }
        if let Some(secret) = vars.get("STRIPE_SANDBOX_WEBHOOK_SECRET") {
            if !secret.starts_with("whsec_") {
                return Err(ConfigError::new(
                    "STRIPE_SANDBOX_WEBHOOK_SECRET",
                    &secret,
                    "a secret starting whsec_",
                ));
            }
            config.webhook_secret = secret;
        }
        Ok(Self { addr, config })
    }
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
        assert_eq!(options.config.secret_key, crate::DEFAULT_SECRET_KEY);
        assert_eq!(options.config.webhook_url, None);
    }

    #[test]
    fn variables_override_the_defaults() {
        let parsed = options(&[
            ("STRIPE_SANDBOX_ADDR", "0.0.0.0:4000"),
            ("STRIPE_SANDBOX_SECRET_KEY", "sk_test_other"),
            ("STRIPE_SANDBOX_PUBLIC_URL", "http://stripe.localhost:4000"),
            (
                "STRIPE_SANDBOX_WEBHOOK_URL",
                "http://127.0.0.1:3000/integrations/stripe/webhook",
            ),
            ("STRIPE_SANDBOX_WEBHOOK_SECRET", "whsec_other"),
        ]);
        let Ok(options) = parsed else {
            panic!("valid variables must parse")
        };
        assert_eq!(options.addr.port(), 4000);
        assert_eq!(options.config.secret_key, "sk_test_other");
        assert_eq!(
            options.config.public_url.as_deref(),
            Some("http://stripe.localhost:4000")
        );
        assert_eq!(
            options.config.webhook_url.as_deref(),
            Some("http://127.0.0.1:3000/integrations/stripe/webhook")
        );
        assert_eq!(options.config.webhook_secret, "whsec_other");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let error = options(&[("STRIPE_SANDBOX_WEBHOOK_URL", "localhost:3000")])
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("STRIPE_SANDBOX_WEBHOOK_URL")));
        assert!(options(&[("STRIPE_SANDBOX_ADDR", "nowhere")]).is_err());
        assert!(options(&[("STRIPE_SANDBOX_SECRET_KEY", "sk_live_x")]).is_err());
        assert!(options(&[("STRIPE_SANDBOX_WEBHOOK_SECRET", "secret")]).is_err());
    }
}
