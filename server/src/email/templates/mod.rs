//! The emails Slotline sends, built as lettre messages: one module per kind
//! of message. Bookings are the only kind so far.

use app::domain::questions::Answer;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

mod booking;
mod ics;

pub use booking::booking_message;
pub use ics::booking_ics;

/// What happened to the booking an email is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BookingEmailKind {
    /// A new booking was made.
    Confirmed,
    /// An existing booking moved to a new time; it keeps its id.
    Rescheduled,
    /// The booking was cancelled.
    Cancelled,
}

impl BookingEmailKind {
    /// The iTIP method (RFC 5546) of the attached invitation: a reschedule is
    /// a `REQUEST` with a higher `SEQUENCE`, which calendars apply as an update.
    fn ics_method(self) -> &'static str {
        match self {
            Self::Confirmed | Self::Rescheduled => "REQUEST",
            Self::Cancelled => "CANCEL",
        }
    }
}

/// Which side of a booking a message is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The person who booked; their copy carries the manage link.
    Invitee,
    /// The host the booking is with; their copy links to the dashboard.
    Host,
}

/// Everything a booking email says, gathered by the job that sends it.
///
/// Deliberately not `Debug`: it holds email addresses and the invitee's
/// manage token, which must never reach a log.
#[derive(Clone)]
pub struct BookingEmail {
    /// What happened.
    pub kind: BookingEmailKind,
    /// The booking's id; the calendar `UID` is derived from it, so every
    /// email about one booking updates the same calendar entry.
    pub booking_id: String,
    /// iCalendar `SEQUENCE`: 0 on create, +1 per reschedule, and the current
    /// value + 1 on cancel.
    pub sequence: u32,
    /// The event type's name, e.g. "Intro call".
    pub event_name: String,
    /// The host's display name.
    pub host_name: String,
    /// The host's address; the message goes there when sent to [`Recipient::Host`].
    pub host_email: String,
    /// The zone the host's copy shows times in.
    pub host_tz: Tz,
    /// The invitee's display name.
    pub invitee_name: String,
    /// The invitee's address; the message goes there when sent to [`Recipient::Invitee`].
    pub invitee_email: String,
    /// The zone the invitee's copy shows times in.
    pub invitee_tz: Tz,
    /// Start of the (new) slot.
    pub start: DateTime<Utc>,
    /// End of the (new) slot.
    pub end: DateTime<Utc>,
    /// Start before a reschedule; shown in rescheduled emails.
    pub previous_start: Option<DateTime<Utc>>,
    /// Where the meeting happens: an address or a meeting link.
    pub location: Option<String>,
    /// The invitee's phone number, when the form asked for it; host copy only.
    pub invitee_phone: Option<String>,
    /// The invitee's answers to the event type's questions, in order.
    pub answers: Vec<Answer>,
    /// The invitee's notes from the booking form.
    pub notes: Option<String>,
    /// Why the booking was cancelled, when someone said.
    pub cancel_reason: Option<String>,
    /// The invitee's manage link (reschedule or cancel); it carries a token.
    pub manage_url: String,
    /// The host's dashboard link for the booking.
    pub host_booking_url: String,
    /// For a paid booking: what was paid, `$50.00 paid with Visa •••• 4242`.
    pub paid: Option<String>,
    /// Once cancelled: what is refunded and where the refund stands.
    pub refund: Option<String>,
}

impl BookingEmail {
    /// The zone `to` reads times in.
    fn zone(&self, to: Recipient) -> Tz {
        match to {
            Recipient::Invitee => self.invitee_tz,
            Recipient::Host => self.host_tz,
        }
    }

    /// The name of the other side of the booking, as `to` would call them.
    fn counterpart_name(&self, to: Recipient) -> &str {
        match to {
            Recipient::Invitee => &self.host_name,
            Recipient::Host => &self.invitee_name,
        }
    }
}

/// `value` trimmed, or `None` when nothing is left: an empty notes field or
/// reason is as good as none.
fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
fn sample_email(kind: BookingEmailKind) -> BookingEmail {
    use chrono::TimeZone as _;

    BookingEmail {
        kind,
        booking_id: "b8k2x9q4m1n7p3r6s0t5v2w8".to_owned(),
        sequence: match kind {
            BookingEmailKind::Confirmed => 0,
            BookingEmailKind::Rescheduled => 1,
            BookingEmailKind::Cancelled => 2,
        },
        event_name: "Intro call".to_owned(),
        host_name: "Ada Lovelace".to_owned(),
        host_email: "ada@example.com".to_owned(),
        host_tz: chrono_tz::America::New_York,
        invitee_name: "Zoë Ñúñez".to_owned(),
        invitee_email: "zoe@example.org".to_owned(),
        invitee_tz: chrono_tz::Europe::Berlin,
        start: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2026, 12, 1, 8, 30, 0).unwrap(),
        previous_start: (kind == BookingEmailKind::Rescheduled)
            .then(|| Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()),
        location: Some("https://meet.example.com/intro-ada".to_owned()),
        invitee_phone: Some("+49 30 1234567".to_owned()),
        answers: vec![Answer {
            question_id: "q1".into(),
            question: "Team size?".to_owned(),
            value: "11–50".to_owned(),
        }],
        notes: Some("Let's talk about the roadmap; bring numbers.".to_owned()),
        cancel_reason: (kind == BookingEmailKind::Cancelled).then(|| "Something came up".to_owned()),
        manage_url: "http://127.0.0.1:3000/bookings/b8k2x9q4m1n7p3r6s0t5v2w8?token=MGT0k3nXYZ".to_owned(),
        host_booking_url: "http://127.0.0.1:3000/dashboard/bookings/b8k2x9q4m1n7p3r6s0t5v2w8".to_owned(),
        paid: None,
        refund: None,
    }
}
