//! How one sandbox instance is set up: the secret key it accepts, where its hosted pages live and
//! where (and with which secret) it sends webhooks.

use std::fmt;

/// The secret key a sandbox accepts unless configured otherwise.
pub const DEFAULT_SECRET_KEY: &str = "sk_test_slotline_sandbox";
/// The webhook signing secret a sandbox uses unless configured otherwise.
pub const DEFAULT_WEBHOOK_SECRET: &str = "whsec_slotline_sandbox";

/// Settings of one sandbox instance. Build with `SandboxConfig { field, ..Default::default() }`.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The only key `Authorization: Bearer …` may carry (default [`DEFAULT_SECRET_KEY`]).
    pub secret_key: String,
    /// The origin of hosted checkout pages in session `url`s, e.g. `http://127.0.0.1:3910`;
    /// `None` takes it from the `Host` of the request that creates the session.
    pub public_url: Option<String>,
    /// Where events are POSTed; `None` (the default) keeps them for inspection only.
    pub webhook_url: Option<String>,
    /// The endpoint's signing secret (default [`DEFAULT_WEBHOOK_SECRET`]).
    pub webhook_secret: String,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            public_url: None,
            webhook_url: None,
            webhook_secret: DEFAULT_WEBHOOK_SECRET.to_owned(),
        }
    }
}

// Hand-written so the secrets stay out of logs and test output.
impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("secret_key", &"[redacted]")
            .field("public_url", &self.public_url)
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secrets() {
        let shown = format!("{:?}", SandboxConfig::default());
        assert!(!shown.contains(DEFAULT_SECRET_KEY) && !shown.contains(DEFAULT_WEBHOOK_SECRET));
    }
}
