//! Stripe Checkout for a held booking: the session opened with the
//! booking's id as its idempotency key, and the page Stripe sends the
//! invitee back to, which waits for Stripe's word that they paid.
use super::gateway::{CheckoutRequest, PaymentGateway};
use super::hold::HeldPayment;
use super::{money_of, release_hold};
use crate::domain::{BookingId, EventSlug, HostSlug};
use crate::dto::CheckoutState;
use crate::ssr::crypto::SecretBox;
use crate::ssr::entities::{booking, payment};
use crate::ssr::ids::hash_token;
use crate::ssr::jobs::{ExpireCheckoutHold, enqueue};
use crate::ssr::services::bookings::{BookingDetails, BookingError};
use crate::ssr::services::stripe;
use crate::ssr::time_fmt::{moment_in, range_in};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// Stripe refuses a session that expires sooner than 30 minutes; the hold
/// itself is shorter, and ends the session early (see `ExpireCheckoutHold`).
const SESSION_MINUTES: i64 = 31;

/// What the invitee is told when the payment cannot begin.
const UNAVAILABLE: &str = "Payments can’t be taken right now, so the time was not booked. Please try again in a few \
                           minutes.";

/// The page Stripe sends the invitee back to, with the hold's secret and
/// the booking page to go back to should the hold be gone by then.
fn return_url(public_url: &str, details: &BookingDetails, return_key: &str) -> String {
    format!(
        "{public_url}/bookings/{}/checkout?key={return_key}&from=/{}/{}",
        details.booking.id, details.host.slug, details.event_type.slug
    )
}

/// Opens the Checkout Session of a held booking and answers where the
/// invitee pays. Should Stripe not open it, the hold is released at once
/// and the invitee told so.
#[tracing::instrument(skip_all, fields(booking.id = %details.booking.id))]
pub async fn open_checkout(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    gateway: &dyn PaymentGateway,
    public_url: &str,
    details: &BookingDetails,
    held: &HeldPayment,
) -> Result<String, BookingError> {
    let payment = &held.payment;
    let key = stripe::secret_key_of_team(db, secrets, &details.host.team_id)
        .await
        .ok()
        .flatten();
    let back = return_url(public_url, details, &held.return_key);
    let booking = &details.booking;
    let request = CheckoutRequest {
        idempotency_key: booking.id.to_string(),
        price: money_of(payment.amount, &payment.currency),
        product_name: format!(
            "{} with {}, {}",
            details.event_type.name,
            details.host.name,
            moment_in(booking.invitee_time_zone.tz(), booking.start_at)
        ),
        success_url: back.clone(),
        cancel_url: format!("{back}&left=1"),
        customer_email: booking.invitee_email.clone(),
        booking_id: booking.id.to_string(),
        payment_id: payment.id.to_string(),
        expires_at: Utc::now() + Duration::minutes(SESSION_MINUTES),
    };
    let opened = match key {
        Some(key) => gateway.open_checkout(&key, &request).await.map_err(|error| {
            tracing::warn!(%error, "Stripe did not open the checkout");
        }),
        None => {
            tracing::warn!("the team's Stripe is not connected");
            Err(())
        }
    };
    let Ok(opened) = opened else {
        release_hold(db, &payment.id).await?;
        return Err(BookingError::Payments(UNAVAILABLE.to_owned()));
    };
    let mut model: payment::ActiveModel = payment.clone().into();
    model.checkout_session_id = Set(Some(opened.id));
    model.checkout_url = Set(Some(opened.url.clone()));
    model.updated_at = Set(Utc::now());
    model.update(db).await?;
    Ok(opened.url)
}

/// Where the checkout behind `return_key` stands. `left`: the invitee came
/// back from Stripe's page without paying, so the hold ends now. `from` is
/// the booking page the return link names, offered should the hold be gone.
pub async fn checkout_status(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    booking_id: &BookingId,
    return_key: &str,
    from: &str,
    left: bool,
) -> Result<CheckoutState, BookingError> {
    let booking_page = booking_page_path(from);
    let found = payment::Entity::find()
        .filter(payment::Column::BookingId.eq(booking_id))
        .filter(payment::Column::ReturnKeyHash.eq(hash_token(return_key)))
        .one(db)
        .await?;
    let Some(found) = found else {
        return Ok(CheckoutState::Released { booking_page });
    };
    let Some(held) = booking::Entity::find_by_id(booking_id).one(db).await? else {
        return Ok(CheckoutState::Released { booking_page });
    };
    if found.status != payment::OPEN {
        let token = secrets.open(&found.manage_token_sealed).map_err(|error| {
            tracing::error!(%error, "the manage link's secret cannot be opened");
            BookingError::NotFound
        })?;
        return Ok(CheckoutState::Confirmed {
            manage_url: format!("/bookings/{booking_id}?token={token}&confirmed=1"),
        });
    }
    if left {
        enqueue(
            db,
            &ExpireCheckoutHold {
                payment_id: found.id.clone(),
            },
        )
        .await?;
        return Ok(CheckoutState::Released { booking_page });
    }
    let (_, event_type) = crate::ssr::services::bookings::host_and_event(db, &held).await?;
    let tz = held.invitee_time_zone.tz();
    Ok(CheckoutState::Waiting {
        amount: money_of(found.amount, &found.currency).to_string(),
        event_type_name: event_type.name,
        start: range_in(tz, held.start_at, held.end_at),
    })
}

/// `from` when it is a booking page's path, else the site's front page.
fn booking_page_path(from: &str) -> String {
    let mut parts = from.strip_prefix('/').unwrap_or_default().split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(host), Some(event), None) if HostSlug::parse(host).is_ok() && EventSlug::parse(event).is_ok() => {
            format!("/{host}/{event}")
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_booking_page_path_is_offered_to_go_back_to() {
        assert_eq!(booking_page_path("/ada/intro-call"), "/ada/intro-call");
        assert_eq!(booking_page_path("https://evil.example/x"), "/");
        assert_eq!(booking_page_path("//evil.example/x"), "/");
        assert_eq!(booking_page_path("/ada/intro/extra"), "/");
        assert_eq!(booking_page_path(""), "/");
    }
}
