//! Payments as pages show them: the Stripe card on the integrations page,
//! a booking's payment and refunds, the host's list of payments, and where
//! an invitee's checkout stands.
use crate::domain::{BookingId, PaymentId};
use serde::{Deserialize, Serialize};

/// The Stripe card on the integrations page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StripeCardDto {
    /// Why this user may not connect or disconnect, if so.
    pub refusal: Option<String>,
    /// `Test mode, key ending …dbox`, while connected.
    pub account: Option<String>,
    pub connected_at: Option<String>,
    /// Where Stripe must send events: the endpoint to add in Stripe.
    pub webhook_url: String,
}

/// The owner's Stripe keys, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StripeKeysForm {
    pub secret_key: String,
    pub webhook_secret: String,
}

/// One refund of a payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundDto {
    /// `$49.90`.
    pub amount: String,
    /// `requested`, `pending`, `succeeded` or `failed`.
    pub status: String,
    /// What the status means for the invitee's money, in a sentence.
    pub status_label: String,
    /// `Host cancelled` or `Invitee cancelled`.
    pub reason: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub stripe_refund_id: Option<String>,
    /// In the viewer's zone.
    pub requested_at: String,
}

/// A booking's payment, for its host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentDto {
    pub id: PaymentId,
    pub booking_id: BookingId,
    /// `$49.90`.
    pub amount: String,
    /// `open`, `paid`, `partially_refunded` or `refunded`.
    pub status: String,
    /// `Awaiting payment`, `Paid`, `Refunded`, `Refund failed`…
    pub status_label: String,
    /// `Visa •••• 4242`, or the method's type.
    pub method: Option<String>,
    pub payment_intent_id: Option<String>,
    pub charge_id: Option<String>,
    /// In the viewer's zone; none while unpaid.
    pub paid_at: Option<String>,
    pub refunded: Option<String>,
    pub refunds: Vec<RefundDto>,
}

/// A booking's page for its host: the booking and, when paid, its payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingWithPayment {
    pub booking: super::BookingDto,
    pub payment: Option<PaymentDto>,
}

/// One row of the host's Payments list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub payment: PaymentDto,
    pub invitee_name: String,
    pub invitee_email: String,
    pub event_type_name: String,
    /// The booking's start, in the viewer's zone.
    pub booking_start: String,
}

/// Where an invitee's checkout stands, for the page Stripe sends them back to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CheckoutState {
    /// Paid at Stripe, or not yet: Slotline waits for Stripe's word.
    Waiting {
        amount: String,
        event_type_name: String,
        start: String,
    },
    /// Confirmed: the invitee's manage page, with its secret.
    Confirmed { manage_url: String },
    /// The invitee left Stripe's page or the hold ran out: the time is free again.
    Released { booking_page: String },
}
