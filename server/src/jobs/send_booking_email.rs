//! `SendBookingEmail`: tells the invitee or the host about a booking change.
use super::{Attempt, JobContext, JobError, RunJob};
use crate::email::templates::{BookingEmail, BookingEmailKind, Recipient, booking_message};
use anyhow::Context;
use app::ssr::jobs::{BookingNotice, NoticeRecipient, SendBookingEmail};
use app::ssr::services::{bookings, payments};

impl RunJob for SendBookingEmail {
    #[tracing::instrument(skip_all, fields(booking.id = %self.booking_id))]
    async fn run(&self, ctx: &JobContext, _: Attempt) -> Result<(), JobError> {
        send(ctx, self).await.map_err(JobError::Retry)
    }
}

async fn send(ctx: &JobContext, job: &SendBookingEmail) -> anyhow::Result<()> {
    let manage_token = job
        .manage_token_sealed
        .as_deref()
        .map(|sealed| open_token(ctx, sealed))
        .transpose()?;
    let (details, payment) = bookings::details_and_payment(&ctx.db, &job.booking_id)
        .await?
        .context("booking, its host or its event type no longer exists")?;
    let bookings::BookingDetails {
        booking,
        host,
        event_type: event,
    } = details;
    let manage_url = match manage_token.as_deref() {
        Some(token) => format!("{}/bookings/{}?token={token}", ctx.public_url, booking.id),
        None => format!("{}/{}/{}", ctx.public_url, host.slug, event.slug),
    };
    let (paid, refund) = match payment {
        Some(payment) if payment.paid_at.is_some() => {
            let refunds = payments::refunds_of(&ctx.db, &payment).await?;
            let (paid, refund) = payments::refund_summary(&payment, &refunds);
            (Some(paid), refund)
        }
        _ => (None, None),
    };
    let email = BookingEmail {
        kind: match job.notice {
            BookingNotice::Confirmed => BookingEmailKind::Confirmed,
            BookingNotice::Rescheduled => BookingEmailKind::Rescheduled,
            BookingNotice::Cancelled => BookingEmailKind::Cancelled,
        },
        booking_id: booking.id.to_string(),
        sequence: booking.sequence.max(0) as u32,
        event_name: event.name.clone(),
        host_name: host.name.clone(),
        host_email: host.email.clone(),
        host_tz: host.zone(),
        invitee_name: booking.invitee_name.clone(),
        invitee_email: booking.invitee_email.clone(),
        invitee_tz: booking.invitee_time_zone.tz(),
        start: booking.start_at,
        end: booking.end_at,
        previous_start: booking.previous_start_at,
        location: event.location.clone(),
        invitee_phone: booking.invitee_phone.clone(),
        answers: bookings::answers(&booking),
        notes: booking.notes.clone(),
        cancel_reason: booking.cancel_reason.clone(),
        manage_url,
        host_booking_url: format!("{}/dashboard/bookings/{}", ctx.public_url, booking.id),
        paid,
        refund,
    };
    let to = match job.recipient {
        NoticeRecipient::Invitee => Recipient::Invitee,
        NoticeRecipient::Host => Recipient::Host,
    };
    let message = booking_message(&email, to, ctx.mailer.from_mailbox())?;
    ctx.mailer.send(message).await.context("sending booking email")
}

/// Jobs enqueued before manage tokens were sealed carry them in the clear.
fn open_token(ctx: &JobContext, sealed: &str) -> anyhow::Result<String> {
    match ctx.secrets.open(sealed) {
        Ok(token) => Ok(token),
        Err(app::ssr::crypto::SealError::Malformed) if !sealed.starts_with("v1.") => Ok(sealed.to_owned()),
        Err(error) => Err(error).context("opening the manage-link secret"),
    }
}
