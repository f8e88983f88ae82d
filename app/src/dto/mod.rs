//! What server functions send to the browser. Never an entity model: these
//! carry only what a page shows, already formatted in the viewer's zone.
use crate::domain::questions::{Answer, PhoneField, Question};
use crate::domain::slots::{MinuteRange, WeeklyHours};
use crate::domain::{BookingId, BookingStatus, ContactId, EventTypeId, Money, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod contact_sync;
mod developer;
mod hubspot_mapping;
mod payments;
pub use contact_sync::*;
pub use developer::*;
pub use hubspot_mapping::*;
pub use payments::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub slug: String,
    pub time_zone: String,
    pub team_name: String,
    pub role: String,
    pub plan: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventTypeDto {
    pub id: EventTypeId,
    pub name: String,
    pub slug: String,
    pub duration_min: u32,
    /// Every duration an invitee may choose, ascending; `duration_min` is the default.
    pub durations: Vec<u32>,
    pub description: String,
    pub location: Option<String>,
    pub min_notice_min: u32,
    pub horizon_days: u32,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
    pub active: bool,
    pub phone_field: PhoneField,
    /// Whether bookings of this event type reach the team's HubSpot.
    pub hubspot_sync: bool,
    /// What an invitee pays to book it; none when it is free.
    pub price: Option<Money>,
    /// Invitees who cancel at least this many hours ahead get a full refund.
    pub refund_window_hours: u32,
}

/// The form an event type is created or edited with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventTypeForm {
    pub name: String,
    pub slug: String,
    pub duration: String,
    /// Other durations an invitee may choose, e.g. `15, 60`; blank for none.
    #[serde(default)]
    pub durations: String,
    pub description: String,
    pub location: String,
    pub min_notice: String,
    pub horizon: String,
    pub buffer_before: String,
    pub buffer_after: String,
    /// See [`PhoneField::parse`]; blank means the default.
    #[serde(default)]
    pub phone_field: String,
    /// `on` or `off`; blank leaves it as it is (on for a new event type).
    #[serde(default)]
    pub hubspot_sync: String,
    /// In major units (`49.90`); blank for a free event type.
    #[serde(default)]
    pub price: String,
    /// Lower-case ISO 4217; blank for USD.
    #[serde(default)]
    pub currency: String,
    /// Hours; blank for the default (24).
    #[serde(default)]
    pub refund_window: String,
}

