#[cfg(feature = "ssr")]
use super::booking_views::{booking_dto_paid, dashboard};
use crate::domain::BookingId;
use crate::dto::{BookingDto, BookingForm, BookingPageDto, DashboardBookings, HostPageDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use chrono::Utc;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The booking page's URL state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BookingPageQuery {
    pub host: String,
    pub event: String,
    pub time_zone: Option<String>,
    pub month: Option<String>,
    pub date: Option<String>,
    pub slot: Option<String>,
    #[serde(default)]
    pub duration: Option<String>,
    pub reschedule: Option<BookingId>,
    pub token: Option<String>,
}

#[server]
pub async fn host_page(host: String) -> Result<HostPageDto, AppError> {
    use crate::ssr::{
        context::state,
        services::{bookings, event_types},
    };
    let state = state()?;
    let host = bookings::find_host(&state.db, &host).await?;
    let events = event_types::list_of(&state.db, &host.id, event_types::Listing::Bookable).await?;
    Ok(HostPageDto {
        host_name: host.name,
        host_slug: host.slug,
        event_types: events.iter().map(event_types::to_dto).collect(),
    })
}

/// Fixed endpoints: scripts and the Zapier app's tests book through them.
#[server(endpoint = "booking_page")]
pub async fn booking_page(query: BookingPageQuery) -> Result<BookingPageDto, AppError> {
    use crate::ssr::{context::state, services::booking_page};
    let state = state()?;
    let page_query = booking_page::PageQuery {
        time_zone: query.time_zone,
        month: query.month,
        date: query.date,
        slot: query.slot,
        duration: query.duration,
        reschedule: query.reschedule.zip(query.token),
    };
    booking_page::load(&state.db, &query.host, &query.event, page_query).await
}

#[server(endpoint = "book")]
pub async fn book(form: BookingForm) -> Result<(), AppError> {
    use crate::ssr::{
        context::{client_ip, state},
        jobs_ready,
        services::bookings,
    };
    let state = state()?;
    state.access.admit_booking(client_ip())?;
    let limits = state.access.booking_limits();
    let event = bookings::find_public_event(&state.db, &form.host, &form.event).await?;
    let created = bookings::create(
        &state.db,
        &state.secrets,
        limits,
        event,
        form,
        crate::domain::BookingSource::Page,
        None,
    )
    .await?;
    jobs_ready(&state);
    let next = match &created.checkout {
        // Paid: to Stripe, whose page sends the invitee back to wait for
        // Stripe's word.
        Some(held) => {
            crate::ssr::services::payments::open_checkout(
                &state.db,
                &state.secrets,
                state.payments.as_ref(),
                &state.config.public_url,
                &created.details,
                held,
            )
            .await?
        }
        None => format!(
            "/bookings/{}?token={}&confirmed=1",
            created.details.booking.id, created.token
        ),
    };
    leptos_axum::redirect(&next);
    Ok(())
}

#[server]
pub async fn managed_booking(id: BookingId, token: String) -> Result<BookingDto, AppError> {
    use crate::ssr::{context::state, services::bookings};
    let state = state()?;
    let details = bookings::get(&state.db, &id, &bookings::Actor::Invitee { token: &token }).await?;
    booking_dto_paid(&state.db, &details, Utc::now()).await
}

#[server]
pub async fn cancel_as_invitee(id: BookingId, token: String, reason: String) -> Result<BookingDto, AppError> {
    use crate::ssr::{context::state, jobs_ready, services::bookings};
    let state = state()?;
    let cancel = bookings::Cancel { id, reason };
    let details = bookings::cancel(&state.db, cancel, bookings::Actor::Invitee { token: &token }).await?;
    jobs_ready(&state);
    booking_dto_paid(&state.db, &details, Utc::now()).await
}

#[server]
pub async fn reschedule(id: BookingId, token: String, start: String) -> Result<(), AppError> {
    use crate::ssr::{context::state, jobs_ready, services::bookings};
    let state = state()?;
    let start = bookings::parse_start(&start)?;
    let command = bookings::Reschedule { id, start };
    let details = bookings::reschedule(
        &state.db,
        &state.secrets,
        command,
        bookings::Actor::Invitee { token: &token },
    )
    .await?;
    jobs_ready(&state);
    leptos_axum::redirect(&format!(
        "/bookings/{}?token={}&rescheduled=1",
        details.booking.id, token
    ));
    Ok(())
}

#[server]
pub async fn host_bookings() -> Result<DashboardBookings, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::bookings};
    let state = state()?;
    let host = require_user(&state.db).await?;
    let list = bookings::list_for_host(&state.db, &host).await?;
    Ok(dashboard(&host, &list, Utc::now()))
}

#[server]
pub async fn host_booking(id: BookingId) -> Result<BookingDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::bookings};
    let state = state()?;
    let host = require_user(&state.db).await?;
    let details = bookings::get(&state.db, &id, &bookings::Actor::Host(&host)).await?;
    booking_dto_paid(&state.db, &details, Utc::now()).await
}

#[server]
pub async fn cancel_as_host(id: BookingId, reason: String) -> Result<BookingDto, AppError> {
    use crate::ssr::{auth::require_user, context::state, jobs_ready, services::bookings};
    let state = state()?;
    let host = require_user(&state.db).await?;
    let cancel = bookings::Cancel { id, reason };
    let details = bookings::cancel(&state.db, cancel, bookings::Actor::Host(&host)).await?;
    jobs_ready(&state);
    booking_dto_paid(&state.db, &details, Utc::now()).await
}
