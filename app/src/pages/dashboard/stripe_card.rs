//! The Stripe card on the integrations page: the owner pastes the secret
//! key and the signing secret of the webhook endpoint they add in Stripe;
//! once connected, event types can carry a price.
use crate::components::field::field_error;
use crate::components::{CopyField, ErrorNotice, FormAlert, Loading, TextField};
use crate::dto::StripeCardDto;
use crate::functions::payments::{ConnectStripe, DisconnectStripe, stripe_card};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

/// The events the endpoint in Stripe must send.
const EVENTS: &str = "checkout.session.completed, checkout.session.expired, charge.refunded, refund.updated";

#[component]
pub fn StripeSection() -> impl IntoView {
    let connect = ServerAction::<ConnectStripe>::new();
    let disconnect = ServerAction::<DisconnectStripe>::new();
    // What was typed outlives the card's redraw after a refused attempt.
    let typed = Typed::default();
    let card = Resource::new(
        move || (connect.version().get(), disconnect.version().get()),
        |_| stripe_card(),
    );
    view! {
        <section class="card integration" aria-labelledby="stripe-heading" data-testid="stripe-card">
            <h2 id="stripe-heading">"Stripe"</h2>
            <p class="muted">"Charge for event types: invitees pay on Stripe’s checkout page before their booking is confirmed, and get their money back under your refund policy when a booking is cancelled."</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match card.await {
                        Ok(card) => view! { <StripeState card connect disconnect typed/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The keys as typed so far.
#[derive(Clone, Copy, Default)]
struct Typed {
    secret_key: RwSignal<String>,
    webhook_secret: RwSignal<String>,
}

#[component]
fn StripeState(
    card: StripeCardDto,
    connect: ServerAction<ConnectStripe>,
    disconnect: ServerAction<DisconnectStripe>,
    typed: Typed,
) -> impl IntoView {
    let keep = |signal: RwSignal<String>| Callback::new(move |v: String| signal.set(v));
    let endpoint = view! {
        <CopyField id="stripe-webhook-url" label="Webhook endpoint to add in Stripe (Developers › Webhooks)" value=card.webhook_url.clone()/>
        <p class="hint">"Send it these events: " {EVENTS} "."</p>
    };
    match (card.account, card.refusal) {
        (Some(account), refusal) => view! {
            <p data-testid="stripe-status">"Connected: key " <strong data-testid="stripe-account">{account}</strong></p>
            {card.connected_at.map(|at| view! { <p class="muted">{format!("Since {at}")}</p> })}
            {endpoint}
            <p><A href="/dashboard/payments">"See payments"</A></p>
            {match refusal {
                Some(reason) => view! { <p class="notice">{reason}</p> }.into_any(),
                None => view! {
                    <ActionForm action=disconnect attr:class="inline-form">
                        <button type="submit" class="button danger" data-testid="stripe-disconnect" disabled=move || disconnect.pending().get()>"Disconnect Stripe"</button>
                    </ActionForm>
                }
                .into_any(),
            }}
        }
        .into_any(),
        (None, Some(reason)) => view! {
            <p data-testid="stripe-status">"Not connected."</p>
            <p class="notice" data-testid="stripe-refusal">{reason}</p>
        }
        .into_any(),
        (None, None) => {
            let value = connect.value();
            view! {
                <p data-testid="stripe-status">"Not connected."</p>
                {endpoint}
                <ActionForm action=connect attr:novalidate=true>
                    <FormAlert value/>
                    <TextField id="stripe-secret-key" name="form[secret_key]" label="Secret key" kind="password" autocomplete="off" required=true hint="From Stripe’s Developers › API keys: sk_live_… (or sk_test_… to try it out)." value=typed.secret_key on_input=keep(typed.secret_key) error=field_error(value, "secret_key")/>
                    <TextField id="stripe-webhook-secret" name="form[webhook_secret]" label="Webhook signing secret" kind="password" autocomplete="off" required=true hint="The endpoint’s signing secret in Stripe: whsec_…" value=typed.webhook_secret on_input=keep(typed.webhook_secret) error=field_error(value, "webhook_secret")/>
                    <button type="submit" class="button primary" data-testid="stripe-connect" disabled=move || connect.pending().get()>"Connect Stripe"</button>
                </ActionForm>
            }
            .into_any()
        }
    }
}
