//! `/bookings/{id}/checkout?key=…&from=…`: where Stripe's page sends the
//! invitee back. The booking is confirmed only by Stripe's own event, so the
//! page says it is waiting and loads itself again every two seconds; once
//! confirmed it moves on to the manage page. Coming back with `left=1`
//! (from Stripe's "back" link) releases the held time at once.
use crate::components::{ErrorNotice, Loading};
use crate::dto::CheckoutState;
use crate::functions::payments::checkout_status;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::time::Duration;

const POLL: Duration = Duration::from_secs(2);

#[component]
pub fn CheckoutReturnPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let state = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("key").unwrap_or_default(),
                q.get("from").unwrap_or_default(),
                q.get("left").is_some(),
            )
        },
        |(id, key, from, left)| checkout_status(id.into(), key, from, left),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(state) => view! { <CheckoutView state/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Asks again: loads this page anew after [`POLL`].
#[island]
fn PollAgain() -> impl IntoView {
    Effect::new(|| set_timeout(|| _ = window().location().reload(), POLL));
}

/// Moves on to `href` as soon as the page is interactive, leaving no entry
/// in the history; the link beside it serves until then.
#[island]
fn MoveOn(href: String) -> impl IntoView {
    Effect::new(move || crate::hydration::leave_for(&href));
}

#[component]
fn CheckoutView(state: CheckoutState) -> impl IntoView {
    match state {
        CheckoutState::Waiting {
            amount,
            event_type_name,
            start,
        } => view! {
            <Title text="Confirming your payment"/>
            <section class="card narrow" aria-labelledby="checkout-heading" data-testid="checkout-waiting">
                <h1 id="checkout-heading">"Confirming your payment"</h1>
                <p role="status">
                    {format!("Stripe is confirming your payment of {amount} for {event_type_name}, {start}. ")}
                    "This page moves on by itself as soon as it arrives, usually within seconds."
                </p>
                <p class="muted">"Your time stays held for you meanwhile."</p>
                <PollAgain/>
            </section>
        }
        .into_any(),
        CheckoutState::Confirmed { manage_url } => view! {
            <Title text="Payment received"/>
            <section class="card narrow" aria-labelledby="checkout-heading">
                <h1 id="checkout-heading">"Payment received"</h1>
                <p role="status"><a href=manage_url.clone()>"See your booking"</a></p>
                <MoveOn href=manage_url/>
            </section>
        }
        .into_any(),
        CheckoutState::Released { booking_page } => view! {
            <Title text="Payment not completed"/>
            <section class="card narrow" aria-labelledby="checkout-heading" data-testid="checkout-released">
                <h1 id="checkout-heading">"Payment not completed"</h1>
                <p>"Nothing was charged, and the time is no longer held for you."</p>
                <p><a href=booking_page class="button primary" data-testid="checkout-book-again">"Choose a time again"</a></p>
            </section>
        }
        .into_any(),
    }
}
