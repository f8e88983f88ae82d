//! The booking email: subject and plain-text body in the recipient's time
//! zone, with the calendar invitation attached as `invite.ics`.

use std::fmt::Write as _;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::{BookingEmail, BookingEmailKind, Recipient, ics, non_blank};

/// Builds the email about `email` for one side of the booking.
///
/// The message is `multipart/mixed`: a `text/plain` body, then `invite.ics`
/// as `text/calendar; method=REQUEST` (or `CANCEL`). `Reply-To` is the other
/// side of the booking, so a reply reaches a person rather than `from`.
pub fn booking_message(email: &BookingEmail, to: Recipient, from: &Mailbox) -> anyhow::Result<Message> {
    let invitee =
        mailbox(&email.invitee_name, &email.invitee_email).context("the invitee's email address is not valid")?;
    let host = mailbox(&email.host_name, &email.host_email).context("the host's email address is not valid")?;
    let (recipient, counterpart) = match to {
        Recipient::Invitee => (invitee, host),
        Recipient::Host => (host, invitee),
    };
    let calendar_type = ContentType::parse(&format!(
        "text/calendar; charset=utf-8; method={}",
        email.kind.ics_method()
    ))
    .context("building the invitation's content type")?;
    let invitation = Attachment::new("invite.ics".to_owned()).body(ics::render(email, to), calendar_type);

    Message::builder()
        .from(from.clone())
        .reply_to(counterpart)
        .to(recipient)
        .subject(subject(email, to))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(text_body(email, to)))
                .singlepart(invitation),
        )
        .context("building the booking email")
}

fn mailbox(name: &str, address: &str) -> anyhow::Result<Mailbox> {
    Ok(Mailbox::new(Some(name.to_owned()), address.parse()?))
}

/// E.g. "Confirmed: Intro call with Ada Lovelace on Tue 1 Dec 2026, 09:00 CET".
fn subject(email: &BookingEmail, to: Recipient) -> String {
    let verb = match email.kind {
        BookingEmailKind::Confirmed => "Confirmed",
        BookingEmailKind::Rescheduled => "Rescheduled",
        BookingEmailKind::Cancelled => "Cancelled",
    };
    let start = email.start.with_timezone(&email.zone(to));
    let subject = format!(
        "{verb}: {} with {} on {}",
        email.event_name,
        email.counterpart_name(to),
        start.format("%a %-d %b %Y, %H:%M %Z"),
    );
    // Names and event titles are typed by users; a line break in a header
    // would split it.
    subject.replace(char::is_control, " ")
}

fn text_body(email: &BookingEmail, to: Recipient) -> String {
    let zone = email.zone(to);
    let (greeted, headline) = match to {
        Recipient::Invitee => (
            &email.invitee_name,
            match email.kind {
                BookingEmailKind::Confirmed => "Your booking is confirmed.",
                BookingEmailKind::Rescheduled => "Your booking has moved to a new time.",
                BookingEmailKind::Cancelled => "Your booking has been cancelled.",
            },
        ),
        Recipient::Host => (
            &email.host_name,
            match email.kind {
                BookingEmailKind::Confirmed => "You have a new booking.",
                BookingEmailKind::Rescheduled => "A booking has moved to a new time.",
                BookingEmailKind::Cancelled => "A booking has been cancelled.",
            },
        ),
    };

    // Writing into a String cannot fail, hence the discarded results.
    let mut body = format!("Hi {greeted},\n\n{headline}\n\n");
    let _ = writeln!(body, "What: {} with {}", email.event_name, email.counterpart_name(to));
    if to == Recipient::Host {
        let _ = writeln!(body, "Invitee: {} <{}>", email.invitee_name, email.invitee_email);
        if let Some(phone) = non_blank(email.invitee_phone.as_deref()) {
            let _ = writeln!(body, "Phone: {phone}");
        }
    }
    let _ = writeln!(body, "When: {}", time_range(email.start, email.end, zone));
    if email.kind == BookingEmailKind::Rescheduled
        && let Some(previous) = email.previous_start
    {
        let previous = previous.with_timezone(&zone);
        let _ = writeln!(
            body,
            "Previously: {} ({})",
            previous.format("%A, %-d %B %Y, %H:%M"),
            zone.name()
        );
    }
    if let Some(location) = non_blank(email.location.as_deref()) {
        let _ = writeln!(body, "Where: {location}");
    }
    // Only the host reads what the invitee typed: echoed to the address
    // on the form, it would let anyone mail chosen text through Slotline.
    if to == Recipient::Host {
        for answer in &email.answers {
            let _ = writeln!(body, "{}: {}", answer.question, answer.value);
        }
        if let Some(notes) = non_blank(email.notes.as_deref()) {
            let _ = writeln!(body, "Notes: {notes}");
        }
    }
    if email.kind == BookingEmailKind::Cancelled
        && let Some(reason) = non_blank(email.cancel_reason.as_deref())
    {
        let _ = writeln!(body, "Reason: {reason}");
    }
    if let Some(paid) = &email.paid {
        let _ = writeln!(body, "Payment: {paid}");
    }
    match (
        &email.refund,
        email.paid.is_some() && email.kind == BookingEmailKind::Cancelled,
    ) {
        (Some(refund), _) => {
            let _ = writeln!(body, "Refund: {refund}");
        }
        (None, true) => {
            let _ = writeln!(body, "Refund: none under the refund policy");
        }
        (None, false) => {}
    }

    body.push('\n');
    match (to, email.kind) {
        (Recipient::Invitee, BookingEmailKind::Cancelled) => {
            let _ = writeln!(body, "Booking details: {}", email.manage_url);
        }
        (Recipient::Invitee, _) => {
            let _ = writeln!(body, "Reschedule or cancel: {}", email.manage_url);
        }
        (Recipient::Host, _) => {
            let _ = writeln!(body, "Open in your dashboard: {}", email.host_booking_url);
        }
    }
    body.push_str(match email.kind {
        BookingEmailKind::Cancelled => "\nThe attached invite.ics removes the meeting from your calendar.\n",
        _ => "\nThe attached invite.ics adds the meeting to your calendar.\n",
    });
    body
}

