//! Outside services Slotline pushes bookings to.
pub mod hubspot;
