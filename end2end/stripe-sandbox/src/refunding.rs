//! Refunding a payment: checks against what is left on the charge, the refund faults tests inject,
//! the charge's `amount_refunded`, the events, and settling a pending refund later.

use std::collections::BTreeMap;

use serde_json::json;

use crate::errors::ApiError;
use crate::events::Cause;
use crate::faults::Fault;
use crate::ids;
use crate::money;
use crate::refund::{Refund, RefundStatus};
use crate::state::State;

/// The parameters of `POST /v1/refunds`.
pub(crate) struct RefundRequest {
    pub(crate) payment_intent: Option<String>,
    pub(crate) charge: Option<String>,
    pub(crate) amount: Option<i64>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) reason: Option<String>,
}

/// Why a refund could not be settled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettleError {
    #[error("no such refund")]
    NoSuchRefund,
    #[error("the refund is not pending")]
    NotPending,
}

impl State {
    /// Creates a refund, or refuses it as Stripe would.
    pub(crate) fn create_refund(&mut self, request: RefundRequest, cause: &Cause) -> Result<Refund, ApiError> {
        let charge_index = self.charge_to_refund(&request)?;
        let charge = &self.charges[charge_index];
        let remaining = charge.amount - charge.amount_refunded;
        if remaining <= 0 {
            return Err(ApiError::charge_already_refunded(&charge.id));
        }
        let amount = request.amount.unwrap_or(remaining);
        if amount <= 0 {
            return Err(ApiError::invalid_param(
                "amount",
                format!("Invalid positive integer: {amount}"),
            ));
        }
        if amount > remaining {
            return Err(ApiError::invalid_param(
                "amount",
                format!(
                    "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                    money::format(amount, &charge.currency),
                    money::format(remaining, &charge.currency)
                ),
            ));
        }
        let status = match self.faults.next_refund() {
            Some(Fault::RefundServerError) => return Err(ApiError::server_error()),
            Some(Fault::RefundFailed) => RefundStatus::Failed,
            Some(Fault::RefundPending) => RefundStatus::Pending,
            _ => RefundStatus::Succeeded,
        };
        let now = self.unix_now();
        let charge = &mut self.charges[charge_index];
        let refund = Refund {
            id: ids::new_id(ids::REFUND),
            amount,
            currency: charge.currency.clone(),
            payment_intent: charge.payment_intent.clone(),
            charge: charge.id.clone(),
            status,
            metadata: request.metadata,
            reason: request.reason,
            created: now,
        };
        if status.counts() {
            charge.amount_refunded += amount;
        }
        let charge_json = charge.to_json();
        self.refunds.push(refund.clone());
        self.events.raise("refund.created", refund.to_json(), None, cause, now);
        if status.counts() {
            self.events.raise("charge.refunded", charge_json, None, cause, now);
        } else {
            self.events.raise("refund.failed", refund.to_json(), None, cause, now);
        }
        Ok(refund)
    }

    /// The charge a refund request names, by PaymentIntent or by charge.
    fn charge_to_refund(&self, request: &RefundRequest) -> Result<usize, ApiError> {
        let by_intent = match &request.payment_intent {
            Some(id) => {
                let intent = self
                    .payment_intent(id)
                    .ok_or_else(|| ApiError::no_such("payment_intent", id, "payment_intent"))?;
                Some(intent.latest_charge.clone())
            }
            None => None,
        };
        let charge_id = match (by_intent, &request.charge) {
            (Some(from_intent), Some(charge)) if &from_intent != charge => {
                return Err(ApiError::invalid(format!(
                    "The charge {charge} does not belong to the PaymentIntent given."
                )));
            }
            (Some(id), _) => id,
            (None, Some(charge)) => charge.clone(),
            (None, None) => return Err(ApiError::missing("payment_intent")),
        };
        self.charges
            .iter()
            .position(|charge| charge.id == charge_id)
            .ok_or_else(|| ApiError::no_such("charge", &charge_id, "charge"))
    }

    /// A pending refund succeeds or fails (`refund.updated`; a failure also `refund.failed` and
    /// gives the amount back to the charge).
    pub(crate) fn settle_refund(&mut self, id: &str, succeeded: bool) -> Result<Refund, SettleError> {
        let refund = self
            .refunds
            .iter_mut()
            .find(|refund| refund.id == id)
            .ok_or(SettleError::NoSuchRefund)?;
        if refund.status != RefundStatus::Pending {
            return Err(SettleError::NotPending);
        }
        refund.status = if succeeded {
            RefundStatus::Succeeded
        } else {
            RefundStatus::Failed
        };
        let refund = refund.clone();
        let now = self.unix_now();
        if !succeeded && let Some(charge) = self.charges.iter_mut().find(|charge| charge.id == refund.charge) {
            charge.amount_refunded -= refund.amount;
        }
        let previous = json!({"status": RefundStatus::Pending.as_str()});
        let cause = Cause::default();
        self.events
            .raise("refund.updated", refund.to_json(), Some(previous), &cause, now);
        if !succeeded {
            self.events.raise("refund.failed", refund.to_json(), None, &cause, now);
        }
        Ok(refund)
    }
}
