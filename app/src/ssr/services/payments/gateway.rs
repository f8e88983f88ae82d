//! What the payment services ask of Stripe while a person waits (checking
//! a key, opening a Checkout Session), as a trait: the server crate's
//! Stripe client implements it, and the services stay free of HTTP.
use crate::domain::Money;
use chrono::{DateTime, Utc};

/// A Checkout Session for one paid booking.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// Stripe replays the first answer for a repeat of the key: the
    /// booking's id, so a retried request opens no second session.
    pub idempotency_key: String,
    pub price: Money,
    /// The line item's name: the event type and its date.
    pub product_name: String,
    pub success_url: String,
    pub cancel_url: String,
    pub customer_email: String,
    pub booking_id: String,
    pub payment_id: String,
    pub expires_at: DateTime<Utc>,
}

/// The session Stripe opened, and where the invitee pays.
#[derive(Debug, Clone)]
pub struct OpenedCheckout {
    pub id: String,
    pub url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The secret key is wrong or revoked.
    #[error("Stripe refused the secret key")]
    Unauthorized,
    /// Stripe refused the request itself; retrying the same cannot help.
    #[error("Stripe refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// Stripe failed, limited the rate or could not be reached: a retry
    /// with the same idempotency key may work.
    #[error("Stripe is not answering: {0}")]
    Unavailable(String),
}

#[async_trait::async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Whether `secret_key` is one Stripe accepts.
    async fn check_key(&self, secret_key: &str) -> Result<(), GatewayError>;

    async fn open_checkout(&self, secret_key: &str, request: &CheckoutRequest) -> Result<OpenedCheckout, GatewayError>;
}
