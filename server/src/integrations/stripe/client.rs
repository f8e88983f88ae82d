//! The Stripe calls paid bookings make, form-encoded with bracket keys as
//! Stripe reads them, each POST with an idempotency key derived from
//! Slotline's own ids, so that a retry never charges or refunds twice.
use super::API_VERSION;
use app::ssr::services::payments::{CheckoutRequest, GatewayError, OpenedCheckout, PaymentGateway};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// No Stripe call Slotline makes takes longer than this when Stripe is well.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    #[error("Stripe refused the secret key")]
    Unauthorized,
    /// Stripe refused the request itself (400, 402, 404): the same request
    /// would be refused again.
    #[error("Stripe refused the request ({status}, {code}): {message}")]
    Refused { status: u16, code: String, message: String },
    /// Rate limited, a concurrent request with the same key (409), or
    /// Stripe failing: retry, with the same idempotency key.
    #[error("Stripe is busy or failing ({status}): {message}")]
    Unavailable { status: u16, message: String },
    #[error("Stripe could not be reached: {0}")]
    Network(String),
}

impl StripeError {
    /// A later retry with the same idempotency key may succeed.
    pub fn retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. } | Self::Network(_))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: Option<String>,
    /// `open`, `complete` or `expired`.
    pub status: String,
    /// `paid` or `unpaid`.
    pub payment_status: String,
    pub payment_intent: Option<String>,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub latest_charge: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Card {
    pub brand: Option<String>,
    pub last4: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PaymentMethodDetails {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub card: Option<Card>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Charge {
    pub id: String,
    /// What has been refunded of it so far, in minor units.
    #[serde(default)]
    pub amount_refunded: i64,
    #[serde(default)]
    pub payment_method_details: Option<PaymentMethodDetails>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: String,
    /// `succeeded`, `pending`, `failed`, `requires_action` or `canceled`.
    pub status: String,
    pub amount: i64,
    pub failure_reason: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// Stripe's API at one base address (`SLOTLINE_STRIPE_API_BASE`); each
/// call takes the team's secret key.
#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    base: String,
}

impl StripeClient {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(TIMEOUT)
                .user_agent(concat!("Slotline/", env!("CARGO_PKG_VERSION")))
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    async fn send<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder, key: &str) -> Result<T, StripeError> {
        let response = request
            .bearer_auth(key)
            .header("Stripe-Version", API_VERSION)
            .send()
            .await
            .map_err(|e| StripeError::Network(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|e| StripeError::Network(e.without_url().to_string()))?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&body).map_err(|e| StripeError::Unavailable {
                status,
                message: format!("an answer Slotline cannot read: {e}"),
            });
        }
        let detail = serde_json::from_str::<ErrorBody>(&body).ok().map(|b| b.error);
        let message = detail
            .as_ref()
            .and_then(|d| d.message.clone())
            .unwrap_or_else(|| format!("HTTP {status}"));
        let code = detail
            .as_ref()
            .and_then(|d| d.code.clone().or_else(|| d.kind.clone()))
            .unwrap_or_default();
        Err(match status {
            401 => StripeError::Unauthorized,
            409 | 429 | 500.. => StripeError::Unavailable { status, message },
            _ => StripeError::Refused { status, code, message },
        })
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.base))
    }

    fn post(&self, path: &str, idempotency_key: &str, form: &[(String, String)]) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("Idempotency-Key", idempotency_key)
            .form(form)
    }

    pub async fn create_checkout(&self, key: &str, request: &CheckoutRequest) -> Result<CheckoutSession, StripeError> {
        let form: Vec<(String, String)> = [
            ("mode", "payment".to_owned()),
            ("line_items[0][quantity]", "1".to_owned()),
            (
                "line_items[0][price_data][currency]",
                request.price.currency.code().to_owned(),
            ),
            (
                "line_items[0][price_data][unit_amount]",
                request.price.amount.to_string(),
            ),
            (
                "line_items[0][price_data][product_data][name]",
                request.product_name.clone(),
            ),
            ("success_url", request.success_url.clone()),
            ("cancel_url", request.cancel_url.clone()),
            ("client_reference_id", request.booking_id.clone()),
            ("customer_email", request.customer_email.clone()),
            ("expires_at", request.expires_at.timestamp().to_string()),
            ("metadata[booking_id]", request.booking_id.clone()),
            ("metadata[payment_id]", request.payment_id.clone()),
            ("payment_intent_data[metadata][booking_id]", request.booking_id.clone()),
            ("payment_intent_data[metadata][payment_id]", request.payment_id.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        self.send(self.post("/v1/checkout/sessions", &request.idempotency_key, &form), key)
            .await
    }

    /// Ends an open session early; Stripe refuses (400) once it is paid or
    /// expired. Expiring twice is harmless, so each `attempt` has a key of
    /// its own: Stripe would replay a saved 500 for a reused key.
    pub async fn expire_checkout(
        &self,
        key: &str,
        session_id: &str,
        attempt: i32,
    ) -> Result<CheckoutSession, StripeError> {
        let path = format!("/v1/checkout/sessions/{session_id}/expire");
        self.send(self.post(&path, &format!("expire-{session_id}-{attempt}"), &[]), key)
            .await
    }

    pub async fn checkout_session(&self, key: &str, session_id: &str) -> Result<CheckoutSession, StripeError> {
        self.send(self.get(&format!("/v1/checkout/sessions/{session_id}")), key)
            .await
    }

    pub async fn payment_intent(&self, key: &str, id: &str) -> Result<PaymentIntent, StripeError> {
        self.send(self.get(&format!("/v1/payment_intents/{id}")), key).await
    }

    pub async fn charge(&self, key: &str, id: &str) -> Result<Charge, StripeError> {
        self.send(self.get(&format!("/v1/charges/{id}")), key).await
    }

    /// Refunds `amount` of `payment_intent` under `idempotency_key`.
    pub async fn refund(
        &self,
        key: &str,
        idempotency_key: &str,
        payment_intent: &str,
        amount: i64,
    ) -> Result<Refund, StripeError> {
        let form = vec![
            ("payment_intent".to_owned(), payment_intent.to_owned()),
            ("amount".to_owned(), amount.to_string()),
            ("metadata[refund_id]".to_owned(), idempotency_key.to_owned()),
        ];
        self.send(self.post("/v1/refunds", idempotency_key, &form), key).await
    }
}

#[async_trait::async_trait]
impl PaymentGateway for StripeClient {
    /// Reads a session that cannot exist: 404 says Stripe took the key.
    async fn check_key(&self, secret_key: &str) -> Result<(), GatewayError> {
        match self.checkout_session(secret_key, "cs_slotline_key_check").await {
            Ok(_) | Err(StripeError::Refused { status: 404, .. }) => Ok(()),
            Err(StripeError::Unauthorized) => Err(GatewayError::Unauthorized),
            Err(StripeError::Refused { status, message, .. }) => Err(GatewayError::Rejected { status, message }),
            Err(other) => Err(GatewayError::Unavailable(other.to_string())),
        }
    }

    async fn open_checkout(&self, secret_key: &str, request: &CheckoutRequest) -> Result<OpenedCheckout, GatewayError> {
        let session = self
            .create_checkout(secret_key, request)
            .await
            .map_err(|error| match error {
                StripeError::Unauthorized => GatewayError::Unauthorized,
                StripeError::Refused { status, message, .. } => GatewayError::Rejected { status, message },
                other => GatewayError::Unavailable(other.to_string()),
            })?;
        let url = session
            .url
            .ok_or_else(|| GatewayError::Unavailable("Stripe opened a session without a page".to_owned()))?;
        Ok(OpenedCheckout { id: session.id, url })
    }
}
