//! A payment Stripe confirmed (`checkout.session.completed`), in one
//! transaction: the payment recorded, its booking confirmed, and through
//! the outbox the e-mails, `booking.created`, `payment.received`, the
//! HubSpot sync and, for a new payer, `contact.created`.
use crate::domain::{BookingStatus, PaymentId};
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{booking, contact, payment};
use crate::ssr::outbox::{BookingChange, ContactChange, DomainEvent, PaymentChange, publish};
use crate::ssr::services::bookings::{BookingError, host_and_event, lock_host_schedule};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// A completed Checkout Session, as Stripe describes it.
#[derive(Debug, Clone)]
pub struct PaidCheckout {
    pub session_id: String,
    /// Minor units, as Stripe charged.
    pub amount: i64,
    pub currency: String,
    pub payment_intent_id: Option<String>,
    pub charge_id: Option<String>,
    /// Stripe's payment method type, such as `card`.
    pub method: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

/// What recording a completed session did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Confirmed(PaymentId),
    /// An earlier delivery of the news recorded it.
    AlreadyRecorded,
    /// No payment of Slotline's has this session.
    Unknown,
}

#[tracing::instrument(skip_all, fields(session = %paid.session_id))]
pub async fn record_paid(db: &DatabaseConnection, paid: PaidCheckout) -> Result<Recorded, BookingError> {
    let Some(found) = payment::Entity::find()
        .filter(payment::Column::CheckoutSessionId.eq(&paid.session_id))
        .one(db)
        .await?
    else {
        return Ok(Recorded::Unknown);
    };
    let Some(held) = booking::Entity::find_by_id(&found.booking_id).one(db).await? else {
        return Ok(Recorded::Unknown);
    };
    let (host, event_type) = host_and_event(db, &held).await?;

    let txn = write_transaction(db).await?;
    lock_host_schedule(&txn, &host.id).await?;
    let Some(current) = payment::Entity::find_by_id(&found.id).one(&txn).await? else {
        return Ok(Recorded::Unknown);
    };
    if current.status != payment::OPEN {
        return Ok(Recorded::AlreadyRecorded);
    }
    if current.amount != paid.amount || current.currency != paid.currency {
        tracing::warn!(
            expected = current.amount,
            charged = paid.amount,
            currency = %paid.currency,
            "Stripe charged another amount than the price held; recording what Stripe charged"
        );
    }
    let now = Utc::now();
    let mut model: payment::ActiveModel = current.into();
    model.status = Set(payment::PAID.to_owned());
    model.amount = Set(paid.amount);
    model.currency = Set(paid.currency);
    model.payment_intent_id = Set(paid.payment_intent_id);
    model.charge_id = Set(paid.charge_id);
    model.method = Set(paid.method);
    model.card_brand = Set(paid.card_brand);
    model.card_last4 = Set(paid.card_last4);
    model.checkout_url = Set(None);
    model.paid_at = Set(Some(now));
    model.updated_at = Set(now);
    let payment = model.update(&txn).await?;

    let current = booking::Entity::find_by_id(&held.id)
        .one(&txn)
        .await?
        .ok_or(BookingError::NotFound)?;
    let mut model: booking::ActiveModel = current.into();
    model.status = Set(BookingStatus::Confirmed);
    model.updated_at = Set(now);
    let confirmed = model.update(&txn).await?;

    let payer = contact::Entity::find_by_id(&confirmed.contact_id).one(&txn).await?;
    let mut events = vec![
        DomainEvent::BookingCreated(BookingChange {
            booking: &confirmed,
            host: &host,
            event_type: &event_type,
            manage_token_sealed: Some(&payment.manage_token_sealed),
        }),
        DomainEvent::PaymentReceived(PaymentChange {
            payment: &payment,
            booking: &confirmed,
            host: &host,
            event_type: &event_type,
        }),
    ];
    if let Some(payer) = &payer {
        let change = ContactChange {
            contact: payer,
            user_id: &host.id,
        };
        events.push(if confirmed.contact_is_new {
            DomainEvent::ContactCreated(change)
        } else {
            DomainEvent::ContactUpdated(change)
        });
    }
    publish(&txn, &events).await?;
    txn.commit().await?;
    crate::ssr::metrics::booking_created(confirmed.source);
    tracing::info!(booking.id = %confirmed.id, payment.id = %payment.id, "payment received, booking confirmed");
    Ok(Recorded::Confirmed(payment.id))
}
