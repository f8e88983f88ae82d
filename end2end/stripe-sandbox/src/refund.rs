//! The Refund object and its JSON.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundStatus {
    Succeeded,
    /// Settles later through [`crate::Sandbox::settle_refund`] (`refund.updated`).
    Pending,
    Failed,
}

impl RefundStatus {
    /// Stripe's spelling: `succeeded`, `pending`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Pending => "pending",
            Self::Failed => "failed",
        }
    }

    /// Whether the refund takes money back from the charge (failed ones give it back).
    pub(crate) fn counts(self) -> bool {
        !matches!(self, Self::Failed)
    }
}

/// A refund (a copy; see [`crate::Sandbox::refunds`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// `re_…`.
    pub id: String,
    /// Minor units.
    pub amount: i64,
    /// The charge's currency.
    pub currency: String,
    /// `pi_…`.
    pub payment_intent: String,
    /// `ch_…`.
    pub charge: String,
    /// Succeeded, pending or failed.
    pub status: RefundStatus,
    /// `metadata[…]`.
    pub metadata: BTreeMap<String, String>,
    /// `duplicate`, `fraudulent` or `requested_by_customer`, if given.
    pub reason: Option<String>,
    /// Unix seconds (sandbox clock).
    pub created: i64,
}

impl Refund {
    pub(crate) fn to_json(&self) -> Value {
        let failure_reason = (self.status == RefundStatus::Failed).then_some("unknown");
        json!({
            "id": self.id,
            "object": "refund",
            "amount": self.amount,
            "charge": self.charge,
            "created": self.created,
            "currency": self.currency,
            "failure_reason": failure_reason,
            "metadata": self.metadata,
            "payment_intent": self.payment_intent,
            "reason": self.reason,
            "status": self.status.as_str(),
        })
    }
}
