//! How one sandbox instance is set up: the app's credentials, the portal, token lifetime, the
//! HubSpot behaviours (search lag, rate limits, chaos, batch errors) a test can switch on, and where
//! app webhooks go.

use std::fmt;
use std::time::Duration;

use crate::faults::Chaos;
use crate::webhooks::DEFAULT_WEBHOOK_PROPERTIES;

/// The app id introspection reports (HubSpot gives every public app one).
pub const SANDBOX_APP_ID: u64 = 1_234_567;
/// The id of the HubSpot user who "granted" access, as introspection reports it.
pub const SANDBOX_USER_ID: u64 = 7_654_321;

/// Settings of one sandbox instance. Build with `SandboxConfig { field, ..Default::default() }`.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The only client id the authorize page and the token endpoints accept.
    pub client_id: String,
    /// The client secret the token endpoints require alongside [`Self::client_id`].
    pub client_secret: String,
    /// The one portal (HubSpot account) of this sandbox; introspection reports it as `hub_id`.
    pub hub_id: u64,
    /// Lifetime of access tokens; the token response's `expires_in` is this in seconds.
    pub access_token_ttl: Duration,
    /// Whether the token response carries `hub_id`, `scopes` and `user_id` (HubSpot may omit them,
    /// so the default is `false` and clients must introspect).
    pub token_response_has_hub_id: bool,
    /// Whether each refresh issues a new refresh token and retires the one it used, as HubSpot may;
    /// a retired refresh token then gets `invalid_grant`.
    pub rotate_refresh_tokens: bool,
    /// Objects written less than this long ago are not yet visible to search.
    pub search_lag: Duration,
    /// At most this many authenticated non-search `/crm` calls per rolling window, or none.
    pub rate_limit: Option<(u32, Duration)>,
    /// At most this many searches per rolling window, or none (HubSpot: 5 per second per portal).
    pub search_rate_limit: Option<(u32, Duration)>,
    /// Contact property names to accept besides the built-in list (custom properties).
    pub extra_contact_properties: Vec<String>,
    /// Random failures from the start; see [`Chaos`].
    pub chaos: Option<Chaos>,
    /// How contacts batch upsert answers a batch with bad inputs; see [`BatchErrors`].
    pub batch_errors: BatchErrors,
    /// The app's webhook target URL; `None` (the default) raises and sends no webhook events.
    pub webhook_target: Option<String>,
    /// The webhook signing secret; `None` signs with [`Self::client_secret`], as HubSpot does.
    pub webhook_secret: Option<String>,
    /// Contact properties with a `contact.propertyChange` subscription (default:
    /// [`DEFAULT_WEBHOOK_PROPERTIES`](crate::DEFAULT_WEBHOOK_PROPERTIES)).
    pub webhook_properties: Vec<String>,
}

/// How `POST …/contacts/batch/upsert` answers a batch in which some inputs are bad. HUBSPOT.md
/// leaves it unverified whether HubSpot fails the whole batch or answers `207`, so the sandbox can
/// do either and a client must handle both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BatchErrors {
    /// `400 VALIDATION_ERROR` for the whole batch; nothing is written.
    #[default]
    Whole400,
    /// `207`: the good inputs are written and returned in `results`, each bad one is described in
    /// `errors` (`numErrors` counts them).
    MultiStatus207,
}

impl BatchErrors {
    /// Reads `"400"` or `"207"`, the spelling of the control endpoint and the environment.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "400" => Some(Self::Whole400),
            "207" => Some(Self::MultiStatus207),
            _ => None,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Whole400 => "400",
            Self::MultiStatus207 => "207",
        }
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            client_id: "slotline-sandbox-client".to_owned(),
            client_secret: "slotline-sandbox-secret".to_owned(),
            hub_id: 4_242_424,
            access_token_ttl: Duration::from_secs(1800),
            token_response_has_hub_id: false,
            rotate_refresh_tokens: false,
            search_lag: Duration::ZERO,
            rate_limit: None,
            search_rate_limit: None,
            extra_contact_properties: Vec::new(),
            chaos: None,
            batch_errors: BatchErrors::default(),
            webhook_target: None,
            webhook_secret: None,
            webhook_properties: DEFAULT_WEBHOOK_PROPERTIES.map(str::to_owned).to_vec(),
        }
    }
}

// Hand-written so the client secret stays out of logs and test output.
impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("hub_id", &self.hub_id)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("token_response_has_hub_id", &self.token_response_has_hub_id)
            .field("rotate_refresh_tokens", &self.rotate_refresh_tokens)
            .field("search_lag", &self.search_lag)
            .field("rate_limit", &self.rate_limit)
            .field("search_rate_limit", &self.search_rate_limit)
            .field("extra_contact_properties", &self.extra_contact_properties)
            .field("chaos", &self.chaos)
            .field("batch_errors", &self.batch_errors)
            .field("webhook_target", &self.webhook_target)
            .field("webhook_secret", &self.webhook_secret.as_ref().map(|_| "[redacted]"))
            .field("webhook_properties", &self.webhook_properties)
            .finish()
    }
}

impl SandboxConfig {
    /// The portal's domain as introspection reports it.
    pub fn hub_domain(&self) -> String {
        format!("sandbox-{}.hubspot.test", self.hub_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_client_secret() {
        let config = SandboxConfig {
            webhook_secret: Some("webhook-secret".to_owned()),
            ..SandboxConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("slotline-sandbox-secret") && !shown.contains("webhook-secret"));
        assert!(shown.contains("slotline-sandbox-client"));
    }

    #[test]
    fn batch_error_modes_read_their_status_codes() {
        assert_eq!(BatchErrors::parse("207"), Some(BatchErrors::MultiStatus207));
        assert_eq!(BatchErrors::parse("400").map(BatchErrors::label), Some("400"));
        assert_eq!(BatchErrors::parse("partial"), None);
    }
}
