//! What happens to a Checkout Session after it is created: the customer pays or cancels on the
//! hosted page, the app expires it, or its `expires_at` passes on the sandbox clock. Paying leaves a
//! PaymentIntent and a Charge; completion and expiry raise their events.

use crate::events::Cause;
use crate::ids;
use crate::payment::{Charge, PaymentIntent};
use crate::session::SessionStatus;
use crate::state::State;

/// Why a session cannot be paid, cancelled or expired.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckoutError {
    #[error("no such checkout session")]
    NoSuchSession,
    #[error("the checkout session has expired")]
    Expired,
    #[error("the checkout session is already paid")]
    AlreadyPaid,
}

impl State {
    /// Expires every open session whose `expires_at` has passed, raising `checkout.session.expired`.
    pub(crate) fn expire_due(&mut self) {
        let now = self.unix_now();
        let mut expired = Vec::new();
        for session in &mut self.sessions {
            if session.status == SessionStatus::Open && session.expires_at <= now {
                session.status = SessionStatus::Expired;
                expired.push(session.to_json());
            }
        }
        for session in expired {
            self.events
                .raise("checkout.session.expired", session, None, &Cause::default(), now);
        }
    }

    /// The index of an open session, or why it is not open (after expiring what is due).
    fn open_session(&mut self, id: &str) -> Result<usize, CheckoutError> {
        self.expire_due();
        let index = self
            .sessions
            .iter()
            .position(|session| session.id == id)
            .ok_or(CheckoutError::NoSuchSession)?;
        match self.sessions[index].status {
            SessionStatus::Open => Ok(index),
            SessionStatus::Complete => Err(CheckoutError::AlreadyPaid),
            SessionStatus::Expired => Err(CheckoutError::Expired),
        }
    }

    /// The customer pays with the sandbox card: a succeeded PaymentIntent and Charge, the session
    /// complete and paid, `checkout.session.completed` raised. Returns where the page redirects.
    pub(crate) fn pay(&mut self, id: &str) -> Result<String, CheckoutError> {
        let index = self.open_session(id)?;
        let now = self.unix_now();
        let intent_id = ids::new_id(ids::PAYMENT_INTENT);
        let charge_id = ids::new_id(ids::CHARGE);
        let session = &mut self.sessions[index];
        session.status = SessionStatus::Complete;
        session.paid = true;
        session.payment_intent = Some(intent_id.clone());
        let intent = PaymentIntent {
            id: intent_id.clone(),
            amount: session.amount_total,
            currency: session.currency.clone(),
            metadata: session.payment_intent_metadata.clone(),
            latest_charge: charge_id.clone(),
            created: now,
        };
        let charge = Charge {
            id: charge_id,
            amount: session.amount_total,
            amount_refunded: 0,
            currency: session.currency.clone(),
            payment_intent: intent_id,
            email: session.customer_email.clone(),
            created: now,
        };
        let redirect = session.success_redirect();
        let json = session.to_json();
        self.payment_intents.push(intent);
        self.charges.push(charge);
        self.events
            .raise("checkout.session.completed", json, None, &Cause::default(), now);
        Ok(redirect)
    }

    /// The customer leaves the page: the session stays open. Returns its `cancel_url`, if any.
    pub(crate) fn cancel(&mut self, id: &str) -> Result<Option<String>, CheckoutError> {
        let index = self.open_session(id)?;
        Ok(self.sessions[index].cancel_url.clone())
    }

    /// `POST /v1/checkout/sessions/{id}/expire`: an open session expires now.
    pub(crate) fn expire(&mut self, id: &str, cause: &Cause) -> Result<(), CheckoutError> {
        let index = self.open_session(id)?;
        let now = self.unix_now();
        let session = &mut self.sessions[index];
        session.status = SessionStatus::Expired;
        let json = session.to_json();
        self.events.raise("checkout.session.expired", json, None, cause, now);
        Ok(())
    }
}
