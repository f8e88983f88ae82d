//! The PaymentIntent and Charge a paid Checkout Session leaves behind, and their JSON. Every
//! payment in the sandbox is a Visa card ending 4242 that succeeds.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// The card every sandbox payment uses, as `payment_method_details.card` reports it.
pub const CARD_BRAND: &str = "visa";
pub const CARD_LAST4: &str = "4242";

/// A succeeded PaymentIntent (a copy; see [`crate::Sandbox::payment_intents`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// Minor units.
    pub amount: i64,
    /// Lower-case ISO code.
    pub currency: String,
    /// From the session's `payment_intent_data[metadata]`.
    pub metadata: BTreeMap<String, String>,
    /// `ch_…`.
    pub latest_charge: String,
    /// Unix seconds (sandbox clock).
    pub created: i64,
}

impl PaymentIntent {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "payment_intent",
            "amount": self.amount,
            "amount_received": self.amount,
            "capture_method": "automatic",
            "created": self.created,
            "currency": self.currency,
            "customer": null,
            "description": null,
            "latest_charge": self.latest_charge,
            "livemode": false,
            "metadata": self.metadata,
            "payment_method_types": ["card"],
            "status": "succeeded",
        })
    }
}

/// A card charge (a copy; see [`crate::Sandbox::charges`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// `ch_…`.
    pub id: String,
    /// Minor units.
    pub amount: i64,
    /// What succeeded and pending refunds took back.
    pub amount_refunded: i64,
    /// Lower-case ISO code.
    pub currency: String,
    /// `pi_…`.
    pub payment_intent: String,
    /// The session's `customer_email`, as `billing_details.email`.
    pub email: Option<String>,
    /// Unix seconds (sandbox clock).
    pub created: i64,
}

impl Charge {
    /// Fully refunded (Stripe's `refunded: true`).
    pub fn refunded(&self) -> bool {
        self.amount_refunded >= self.amount
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "charge",
            "amount": self.amount,
            "amount_captured": self.amount,
            "amount_refunded": self.amount_refunded,
            "billing_details": {"email": self.email, "name": null},
            "captured": true,
            "created": self.created,
            "currency": self.currency,
            "livemode": false,
            "metadata": {},
            "paid": true,
            "payment_intent": self.payment_intent,
            "payment_method_details": {
                "type": "card",
                "card": {"brand": CARD_BRAND, "last4": CARD_LAST4, "exp_month": 12, "exp_year": 2034,
                         "funding": "credit", "country": "US"},
            },
            "refunded": self.refunded(),
            "status": "succeeded",
        })
    }
}