/// E.g. "Tuesday, 1 December 2026, 09:00–09:30 (Europe/Berlin)"; the end
/// gets its own date when the meeting crosses midnight in `zone`.
fn time_range(start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> String {
    const DAY_AND_TIME: &str = "%A, %-d %B %Y, %H:%M";
    let start = start.with_timezone(&zone);
    let end = end.with_timezone(&zone);
    let end_format = if start.date_naive() == end.date_naive() {
        "%H:%M"
    } else {
        DAY_AND_TIME
    };
    format!(
        "{}–{} ({})",
        start.format(DAY_AND_TIME),
        end.format(end_format),
        zone.name()
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::email::templates::sample_email;

    fn from() -> Mailbox {
        "Slotline <no-reply@localhost>".parse().unwrap()
    }

    /// `(display name, address)` of a mailbox header.
    fn header_mailbox(message: &Message, name: &str) -> (String, String) {
        let mailbox: Mailbox = message.headers().get_raw(name).unwrap().parse().unwrap();
        (mailbox.name.unwrap(), mailbox.email.to_string())
    }

    fn pair(name: &str, address: &str) -> (String, String) {
        (name.to_owned(), address.to_owned())
    }

    #[test]
    fn subject_names_the_other_side_and_the_time_in_the_recipients_zone() {
        let email = sample_email(BookingEmailKind::Confirmed);
        assert_eq!(
            subject(&email, Recipient::Invitee),
            "Confirmed: Intro call with Ada Lovelace on Tue 1 Dec 2026, 09:00 CET"
        );
        assert_eq!(
            subject(&email, Recipient::Host),
            "Confirmed: Intro call with Zoë Ñúñez on Tue 1 Dec 2026, 03:00 EST"
        );
    }

    #[test]
    fn subject_starts_with_the_kind() {
        for (kind, prefix) in [
            (BookingEmailKind::Rescheduled, "Rescheduled: "),
            (BookingEmailKind::Cancelled, "Cancelled: "),
        ] {
            let subject = subject(&sample_email(kind), Recipient::Invitee);
            assert!(subject.starts_with(prefix), "{subject}");
        }
    }

    #[test]
    fn body_shows_the_time_in_the_recipients_zone_and_names_it() {
        let email = sample_email(BookingEmailKind::Confirmed);
        assert!(
            text_body(&email, Recipient::Invitee)
                .contains("When: Tuesday, 1 December 2026, 09:00–09:30 (Europe/Berlin)")
        );
        assert!(
            text_body(&email, Recipient::Host)
                .contains("When: Tuesday, 1 December 2026, 03:00–03:30 (America/New_York)")
        );
    }

    #[test]
    fn a_meeting_across_midnight_dates_both_ends() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 22, 30, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 12, 1, 23, 30, 0).unwrap();
        assert_eq!(
            time_range(start, end, chrono_tz::Europe::Berlin),
            "Tuesday, 1 December 2026, 23:30–Wednesday, 2 December 2026, 00:30 (Europe/Berlin)"
        );
    }

    #[test]
    fn invitee_copy_has_the_manage_link_and_the_host_copy_does_not() {
        let email = sample_email(BookingEmailKind::Confirmed);
        let invitee = text_body(&email, Recipient::Invitee);
        let host = text_body(&email, Recipient::Host);

        assert!(invitee.contains(&format!("Reschedule or cancel: {}", email.manage_url)));
        assert!(!invitee.contains(&email.host_booking_url));
        assert!(host.contains(&email.host_booking_url));
        assert!(!host.contains("token="));
        let host_message = booking_message(&email, Recipient::Host, &from()).unwrap();
        assert!(!String::from_utf8(host_message.formatted()).unwrap().contains("MGT0k3n"));
    }

    #[test]
    fn body_carries_location_notes_and_for_the_host_the_invitees_address() {
        let email = sample_email(BookingEmailKind::Confirmed);
        let host = text_body(&email, Recipient::Host);
        assert!(host.contains("Where: https://meet.example.com/intro-ada"));
        assert!(host.contains("Notes: Let's talk about the roadmap; bring numbers."));
        assert!(host.contains("Invitee: Zoë Ñúñez <zoe@example.org>"));
        assert!(host.contains("Phone: +49 30 1234567"));
        assert!(host.contains("Team size?: 11–50"));
        let invitee = text_body(&email, Recipient::Invitee);
        assert!(!invitee.contains("zoe@example.org"));
        assert!(invitee.contains("Where: https://meet.example.com/intro-ada"));
        assert!(
            !invitee.contains("Team size?"),
            "the invitee's own answers are not echoed"
        );
        assert!(!invitee.contains("Notes:"), "nor their notes");
    }

    #[test]
    fn rescheduled_body_shows_the_previous_time() {
        let body = text_body(&sample_email(BookingEmailKind::Rescheduled), Recipient::Invitee);
        assert!(body.contains("Previously: Monday, 30 November 2026, 10:00 (Europe/Berlin)"));
    }

    #[test]
    fn cancelled_body_gives_the_reason() {
        let email = sample_email(BookingEmailKind::Cancelled);
        let body = text_body(&email, Recipient::Host);
        assert!(body.contains("Reason: Something came up"));
        assert!(text_body(&email, Recipient::Invitee).contains(&format!("Booking details: {}", email.manage_url)));
    }

    #[test]
    fn a_paid_booking_says_what_was_paid_and_what_comes_back() {
        let mut email = sample_email(BookingEmailKind::Confirmed);
        email.paid = Some("$50.00 paid with Visa •••• 4242".to_owned());
        let body = text_body(&email, Recipient::Invitee);
        assert!(body.contains("Payment: $50.00 paid with Visa •••• 4242"));
        assert!(!body.contains("Refund:"));
        email.kind = BookingEmailKind::Cancelled;
        assert!(text_body(&email, Recipient::Invitee).contains("Refund: none under the refund policy"));
        email.refund = Some("$50.00 refund requested".to_owned());
        assert!(text_body(&email, Recipient::Host).contains("Refund: $50.00 refund requested"));
    }

    #[test]
    fn message_goes_to_the_recipient_and_replies_to_the_other_side() {
        let email = sample_email(BookingEmailKind::Confirmed);
        let message = booking_message(&email, Recipient::Host, &from()).unwrap();
        assert_eq!(header_mailbox(&message, "To"), pair("Ada Lovelace", "ada@example.com"));
        assert_eq!(
            header_mailbox(&message, "Reply-To"),
            pair("Zoë Ñúñez", "zoe@example.org")
        );
        assert_eq!(header_mailbox(&message, "From"), pair("Slotline", "no-reply@localhost"));
    }

    #[test]
    fn message_attaches_the_invitation_with_its_method() {
        for (kind, method) in [
            (BookingEmailKind::Confirmed, "REQUEST"),
            (BookingEmailKind::Cancelled, "CANCEL"),
        ] {
            let message = booking_message(&sample_email(kind), Recipient::Invitee, &from()).unwrap();
            let raw = String::from_utf8(message.formatted()).unwrap();
            assert!(raw.contains("Content-Type: multipart/mixed"), "{raw}");
            assert!(raw.contains("Content-Type: text/plain; charset=utf-8"), "{raw}");
            assert!(
                raw.contains(&format!("Content-Type: text/calendar; charset=utf-8; method={method}")),
                "{raw}"
            );
            assert!(raw.contains("filename=\"invite.ics\""), "{raw}");
            assert!(raw.contains(&format!("METHOD:{method}")), "{raw}");
        }
    }

    #[test]
    fn non_ascii_names_are_encoded_in_headers() {
        let email = sample_email(BookingEmailKind::Confirmed);
        let message = booking_message(&email, Recipient::Invitee, &from()).unwrap();
        assert_eq!(header_mailbox(&message, "To"), pair("Zoë Ñúñez", "zoe@example.org"));
        let raw = message.formatted();
        assert!(raw.is_ascii(), "a message on the wire must be 7-bit");
        let raw = String::from_utf8(raw).unwrap();
        let to = raw.lines().find(|line| line.starts_with("To: ")).unwrap();
        assert!(to.contains("=?utf-8?b?"), "{to}");
        assert!(to.ends_with("<zoe@example.org>"), "{to}");
    }

    #[test]
    fn an_invalid_address_is_an_error_not_a_panic() {
        let mut email = sample_email(BookingEmailKind::Confirmed);
        email.invitee_email = "not an address".to_owned();
        assert!(booking_message(&email, Recipient::Host, &from()).is_err());
    }
}
