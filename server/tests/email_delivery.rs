//! Booking emails leave through the `Mailer`: over SMTP to a real server on
//! loopback, or into the outbox directory when no SMTP URL is configured.
use crate::support::smtp_sink::SmtpSink;
use chrono::{TimeZone as _, Utc};
use server::email::Mailer;
use server::email::templates::{BookingEmail, BookingEmailKind, Recipient, booking_message};
use std::path::PathBuf;
use std::time::Duration;

const FROM: &str = "Slotline <no-reply@localhost>";
const TOKEN: &str = "MGT0k3nXYZ";

fn booking(kind: BookingEmailKind, sequence: u32) -> BookingEmail {
    let id = "b8k2x9q4m1n7p3r6s0t5v2w8";
    BookingEmail {
        kind,
        booking_id: id.to_owned(),
        sequence,
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
        invitee_phone: None,
        answers: Vec::new(),
        notes: None,
        cancel_reason: (kind == BookingEmailKind::Cancelled).then(|| "Ill".to_owned()),
        manage_url: format!("http://127.0.0.1:3000/bookings/{id}?token={TOKEN}"),
        host_booking_url: format!("http://127.0.0.1:3000/dashboard/bookings/{id}"),
        paid: None,
        refund: None,
    }
}

/// A directory under the system temp dir, removed when the test ends.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(label: &str) -> Self {
        Self(std::env::temp_dir().join(format!("slotline-{label}-{}", app::ssr::ids::new_id())))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn every_booking_email_kind_reaches_the_smtp_server_with_its_invitation() {
    let sink = SmtpSink::start().await;
    let unused_outbox = ScratchDir::new("unused-outbox");
    let mailer = Mailer::new(Some(&sink.url()), &unused_outbox.0, FROM).unwrap();
    let kinds = [
        (BookingEmailKind::Confirmed, 0, "Confirmed", "REQUEST"),
        (BookingEmailKind::Rescheduled, 1, "Rescheduled", "REQUEST"),
        (BookingEmailKind::Cancelled, 2, "Cancelled", "CANCEL"),
    ];
    for (kind, sequence, _, _) in kinds {
        let message = booking_message(&booking(kind, sequence), Recipient::Invitee, mailer.from_mailbox()).unwrap();
        mailer.send(message).await.unwrap();
    }
    let mails = sink.wait_for(kinds.len(), Duration::from_secs(10)).await;
    assert_eq!(mails.len(), kinds.len());
    for (mail, (_, sequence, verb, method)) in mails.iter().zip(kinds) {
        assert_eq!(mail.mail_from, "no-reply@localhost");
        assert_eq!(mail.rcpt_to, ["zoe@example.org"]);
        let data = &mail.data;
        assert!(
            data.contains(&format!("Subject: {verb}: Intro call with Ada Lovelace")),
            "{data}"
        );
        assert!(
            data.contains(&format!("Content-Type: text/calendar; charset=utf-8; method={method}")),
            "{data}"
        );
        assert!(data.contains("filename=\"invite.ics\""), "{data}");
        assert!(data.contains(&format!("\r\nMETHOD:{method}\r\n")), "{data}");
        assert!(data.contains(&format!("\r\nSEQUENCE:{sequence}\r\n")), "{data}");
        assert!(data.contains("\r\nUID:b8k2x9q4m1n7p3r6s0t5v2w8@slotline\r\n"), "{data}");
    }
    assert!(!unused_outbox.0.exists(), "an SMTP mailer must not create the outbox");
}

#[tokio::test]
async fn host_and_invitee_each_get_their_own_copy_and_only_the_invitee_the_token() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(Some(&sink.url()), &std::env::temp_dir(), FROM).unwrap();
    let email = booking(BookingEmailKind::Confirmed, 0);
    for to in [Recipient::Invitee, Recipient::Host] {
        let message = booking_message(&email, to, mailer.from_mailbox()).unwrap();
        mailer.send(message).await.unwrap();
    }
    // The sink records a message before acknowledging it, so both are there.
    let mails = sink.messages();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].rcpt_to, ["zoe@example.org"]);
    assert!(mails[0].data.contains(TOKEN), "{}", mails[0].data);
    assert_eq!(mails[1].rcpt_to, ["ada@example.com"]);
    assert!(!mails[1].data.contains(TOKEN), "{}", mails[1].data);
}

#[tokio::test]
async fn without_an_smtp_url_emails_are_written_to_the_outbox_as_eml_files() {
    let scratch = ScratchDir::new("outbox");
    let outbox = scratch.0.join("data").join("outbox");
    let mailer = Mailer::new(None, &outbox, FROM).unwrap();
    let message = booking_message(
        &booking(BookingEmailKind::Cancelled, 3),
        Recipient::Host,
        mailer.from_mailbox(),
    )
    .unwrap();
    mailer.send(message).await.unwrap();
    let files: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("To: \"Ada Lovelace\" <ada@example.com>"), "{eml}");
    assert!(eml.contains("\r\nMETHOD:CANCEL\r\n"), "{eml}");
    assert!(eml.contains("\r\nSEQUENCE:3\r\n"), "{eml}");
}

#[test]
fn an_invalid_from_address_is_refused_at_start_up() {
    let outbox = ScratchDir::new("refused");
    assert!(Mailer::new(None, &outbox.0, "not a mailbox").is_err());
}
