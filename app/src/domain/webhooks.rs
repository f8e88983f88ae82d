//! What webhooks are told about: the five event keys of the API contract.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventKey {
    #[serde(rename = "booking.created")]
    BookingCreated,
    #[serde(rename = "booking.cancelled")]
    BookingCancelled,
    #[serde(rename = "booking.rescheduled")]
    BookingRescheduled,
    #[serde(rename = "payment.received")]
    PaymentReceived,
    #[serde(rename = "contact.created")]
    ContactCreated,
}

impl EventKey {
    pub const ALL: [EventKey; 5] = [
        Self::BookingCreated,
        Self::BookingCancelled,
        Self::BookingRescheduled,
        Self::PaymentReceived,
        Self::ContactCreated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BookingCreated => "booking.created",
            Self::BookingCancelled => "booking.cancelled",
            Self::BookingRescheduled => "booking.rescheduled",
            Self::PaymentReceived => "payment.received",
            Self::ContactCreated => "contact.created",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|key| key.as_str() == raw.trim())
            .ok_or_else(|| {
                format!(
                    "Unknown event \"{}\": use one of {}.",
                    raw.trim(),
                    Self::ALL.map(Self::as_str).join(", ")
                )
            })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::BookingCreated => "Booking created",
            Self::BookingCancelled => "Booking cancelled",
            Self::BookingRescheduled => "Booking rescheduled",
            Self::PaymentReceived => "Payment received",
            Self::ContactCreated => "Contact created",
        }
    }

    /// Only booking events belong to an event type, so only they can be
    /// filtered by one.
    pub fn is_booking(self) -> bool {
        matches!(
            self,
            Self::BookingCreated | Self::BookingCancelled | Self::BookingRescheduled
        )
    }
}

impl std::fmt::Display for EventKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_from_their_contract_names_only() {
        for key in EventKey::ALL {
            assert_eq!(EventKey::parse(key.as_str()), Ok(key));
            assert_eq!(serde_json::to_string(&key).unwrap(), format!("\"{key}\""));
        }
        let error = EventKey::parse("booking.canceled").unwrap_err();
        assert!(error.contains("booking.cancelled"), "{error}");
    }

    #[test]
    fn only_booking_events_take_an_event_type_filter() {
        let filtered: Vec<_> = EventKey::ALL.into_iter().filter(|k| k.is_booking()).collect();
        assert_eq!(filtered.len(), 3);
        assert!(!EventKey::ContactCreated.is_booking());
    }
}
