//! The metrics the app's services record (the server exports them, see
//! `server::metrics`).
use crate::domain::BookingSource;

pub const BOOKINGS_CREATED: &str = "slotline_bookings_created_total";

/// A booking was confirmed: made for free, or paid for.
pub fn booking_created(source: BookingSource) {
    metrics::counter!(BOOKINGS_CREATED, "source" => source.as_str()).increment(1);
}
