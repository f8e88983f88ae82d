//! What happened in the domain, as services publish it: each event borrows
//! the rows its change just wrote, so subscribers read nothing again.
use crate::domain::UserId;
use crate::ssr::entities::{booking, contact, event_type, payment, user};

pub enum DomainEvent<'a> {
    BookingCreated(BookingChange<'a>),
    BookingRescheduled(BookingChange<'a>),
    BookingCancelled(BookingChange<'a>),
    ContactCreated(ContactChange<'a>),
    ContactUpdated(ContactChange<'a>),
    PaymentReceived(PaymentChange<'a>),
}

/// A booking as it is after the change, with its host and event type.
pub struct BookingChange<'a> {
    pub booking: &'a booking::Model,
    pub host: &'a user::Model,
    pub event_type: &'a event_type::Model,
    /// The invitee's manage-link secret, sealed with the server's key, when
    /// the one making the change holds it (a new booking, the invitee).
    pub manage_token_sealed: Option<&'a str>,
}

/// A contact as it is after the change.
pub struct ContactChange<'a> {
    pub contact: &'a contact::Model,
    /// The host whose booking page or form made the change: their webhooks
    /// hear about it.
    pub user_id: &'a UserId,
}

/// A payment Stripe confirmed, with the booking it paid for.
pub struct PaymentChange<'a> {
    pub payment: &'a payment::Model,
    pub booking: &'a booking::Model,
    pub host: &'a user::Model,
    pub event_type: &'a event_type::Model,
}

impl DomainEvent<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Self::BookingCreated(_) => "booking_created",
            Self::BookingRescheduled(_) => "booking_rescheduled",
            Self::BookingCancelled(_) => "booking_cancelled",
            Self::ContactCreated(_) => "contact_created",
            Self::ContactUpdated(_) => "contact_updated",
            Self::PaymentReceived(_) => "payment_received",
        }
    }
}
