//! The JSON the agent endpoints answer with, shared by REST API v1 and the
//! MCP tools (CONTRACTS §3): one definition, described for OpenAPI
//! (`utoipa`) and for MCP's JSON Schemas (`schemars`).
use app::domain::questions::Question;
use app::ssr::services::bookings::BookingDetails;
use app::ssr::time_fmt::iso;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// An event type an agent can book.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeItem {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// The default duration, in minutes.
    pub duration: i32,
    /// Every duration an invitee may choose, in minutes.
    pub durations: Vec<u32>,
    /// What the booking form asks beyond name and e-mail.
    pub questions: Vec<QuestionItem>,
}

/// A question of an event type; answer it in `answers` under its `id`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuestionItem {
    pub id: String,
    pub label: String,
    /// `short_text`, `long_text`, `choice`, `multiple_choice`, `number`,
    /// `yes_no` or `date`.
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    /// The options of `choice` and `multiple_choice` questions (several
    /// options: one per line, or a list).
    pub options: Vec<String>,
}

impl From<&Question> for QuestionItem {
    fn from(question: &Question) -> Self {
        Self {
            id: question.id.to_string(),
            label: question.label.clone(),
            kind: question.kind.as_str().to_owned(),
            required: question.required,
            options: question.options.clone(),
        }
    }
}

/// The free times of one event type.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Availability {
    pub event_type_id: String,
    /// The IANA zone `localStart` is in.
    pub time_zone: String,
    /// The meeting length the slots are for, in minutes.
    pub duration: u32,
    pub slots: Vec<Slot>,
}

/// A free time: book it by its `start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    /// UTC, e.g. `2026-02-10T14:00:00.000Z`.
    pub start: String,
    pub end: String,
    /// `YYYY-MM-DDTHH:MM` in the requested time zone.
    pub local_start: String,
}

/// The person a booking is for.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invitee {
    pub name: String,
    pub email: String,
    /// E.164, when given.
    pub phone: Option<String>,
    pub time_zone: String,
}

/// A booking as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Booking {
    pub id: String,
    pub event_type_id: String,
    pub start: String,
    pub end: String,
    /// `confirmed`, `cancelled` or `pending_payment`.
    pub status: String,
    pub invitee: Invitee,
    pub notes: Option<String>,
    /// Answers by question id; several options one per line.
    pub answers: BTreeMap<String, String>,
    /// `page`, `api` or `mcp`: where it was booked.
    pub source: String,
    pub created_at: String,
}

impl From<&BookingDetails> for Booking {
    fn from(details: &BookingDetails) -> Self {
        let booking = &details.booking;
        Self {
            id: booking.id.to_string(),
            event_type_id: booking.event_type_id.to_string(),
            start: iso(booking.start_at),
            end: iso(booking.end_at),
            status: booking.status.as_str().to_owned(),
            invitee: Invitee {
                name: booking.invitee_name.clone(),
                email: booking.invitee_email.clone(),
                phone: booking.invitee_phone.clone(),
                time_zone: booking.invitee_time_zone.name().to_owned(),
            },
            notes: booking.notes.clone(),
            answers: details
                .answers()
                .into_iter()
                .map(|answer| (answer.question_id.to_string(), answer.value))
                .collect(),
            source: booking.source.as_str().to_owned(),
            created_at: iso(booking.created_at),
        }
    }
}

/// A page of bookings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingPage {
    pub data: Vec<Booking>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The caller an agent is talking to, and what they have booked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub email: String,
    /// E.164.
    pub phone: Option<String>,
    pub company: Option<String>,
    /// Confirmed bookings still to come, soonest first, at most 20.
    pub upcoming_bookings: Vec<Booking>,
}
