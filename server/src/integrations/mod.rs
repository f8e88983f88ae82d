//! Outside services Slotline works with: HubSpot, which bookings and
//! contacts are synced to, and Stripe, which takes payments.
pub mod hubspot;
pub mod stripe;
