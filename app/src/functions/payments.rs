//! Payments: the Stripe card's connect and disconnect, the host's list of
//! payments and a booking with its payment, and the invitee's checkout
//! status.
use crate::domain::BookingId;
use crate::dto::{BookingWithPayment, CheckoutState, PaymentRow, StripeCardDto, StripeKeysForm};
use crate::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn stripe_card() -> Result<StripeCardDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::stripe};
    let state = state()?;
    let user = require_user(&state.db).await?;
    stripe::card(&state.db, &state.config.public_url, &user).await
}

#[server]
pub async fn connect_stripe(form: StripeKeysForm) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::stripe};
    let state = state()?;
    let user = require_user(&state.db).await?;
    stripe::connect(&state.db, &state.secrets, state.payments.as_ref(), &user, &form).await
}

#[server]
pub async fn disconnect_stripe() -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::stripe};
    let state = state()?;
    let user = require_user(&state.db).await?;
    stripe::disconnect(&state.db, &user).await
}

/// The payments of the bookings the signed-in user manages, newest first.
#[server]
pub async fn host_payments() -> Result<Vec<PaymentRow>, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::payments};
    let state = state()?;
    let user = require_user(&state.db).await?;
    payments::list_for_team(&state.db, &user).await
}

/// A booking for its host with its payment and refunds (none when unpaid),
/// in one call: the page's one resource reads the server's state once.
#[server]
pub async fn host_booking_detail(id: BookingId) -> Result<BookingWithPayment, AppError> {
    use super::booking_views::booking_dto_paid;
    use crate::ssr::{auth::require_user, context::state, services::bookings, services::payments};
    let state = state()?;
    let user = require_user(&state.db).await?;
    let details = bookings::get(&state.db, &id, &bookings::Actor::Host(&user)).await?;
    let booking = booking_dto_paid(&state.db, &details, chrono::Utc::now()).await?;
    let found = payments::payment_of_booking(&state.db, &id).await?;
    let payment = found.map(|(paid, refunds)| payments::payment_dto(&paid, &refunds, user.zone()));
    Ok(BookingWithPayment { booking, payment })
}

/// Where the invitee's checkout stands; `left` when they came back from
/// Stripe's page without paying, which ends the hold.
#[server]
pub async fn checkout_status(id: BookingId, key: String, from: String, left: bool) -> Result<CheckoutState, AppError> {
    use crate::ssr::{context::state, jobs_ready, services::payments};
    let state = state()?;
    let status = payments::checkout_status(&state.db, &state.secrets, &id, &key, &from, left).await?;
    if left {
        jobs_ready(&state);
    }
    Ok(status)
}
