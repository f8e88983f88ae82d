//! What hosts and invitees see of payments: a booking's payment with its
//! refunds, and the host's list of payments, newest first.
use super::money_of;
use super::refunds::refund_status_label;
use crate::domain::BookingId;
use crate::dto::{PaymentDto, PaymentRow, RefundDto};
use crate::error::AppError;
use crate::ssr::entities::{booking, event_type, payment, refund, user};
use crate::ssr::services::bookings::hosts_managed_by;
use crate::ssr::time_fmt::{moment_in, range_in};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// How many payments the list shows.
const LIST_LIMIT: usize = 200;

/// A booking's payment and its refunds, oldest refund first.
pub async fn payment_of_booking(
    db: &impl ConnectionTrait,
    booking_id: &BookingId,
) -> Result<Option<(payment::Model, Vec<refund::Model>)>, DbErr> {
    let Some(found) = payment::Entity::find()
        .filter(payment::Column::BookingId.eq(booking_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let refunds = refunds_of(db, &found).await?;
    Ok(Some((found, refunds)))
}

/// A payment's refunds, oldest first.
pub async fn refunds_of(db: &impl ConnectionTrait, payment: &payment::Model) -> Result<Vec<refund::Model>, DbErr> {
    refund::Entity::find()
        .filter(refund::Column::PaymentId.eq(&payment.id))
        .order_by_asc(refund::Column::CreatedAt)
        .all(db)
        .await
}

fn refund_dto(r: &refund::Model, tz: Tz) -> RefundDto {
    RefundDto {
        amount: money_of(r.amount, &r.currency).to_string(),
        status: r.status.clone(),
        status_label: refund_status_label(r),
        reason: match r.reason.as_str() {
            refund::HOST_CANCELLED => "Host cancelled".to_owned(),
            _ => "Invitee cancelled".to_owned(),
        },
        attempts: u32::try_from(r.attempts).unwrap_or(0),
        last_error: r.last_error.clone(),
        stripe_refund_id: r.stripe_refund_id.clone(),
        requested_at: moment_in(tz, r.created_at),
    }
}

/// The payment's state in a word or two: a failed or pending refund says
/// so before the payment's own status.
fn status_label(p: &payment::Model, refunds: &[refund::Model]) -> String {
    if refunds.iter().any(|r| r.status == refund::FAILED) {
        return "Refund failed".to_owned();
    }
    if refunds
        .iter()
        .any(|r| r.status == refund::REQUESTED || r.status == refund::PENDING)
    {
        return "Refund pending".to_owned();
    }
    match p.status.as_str() {
        payment::OPEN => "Awaiting payment",
        payment::PAID => "Paid",
        payment::PARTIALLY_REFUNDED => "Partially refunded",
        payment::REFUNDED => "Refunded",
        _ => "Unknown",
    }
    .to_owned()
}

/// `Visa •••• 4242`, else the method's type.
fn method_label(p: &payment::Model) -> Option<String> {
    match (&p.card_brand, &p.card_last4) {
        (Some(brand), Some(last4)) => {
            let mut chars = brand.chars();
            let brand = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default();
            Some(format!("{brand} •••• {last4}"))
        }
        _ => p.method.clone(),
    }
}

pub fn payment_dto(p: &payment::Model, refunds: &[refund::Model], tz: Tz) -> PaymentDto {
    PaymentDto {
        id: p.id.clone(),
        booking_id: p.booking_id.clone(),
        amount: money_of(p.amount, &p.currency).to_string(),
        status: p.status.clone(),
        status_label: status_label(p, refunds),
        method: method_label(p),
        payment_intent_id: p.payment_intent_id.clone(),
        charge_id: p.charge_id.clone(),
        paid_at: p.paid_at.map(|at| moment_in(tz, at)),
        refunded: (p.refunded_amount > 0).then(|| money_of(p.refunded_amount, &p.currency).to_string()),
        refunds: refunds.iter().map(|r| refund_dto(r, tz)).collect(),
    }
}

/// What the invitee's e-mail and manage page say of a booking's payment:
/// what was paid and, once cancelled, what comes back.
pub fn refund_summary(p: &payment::Model, refunds: &[refund::Model]) -> (String, Option<String>) {
    let paid = match method_label(p) {
        Some(method) => format!("{} paid with {method}", money_of(p.amount, &p.currency)),
        None => format!("{} paid", money_of(p.amount, &p.currency)),
    };
    let back = (!refunds.is_empty()).then(|| refunds.iter().map(refund_status_label).collect::<Vec<_>>().join("; "));
    (paid, back)
}

/// The payments of the bookings `viewer` manages, newest first, each with
/// its booking's invitee, event type and time.
pub async fn list_for_team(db: &impl ConnectionTrait, viewer: &user::Model) -> Result<Vec<PaymentRow>, AppError> {
    let hosts = hosts_managed_by(db, viewer).await?;
    let candidates = payment::Entity::find()
        .filter(payment::Column::TeamId.eq(&viewer.team_id))
        .filter(payment::Column::Status.ne(payment::OPEN))
        .order_by_desc(payment::Column::CreatedAt)
        .all(db)
        .await?;
    let booking_ids: Vec<BookingId> = candidates.iter().map(|p| p.booking_id.clone()).collect();
    let bookings = booking::Entity::find()
        .filter(booking::Column::Id.is_in(booking_ids))
        .filter(booking::Column::HostId.is_in(hosts))
        .all(db)
        .await?;
    let payments: Vec<payment::Model> = candidates
        .into_iter()
        .filter(|p| bookings.iter().any(|b| b.id == p.booking_id))
        .take(LIST_LIMIT)
        .collect();
    let payment_ids: Vec<_> = payments.iter().map(|p| p.id.clone()).collect();
    let refunds = refund::Entity::find()
        .filter(refund::Column::PaymentId.is_in(payment_ids))
        .order_by_asc(refund::Column::CreatedAt)
        .all(db)
        .await?;
    let event_ids: Vec<_> = bookings.iter().map(|b| b.event_type_id.clone()).collect();
    let events = event_type::Entity::find()
        .filter(event_type::Column::Id.is_in(event_ids))
        .all(db)
        .await?;
    let tz = viewer.zone();
    Ok(payments
        .iter()
        .filter_map(|p| {
            let b = bookings.iter().find(|b| b.id == p.booking_id)?;
            let event = events.iter().find(|e| e.id == b.event_type_id)?;
            let own: Vec<refund::Model> = refunds.iter().filter(|r| r.payment_id == p.id).cloned().collect();
            Some(PaymentRow {
                payment: payment_dto(p, &own, tz),
                invitee_name: b.invitee_name.clone(),
                invitee_email: b.invitee_email.clone(),
                event_type_name: event.name.clone(),
                booking_start: range_in(tz, b.start_at, b.end_at),
            })
        })
        .collect())
}
