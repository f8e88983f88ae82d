//! `/dashboard/payments`: what invitees paid, newest first, with where
//! each refund stands; and the payment panel of a booking's page.
use super::DashboardShell;
use crate::components::{ErrorNotice, Loading};
use crate::dto::{PaymentDto, PaymentRow};
use crate::functions::payments::host_payments;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn PaymentsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| host_payments());
    view! {
        <Title text="Payments"/>
        <DashboardShell>
            <h1>"Payments"</h1>
            <p class="muted">"What invitees paid for paid event types, newest first. Refunds follow each event type’s policy."</p>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <p data-testid="payments-empty">"No payments yet. Give an event type a price (Stripe connected under " <A href="/dashboard/integrations">"Integrations"</A> ") and its bookings are paid here."</p>
                        }
                        .into_any(),
                        Ok(rows) => view! { <PaymentsTable rows/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </DashboardShell>
    }
}

#[component]
fn PaymentsTable(rows: Vec<PaymentRow>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <caption class="visually-hidden">"Payments, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Paid"</th>
                        <th scope="col">"Invitee"</th>
                        <th scope="col">"Booking"</th>
                        <th scope="col">"Amount"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Refunds"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let p = row.payment;
                        let refunds = p.refunds.iter().map(|r| r.status_label.clone()).collect::<Vec<_>>().join("; ");
                        view! {
                            <tr data-testid="payment-row" data-status=p.status.clone()>
                                <td>{p.paid_at.clone().unwrap_or_default()}</td>
                                <td>{row.invitee_name} <span class="muted">{format!(" {}", row.invitee_email)}</span></td>
                                <td><A href=format!("/dashboard/bookings/{}", p.booking_id)>{row.event_type_name}</A> <span class="muted">{format!(" {}", row.booking_start)}</span></td>
                                <td data-testid="payment-amount">{p.amount.clone()}</td>
                                <td data-testid="payment-status" class:failed=p.status_label == "Refund failed">{p.status_label.clone()}</td>
                                <td>{refunds}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A booking's payment for its host: amount, method, Stripe's ids and
/// each refund with its attempts and last error.
#[component]
pub fn PaymentPanel(p: PaymentDto) -> impl IntoView {
    let no_refunds = p.refunds.is_empty();
    view! {
        <section class="card" aria-labelledby="payment-heading" data-testid="booking-payment">
            <h2 id="payment-heading">"Payment"</h2>
            <dl class="details-list">
                <dt>"Amount"</dt><dd data-testid="booking-payment-amount">{p.amount.clone()}</dd>
                <dt>"Status"</dt><dd data-testid="booking-payment-status">{p.status_label.clone()}</dd>
                {p.method.clone().map(|m| view! { <dt>"Method"</dt><dd>{m}</dd> })}
                {p.paid_at.clone().map(|at| view! { <dt>"Paid"</dt><dd>{at}</dd> })}
                {p.payment_intent_id.clone().map(|id| view! { <dt>"Stripe payment"</dt><dd><code>{id}</code></dd> })}
                {p.charge_id.clone().map(|id| view! { <dt>"Stripe charge"</dt><dd><code>{id}</code></dd> })}
                {p.refunded.clone().map(|r| view! { <dt>"Refunded"</dt><dd>{r}</dd> })}
            </dl>
            <div class="refunds" hidden=no_refunds>
                <h3>"Refunds"</h3>
                <ul class="plain-list">
                    {p.refunds.into_iter().map(|r| {
                        let mut details = format!(" · {} · asked {}", r.reason, r.requested_at);
                        if r.attempts > 1 {
                            details.push_str(&format!(" · {} attempts", r.attempts));
                        }
                        if let Some(id) = &r.stripe_refund_id {
                            details.push_str(&format!(" · {id}"));
                        }
                        let unfailed = r.last_error.is_none();
                        view! {
                            <li data-testid="booking-refund" data-status=r.status.clone()>
                                <strong>{r.status_label.clone()}</strong>
                                <span>{details}</span>
                                <span class="field-error" data-testid="booking-refund-error" hidden=unfailed>{r.last_error.unwrap_or_default()}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </section>
    }
}
