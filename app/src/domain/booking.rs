//! A booking's lifecycle: its status, and whether it can still change.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::entity::prelude::StringLen;

/// How long a paid booking holds its slot while the invitee pays.
pub const PAYMENT_HOLD_MINUTES: i64 = 15;

/// Stored as its name in `bookings.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "confirmed"))]
    Confirmed,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "cancelled"))]
    Cancelled,
    /// Holding its slot while the invitee pays; confirmed only by Stripe.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "pending_payment"))]
    PendingPayment,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::PendingPayment => "pending_payment",
        }
    }

    /// How the host's pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::PendingPayment => "awaiting payment",
        }
    }

    /// Whether a booking in this state that ends at `end` can still be
    /// rescheduled or cancelled at `now`: confirmed, and not yet over.
    pub fn allows_change(self, end: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self == Self::Confirmed && end > now
    }

    /// Whether the booking keeps its slot from everyone else.
    pub fn takes_slot(self) -> bool {
        matches!(self, Self::Confirmed | Self::PendingPayment)
    }
}

/// Where a booking was made; stored as its name in `bookings.source`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))"))]
#[serde(rename_all = "snake_case")]
pub enum BookingSource {
    /// The public booking page.
    #[default]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "page"))]
    Page,
    /// REST API v1, with an API key.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "api"))]
    Api,
    /// The MCP server, with an API key.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "mcp"))]
    Mcp,
}

impl BookingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Api => "api",
            Self::Mcp => "mcp",
        }
    }

    /// How the host's booking page says where it came from.
    pub fn label(self) -> &'static str {
        match self {
            Self::Page => "Booking page",
            Self::Api => "REST API",
            Self::Mcp => "AI agent (MCP)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn only_a_confirmed_booking_that_is_not_over_can_change() {
        let now = Utc::now();
        let later = now + Duration::minutes(30);
        assert!(BookingStatus::Confirmed.allows_change(later, now));
        assert!(!BookingStatus::Confirmed.allows_change(now, now), "over as it ends");
        assert!(!BookingStatus::Confirmed.allows_change(now - Duration::minutes(1), now));
        assert!(!BookingStatus::Cancelled.allows_change(later, now));
        assert!(!BookingStatus::PendingPayment.allows_change(later, now), "unpaid");
    }

    #[test]
    fn a_held_slot_is_as_taken_as_a_confirmed_one() {
        assert!(BookingStatus::Confirmed.takes_slot());
        assert!(BookingStatus::PendingPayment.takes_slot());
        assert!(!BookingStatus::Cancelled.takes_slot());
    }

    #[test]
    fn statuses_travel_as_their_names() {
        for status in [
            BookingStatus::Confirmed,
            BookingStatus::Cancelled,
            BookingStatus::PendingPayment,
        ] {
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.as_str())
            );
        }
    }
}
