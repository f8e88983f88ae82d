//! The Checkout Session object: what it holds, its life (open → complete or expired) and its JSON.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Where a Checkout Session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// Waiting for the customer; the hosted page takes payment.
    Open,
    /// Paid.
    Complete,
    /// Expired by the clock or by `POST …/expire`; can no longer be paid.
    Expired,
}

impl SessionStatus {
    /// Stripe's spelling: `open`, `complete`, `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Complete => "complete",
            Self::Expired => "expired",
        }
    }
}

/// One line of what the customer buys (`line_items[N]` with `price_data`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// `price_data[product_data][name]`.
    pub name: String,
    /// `price_data[unit_amount]`, in minor units.
    pub unit_amount: i64,
    /// `quantity`.
    pub quantity: i64,
}

/// A Checkout Session as the sandbox holds it (a copy; see [`crate::Sandbox::sessions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    /// `cs_test_…`.
    pub id: String,
    /// Open, complete or expired.
    pub status: SessionStatus,
    /// `true` once paid (`payment_status: "paid"`).
    pub paid: bool,
    /// What is bought, in `line_items[N]` order.
    pub line_items: Vec<LineItem>,
    /// The sum of the line items, in minor units.
    pub amount_total: i64,
    /// Lower-case ISO code.
    pub currency: String,
    /// As given, `{CHECKOUT_SESSION_ID}` included.
    pub success_url: String,
    /// Where "Cancel" goes; without one the page has no "Cancel".
    pub cancel_url: Option<String>,
    /// The app's own reference (Slotline: the booking).
    pub client_reference_id: Option<String>,
    /// Prefilled email, copied to the charge's `billing_details.email`.
    pub customer_email: Option<String>,
    /// `metadata[…]`.
    pub metadata: BTreeMap<String, String>,
    /// `payment_intent_data[metadata]`: copied to the PaymentIntent when paid.
    pub payment_intent_metadata: BTreeMap<String, String>,
    /// `pi_…`, set when paid.
    pub payment_intent: Option<String>,
    /// Unix seconds (sandbox clock).
    pub created: i64,
    /// Unix seconds (sandbox clock).
    pub expires_at: i64,
    /// The hosted page, `{origin}/checkout/{id}`; Stripe answers `url: null` once not open.
    pub hosted_url: String,
}

impl CheckoutSession {
    /// Where the hosted page sends the customer after paying: `success_url` with
    /// `{CHECKOUT_SESSION_ID}` replaced by the id.
    pub fn success_redirect(&self) -> String {
        self.success_url.replace("{CHECKOUT_SESSION_ID}", &self.id)
    }

    /// The first line item's product name, or all names joined.
    pub(crate) fn product_names(&self) -> String {
        let names: Vec<&str> = self.line_items.iter().map(|item| item.name.as_str()).collect();
        names.join(", ")
    }

    /// The session's JSON, with `payment_intent` as an id (expansion is the endpoint's job).
    pub(crate) fn to_json(&self) -> Value {
        let open = self.status == SessionStatus::Open;
        let customer_details = match (&self.customer_email, self.paid) {
            (Some(email), true) => json!({"email": email, "name": null}),
            (None, true) => json!({"email": null, "name": null}),
            (_, false) => Value::Null,
        };
        json!({
            "id": self.id,
            "object": "checkout.session",
            "amount_subtotal": self.amount_total,
            "amount_total": self.amount_total,
            "cancel_url": self.cancel_url,
            "client_reference_id": self.client_reference_id,
            "created": self.created,
            "currency": self.currency,
            "customer_details": customer_details,
            "customer_email": self.customer_email,
            "expires_at": self.expires_at,
            "livemode": false,
            "metadata": self.metadata,
            "mode": "payment",
            "payment_intent": self.payment_intent,
            "payment_method_types": ["card"],
            "payment_status": if self.paid { "paid" } else { "unpaid" },
            "status": self.status.as_str(),
            "success_url": self.success_url,
            "url": if open { Some(&self.hosted_url) } else { None },
        })
    }
}
