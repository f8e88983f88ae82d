//! The iCalendar invitation (RFC 5545, with the iTIP methods of RFC 5546)
//! attached to booking emails.
//!
//! Built with the `icalendar` crate, which escapes text values and folds
//! lines at 75 octets on character boundaries; `METHOD` and `SEQUENCE` are
//! set through its generic property API.

use chrono::Utc;
use icalendar::{Calendar, Component as _, Event, EventLike as _, EventStatus, Property};

use super::{BookingEmail, BookingEmailKind, Recipient, non_blank};

const PRODID: &str = "-//Slotline//Slotline//EN";

/// The invitee's copy of the invitation: a `VCALENDAR` with `METHOD:REQUEST`
/// (or `CANCEL`) holding one `VEVENT` whose `UID` is `{booking_id}@slotline`,
/// times in UTC, and the manage link in its `DESCRIPTION`.
///
/// The host's copy, attached by [`super::booking_message`], links to the
/// dashboard instead: the manage link carries the invitee's token.
pub fn booking_ics(email: &BookingEmail) -> String {
    render(email, Recipient::Invitee)
}

/// The invitation as `to` receives it.
pub(super) fn render(email: &BookingEmail, to: Recipient) -> String {
    let summary = format!("{} with {}", email.event_name, email.counterpart_name(to));
    let status = match email.kind {
        BookingEmailKind::Confirmed | BookingEmailKind::Rescheduled => EventStatus::Confirmed,
        BookingEmailKind::Cancelled => EventStatus::Cancelled,
    };

    let mut event = Event::new();
    event
        .uid(&format!("{}@slotline", email.booking_id))
        .sequence(email.sequence)
        .timestamp(Utc::now())
        .starts(email.start)
        .ends(email.end)
        .summary(&text(&summary))
        .description(&text(&description(email, to)))
        .status(status)
        .append_property(
            Property::new("ORGANIZER", format!("mailto:{}", email.host_email))
                .add_parameter("CN", &common_name(&email.host_name))
                .done(),
        )
        .append_property(
            Property::new("ATTENDEE", format!("mailto:{}", email.invitee_email))
                .add_parameter("CN", &common_name(&email.invitee_name))
                .add_parameter("ROLE", "REQ-PARTICIPANT")
                // The invitee chose the slot themselves, so there is nothing
                // to accept and no reply to ask for.
                .add_parameter("PARTSTAT", "ACCEPTED")
                .add_parameter("RSVP", "FALSE")
                .done(),
        );
    if let Some(location) = non_blank(email.location.as_deref()) {
        event.location(&text(location));
    }

    // `Calendar::new` would add the crate's own PRODID, so start empty.
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("PRODID", PRODID))
        .append_property(("VERSION", "2.0"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", email.kind.ics_method()))
        .push(event.done());
    calendar.done().to_string()
}

fn description(email: &BookingEmail, to: Recipient) -> String {
    let mut lines = vec![format!("{} with {}", email.event_name, email.counterpart_name(to))];
    if to == Recipient::Host
        && let Some(notes) = non_blank(email.notes.as_deref())
    {
        lines.push(format!("Notes: {notes}"));
    }
    if email.kind == BookingEmailKind::Cancelled
        && let Some(reason) = non_blank(email.cancel_reason.as_deref())
    {
        lines.push(format!("Cancelled: {reason}"));
    }
    lines.push(match to {
        Recipient::Invitee => format!("Reschedule or cancel: {}", email.manage_url),
        Recipient::Host => format!("Open in your dashboard: {}", email.host_booking_url),
    });
    lines.join("\n")
}

/// Text with line breaks as `\n` only: the crate escapes `\n` but would pass
/// a bare `\r` through and break the content line.
fn text(value: &str) -> String {
    value.replace("\r\n", "\n").replace('\r', "\n")
}

/// A `CN` parameter value. RFC 5545 allows no `"` or control characters in a
/// parameter and needs quotes around `,`; the crate quotes only values with
/// `:` or `;`, so a comma is quoted here (never both, or it would double up).
fn common_name(name: &str) -> String {
    let name: String = name.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if name.contains(',') && !name.contains([':', ';']) {
        format!("\"{name}\"")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::templates::sample_email;

    const KINDS: [BookingEmailKind; 3] = [
        BookingEmailKind::Confirmed,
        BookingEmailKind::Rescheduled,
        BookingEmailKind::Cancelled,
    ];

    /// Content lines with folding undone, as a calendar reads them.
    fn lines(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "").split("\r\n").map(str::to_owned).collect()
    }

    fn value<'a>(lines: &'a [String], name: &str) -> &'a str {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(name).filter(|rest| rest.starts_with([':', ';'])))
            .unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
    }

    #[test]
    fn uid_is_the_same_for_every_kind() {
        for kind in KINDS {
            let ics = lines(&booking_ics(&sample_email(kind)));
            assert_eq!(value(&ics, "UID"), ":b8k2x9q4m1n7p3r6s0t5v2w8@slotline");
        }
    }

    #[test]
    fn method_status_and_sequence_follow_the_kind() {
        for (kind, method, status, sequence) in [
            (BookingEmailKind::Confirmed, "REQUEST", "CONFIRMED", "0"),
            (BookingEmailKind::Rescheduled, "REQUEST", "CONFIRMED", "1"),
            (BookingEmailKind::Cancelled, "CANCEL", "CANCELLED", "2"),
        ] {
            let ics = lines(&booking_ics(&sample_email(kind)));
            assert_eq!(value(&ics, "METHOD"), format!(":{method}"));
            assert_eq!(value(&ics, "STATUS"), format!(":{status}"));
            assert_eq!(value(&ics, "SEQUENCE"), format!(":{sequence}"));
        }
    }

    #[test]
    fn calendar_has_the_required_properties_and_one_event() {
        let ics = booking_ics(&sample_email(BookingEmailKind::Confirmed));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        let ics = lines(&ics);
        assert_eq!(value(&ics, "PRODID"), format!(":{PRODID}"));
        assert_eq!(value(&ics, "VERSION"), ":2.0");
        assert!(value(&ics, "DTSTAMP").ends_with('Z'));
    }

    #[test]
    fn times_are_in_utc() {
        let ics = lines(&booking_ics(&sample_email(BookingEmailKind::Confirmed)));
        assert_eq!(value(&ics, "DTSTART"), ":20261201T080000Z");
        assert_eq!(value(&ics, "DTEND"), ":20261201T083000Z");
    }

    #[test]
    fn organizer_is_the_host_and_attendee_the_invitee() {
        let ics = lines(&booking_ics(&sample_email(BookingEmailKind::Confirmed)));
        assert_eq!(value(&ics, "ORGANIZER"), ";CN=Ada Lovelace:mailto:ada@example.com");
        let attendee = value(&ics, "ATTENDEE");
        let (params, address) = attendee.split_once(":mailto:").unwrap();
        assert_eq!(address, "zoe@example.org");
        // The crate writes parameters in no fixed order.
        let mut params: Vec<&str> = params.split(';').collect();
        params.sort_unstable();
        assert_eq!(
            params,
            [
                "",
                "CN=Zoë Ñúñez",
                "PARTSTAT=ACCEPTED",
                "ROLE=REQ-PARTICIPANT",
                "RSVP=FALSE"
            ]
        );
    }

    #[test]
    fn location_is_written_only_when_set() {
        let mut email = sample_email(BookingEmailKind::Confirmed);
        let ics = lines(&booking_ics(&email));
        assert_eq!(value(&ics, "LOCATION"), ":https://meet.example.com/intro-ada");
        email.location = None;
        assert!(!booking_ics(&email).contains("LOCATION"));
    }

    #[test]
    fn description_links_the_invitee_to_manage_and_the_host_to_the_dashboard() {
        let email = sample_email(BookingEmailKind::Confirmed);
        let invitee = lines(&render(&email, Recipient::Invitee));
        let description = value(&invitee, "DESCRIPTION");
        assert!(description.contains(&format!("Reschedule or cancel: {}", email.manage_url)));
        assert!(
            !description.contains("Notes:"),
            "the invitee's notes are not echoed to them"
        );

        let host = render(&email, Recipient::Host);
        assert!(!host.contains("token="));
        let host = lines(&host);
        assert!(value(&host, "DESCRIPTION").contains(&email.host_booking_url));
        assert!(value(&host, "DESCRIPTION").contains("Let's talk about the roadmap\\; bring numbers."));
        assert_eq!(value(&host, "SUMMARY"), ":Intro call with Zoë Ñúñez");
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets() {
        let mut email = sample_email(BookingEmailKind::Confirmed);
        let notes = "Zoë Ñúñez möchte über Straßenbahnen reden. ".repeat(6);
        email.notes = Some(notes.clone());
        let ics = render(&email, Recipient::Host);
        assert!(!ics.replace("\r\n", "").contains('\n'));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Unfolded, the text is whole again: no character was split.
        assert!(value(&lines(&ics), "DESCRIPTION").contains(&format!("Notes: {}", notes.trim())));
    }

    #[test]
    fn common_name_quotes_commas_and_drops_quotes() {
        assert_eq!(common_name("Ñúñez, Zoë"), "\"Ñúñez, Zoë\"");
        assert_eq!(common_name("Zoë \"Z\" Ñúñez"), "Zoë Z Ñúñez");
        assert_eq!(common_name("Dr. Who: the 2nd"), "Dr. Who: the 2nd");
    }
}
