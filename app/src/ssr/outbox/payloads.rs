//! What webhooks and Zapier receive: the versioned envelope and the `data`
//! of each event key (CONTRACTS §3), built from the domain's rows.
use crate::domain::webhooks::EventKey;
use crate::ssr::entities::{booking, contact, event_type, payment, user};
use crate::ssr::time_fmt::iso;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The envelope's `apiVersion`: bumped only when a payload changes
/// incompatibly.
pub const API_VERSION: &str = "2025-02-09";

/// Every delivery's body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<'a, T: Serialize> {
    pub api_version: &'static str,
    pub event: EventKey,
    pub timestamp: String,
    pub data: &'a T,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeRef {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// Minutes.
    pub duration: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InviteeRef {
    pub name: String,
    pub email: String,
    /// IANA zone the invitee booked in.
    pub timezone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HostRef {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// `data` of the booking events. `cancelReason` is present on
/// `booking.cancelled` only, `previousStartTime` and `previousEndTime` on
/// `booking.rescheduled` only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingData {
    pub id: String,
    pub event_type: EventTypeRef,
    pub start_time: String,
    pub end_time: String,
    /// `confirmed` or `cancelled`.
    pub status: String,
    pub invitee: InviteeRef,
    pub host: HostRef,
    pub meeting_link: Option<String>,
    pub location: Option<String>,
    pub notes: Option<String>,
    pub is_recurring: bool,
    pub recurring_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub cancel_reason: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_end_time: Option<String>,
}

/// A key that is there, even as `null`, is `Some`; serde alone reads a
/// `null` as an absent key.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// `data` of `contact.created`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactData {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    /// `booking`, `manual` or `payment`.
    pub source: String,
}

/// `data` of `payment.received`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentData {
    pub id: String,
    pub booking_id: String,
    /// In the currency's minor unit.
    pub amount: i64,
    /// Lowercase ISO 4217.
    pub currency: String,
    pub payment_method: Option<String>,
    pub transaction_id: Option<String>,
}

/// A location that is a web address is also the meeting link.
pub fn meeting_link(location: Option<&str>) -> Option<String> {
    location
        .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
        .map(str::to_owned)
}

pub fn booking_data(b: &booking::Model, host: &user::Model, event: &event_type::Model, key: EventKey) -> BookingData {
    BookingData {
        id: b.id.to_string(),
        event_type: EventTypeRef {
            id: event.id.to_string(),
            name: event.name.clone(),
            slug: event.slug.clone(),
            duration: event.duration_min,
        },
        start_time: iso(b.start_at),
        end_time: iso(b.end_at),
        status: b.status.as_str().to_owned(),
        invitee: InviteeRef {
            name: b.invitee_name.clone(),
            email: b.invitee_email.clone(),
            timezone: b.invitee_time_zone.name().to_owned(),
        },
        host: HostRef {
            id: host.id.to_string(),
            name: host.name.clone(),
            email: host.email.clone(),
        },
        meeting_link: meeting_link(event.location.as_deref()),
        location: event.location.clone(),
        notes: b.notes.clone(),
        is_recurring: false,
        recurring_group_id: None,
        cancel_reason: (key == EventKey::BookingCancelled).then(|| b.cancel_reason.clone()),
        previous_start_time: (key == EventKey::BookingRescheduled)
            .then(|| b.previous_start_at.map(iso))
            .flatten(),
        previous_end_time: (key == EventKey::BookingRescheduled)
            .then(|| b.previous_end_at.map(iso))
            .flatten(),
    }
}

pub fn contact_data(c: &contact::Model) -> ContactData {
    ContactData {
        id: c.id.to_string(),
        name: c.name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        company: c.company.clone(),
        notes: c.notes.clone(),
        created_at: iso(c.created_at),
        source: c.source.clone(),
    }
}

/// `transactionId` is Stripe's payment intent, what Stripe's dashboard
/// finds a payment by.
pub fn payment_data(p: &payment::Model) -> PaymentData {
    PaymentData {
        id: p.id.to_string(),
        booking_id: p.booking_id.to_string(),
        amount: p.amount,
        currency: p.currency.clone(),
        payment_method: p.method.clone(),
        transaction_id: p.payment_intent_id.clone(),
    }
}

/// The envelope every delivery of an event sends, serialised once.
pub fn envelope_json<T: Serialize>(key: EventKey, at: DateTime<Utc>, data: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(&Envelope {
        api_version: API_VERSION,
        event: key,
        timestamp: iso(at),
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_keeps_the_contract_order_and_format() {
        let at = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let data = serde_json::json!({"id": "tz4a98xxat96iws9zmbrgj3a"});
        assert_eq!(
            envelope_json(EventKey::BookingCreated, at, &data).unwrap(),
            r#"{"apiVersion":"2025-02-09","event":"booking.created","timestamp":"2026-01-01T00:00:00.000Z","data":{"id":"tz4a98xxat96iws9zmbrgj3a"}}"#
        );
    }

    #[test]
    fn a_null_cancel_reason_survives_a_round_trip() {
        let json = serde_json::json!({
            "id": "b", "eventType": {"id": "e", "name": "Intro", "slug": "intro", "duration": 30},
            "startTime": "2026-01-01T00:00:00.000Z", "endTime": "2026-01-01T00:30:00.000Z",
            "status": "cancelled", "invitee": {"name": "A", "email": "a@example.com", "timezone": "UTC"},
            "host": {"id": "h", "name": "H", "email": "h@example.com"}, "meetingLink": null, "location": null,
            "notes": null, "isRecurring": false, "recurringGroupId": null, "cancelReason": null
        });
        let data: BookingData = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(data.cancel_reason, Some(None));
        assert_eq!(serde_json::to_value(&data).unwrap(), json);
    }

    #[test]
    fn only_web_addresses_are_meeting_links() {
        assert_eq!(
            meeting_link(Some("https://meet.example.com/x")).as_deref(),
            Some("https://meet.example.com/x")
        );
        assert_eq!(meeting_link(Some("Room 4")), None);
        assert_eq!(meeting_link(None), None);
    }
}