/// The form one booking-form question is added or edited with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionForm {
    pub label: String,
    pub kind: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub required: Option<String>,
    /// Choices, one per line.
    #[serde(default)]
    pub options: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateOverrideDto {
    pub date: String,
    /// `None`: the host is off that day.
    pub hours: Option<Vec<MinuteRange>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailabilityDto {
    pub time_zone: String,
    pub weekly: WeeklyHours,
    pub overrides: Vec<DateOverrideDto>,
    /// Most bookings a day across event types; `None` for no limit.
    #[serde(default)]
    pub max_bookings_per_day: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostPageDto {
    pub host_name: String,
    pub host_slug: String,
    pub event_types: Vec<EventTypeDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// `YYYY-MM-DD` in the invitee's zone.
    pub date: String,
    pub day: u32,
    pub has_slots: bool,
    /// Read out by screen readers, e.g. "Tuesday, 1 December 2026".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotDto {
    /// The start instant, RFC 3339 in UTC: what the booking form submits.
    pub start: String,
    /// The start as the invitee reads it, e.g. "09:30".
    pub label: String,
}

/// Everything the booking page shows for one month in the invitee's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingPageDto {
    pub host_name: String,
    pub host_slug: String,
    pub host_time_zone: String,
    pub event: EventTypeDto,
    /// The event type's own questions, in order.
    pub questions: Vec<Question>,
    pub time_zone: String,
    /// `YYYY-MM`.
    pub month: String,
    pub month_label: String,
    pub prev_month: Option<String>,
    pub next_month: Option<String>,
    /// Blank cells before the first day so that weeks start on Monday.
    pub leading_blanks: u32,
    pub days: Vec<CalendarDay>,
    pub selected_date: Option<String>,
    pub selected_date_label: Option<String>,
    pub slots: Vec<SlotDto>,
    /// Set when the chosen slot is still free: its full description.
    pub selected_slot: Option<String>,
    pub selected_slot_label: Option<String>,
    /// In reschedule mode: the booking's current time in the invitee's zone.
    pub rescheduling_from: Option<String>,
    /// The length the slots are for, in minutes: the invitee's choice among
    /// the event type's durations (or, rescheduling, the booking's own).
    pub duration_min: u32,
}

/// The booking form on `/{host}/{event}`. A field left out reads as blank,
/// so a script that skips one gets that field's error, not a failure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookingForm {
    pub host: String,
    pub event: String,
    pub start: String,
    pub time_zone: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub notes: String,
    /// Answers keyed by question id.
    pub answers: BTreeMap<String, String>,
    /// Minutes, one of the event type's durations; blank for its default.
    pub duration: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingDto {
    pub id: BookingId,
    pub status: BookingStatus,
    /// Whether it can still be rescheduled or cancelled (the domain's rule).
    pub can_change: bool,
    pub event_name: String,
    pub event_slug: String,
    pub duration_min: u32,
    pub host_name: String,
    pub host_slug: String,
    pub invitee_name: String,
    pub invitee_email: String,
    pub invitee_phone: Option<String>,
    pub invitee_time_zone: String,
    pub host_time_zone: String,
    pub start: String,
    /// e.g. "Tuesday, 1 December 2026, 09:00–09:30 (America/New_York)".
    pub when_invitee: String,
    pub when_host: String,
    pub previous_when_invitee: Option<String>,
    pub location: Option<String>,
    pub notes: Option<String>,
    pub answers: Vec<Answer>,
    pub cancel_reason: Option<String>,
    pub cancelled_by: Option<String>,
    pub is_past: bool,
    /// Where it was booked, as the host reads it: "Booking page", "REST API", …
    pub source: String,
    /// For a paid booking: what was paid, `$50.00 paid with Visa •••• 4242`.
    #[serde(default)]
    pub paid: Option<String>,
    /// Once cancelled: what is refunded, and where the refund stands.
    #[serde(default)]
    pub refund: Option<String>,
    /// While it can change: what cancelling now would refund the invitee.
    #[serde(default)]
    pub cancel_refund: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardBookings {
    pub time_zone: String,
    pub upcoming: Vec<BookingDto>,
    pub past: Vec<BookingDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactDto {
    pub id: ContactId,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
    pub source: String,
    pub created_at: String,
    /// HubSpot's lifecycle stage, for a contact that came from there.
    pub tag: Option<ContactTag>,
    pub archived: bool,
}

/// A lifecycle stage as a tag: its HubSpot value and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactTag {
    pub value: String,
    pub label: String,
}

/// Contacts that look like one person, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// What they share, as a person reads it.
    pub reason: String,
    pub contacts: Vec<ContactDto>,
}

/// The contacts page: the list as filtered, the tags to filter by, and the duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactList {
    /// How many contacts the filter matches, on how many pages; which page this is.
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub contacts: Vec<ContactDto>,
    pub tags: Vec<ContactTag>,
    pub duplicates: Vec<DuplicateGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub notes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignupForm {
    pub name: String,
    pub email: String,
    pub password: String,
    pub slug: String,
    pub time_zone: String,
}

/// The HubSpot card on `/dashboard/integrations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubspotCardDto {
    /// The server has HubSpot app credentials.
    pub configured: bool,
    /// Why this user may not connect or disconnect (plan or role), if so.
    pub refusal: Option<String>,
    pub plan: crate::domain::team::Plan,
    /// Set while connected.
    pub portal_id: Option<String>,
    pub connected_at: Option<String>,
    pub last_success_at: Option<String>,
    pub update_existing_contacts: bool,
    /// An event type makes companies, but the connection predates the
    /// companies scopes: connecting again grants them.
    pub companies_need_reconnect: bool,
    /// Two-way contact sync, while connected.
    pub contact_sync: Option<ContactSyncCard>,
}

/// One line of the HubSpot sync log, as the integrations card lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncLogLine {
    /// In the viewer's zone.
    pub when: String,
    pub booking_id: Option<BookingId>,
    /// `created`, `rescheduled`, `cancelled` or `token`.
    pub action: String,
    pub succeeded: bool,
    pub http_status: Option<u16>,
    pub message: String,
    pub contact_id: Option<String>,
    pub meeting_id: Option<String>,
}
