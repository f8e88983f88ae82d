//! `/bookings/{id}/checkout?key=…&from=…`: where Stripe's page sends the
//! invitee back. The booking is confirmed only by Stripe's own event, so the
//! page says it is waiting and asks again every two seconds; once confirmed
//! it moves on to the manage page. Coming back with `left=1` (from Stripe's
//! "back" link) releases the held time at once.
use crate::components::{ErrorNotice, Loading};
use crate::dto::CheckoutState;
use crate::functions::payments::checkout_status;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::time::Duration;

const POLL: Duration = Duration::from_secs(2);

#[component]
pub fn CheckoutReturnPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let tick = RwSignal::new(0_u32);
    let state = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("key").unwrap_or_default(),
                q.get("from").unwrap_or_default(),
                q.get("left").is_some(),
                tick.get(),
            )
        },
        |(id, key, from, left, _)| checkout_status(id.into(), key, from, left),
    );
    let navigate = use_navigate();
    Effect::new(move |_| match state.get() {
        Some(Ok(CheckoutState::Waiting { .. })) => set_timeout(move || tick.update(|n| *n += 1), POLL),
        Some(Ok(CheckoutState::Confirmed { manage_url })) => navigate(
            &manage_url,
            leptos_router::NavigateOptions {
                replace: true,
                ..Default::default()
            },
        ),
        _ => {}
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(state) => view! { <CheckoutView state/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
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
            </section>
        }
        .into_any(),
        CheckoutState::Confirmed { manage_url } => view! {
            <Title text="Payment received"/>
            <section class="card narrow" aria-labelledby="checkout-heading">
                <h1 id="checkout-heading">"Payment received"</h1>
                <p role="status"><A href=manage_url>"See your booking"</A></p>
            </section>
        }
        .into_any(),
        CheckoutState::Released { booking_page } => view! {
            <Title text="Payment not completed"/>
            <section class="card narrow" aria-labelledby="checkout-heading" data-testid="checkout-released">
                <h1 id="checkout-heading">"Payment not completed"</h1>
                <p>"Nothing was charged, and the time is no longer held for you."</p>
                <p><A href=booking_page attr:class="button primary" attr:data-testid="checkout-book-again">"Choose a time again"</A></p>
            </section>
        }
        .into_any(),
    }
}
