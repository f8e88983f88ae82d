//! `/dashboard/bookings/{id}`: one booking for its host, with its payment
//! and refunds, and cancelling it.
use super::DashboardShell;
use super::payments::PaymentPanel;
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, TextArea};
use crate::dto::BookingWithPayment;
use crate::error::AppError;
use crate::functions::bookings::CancelAsHost;
use crate::functions::payments::host_booking_detail;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn BookingDetailPage() -> impl IntoView {
    // Made here, outside the shell's Suspend, so that the server renders
    // and serializes one resource: one made inside could be made twice,
    // and the first one's fetch outlives its owner (issue 15's note).
    let params = use_params_map();
    let cancel = ServerAction::<CancelAsHost>::new();
    let booking = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), cancel.version().get()),
        |(id, _)| host_booking_detail(id.into()),
    );
    view! {
        <Title text="Booking"/>
        <DashboardShell>
            <BookingDetail booking cancel/>
        </DashboardShell>
    }
}

#[component]
fn BookingDetail(
    booking: Resource<Result<BookingWithPayment, AppError>>,
    cancel: ServerAction<CancelAsHost>,
) -> impl IntoView {
    let value = cancel.value();
    view! {
        <p><A href="/dashboard">"← All bookings"</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match booking.await {
                    Ok(BookingWithPayment { booking: b, payment }) => {
                        let cancellable = b.can_change;
                        let paid = b.paid.is_some();
                        view! {
                            <section class="card" aria-labelledby="booking-heading">
                                <h1 id="booking-heading">{format!("{} with {}", b.event_name, b.invitee_name)}</h1>
                                <dl class="details-list">
                                    <dt>"When"</dt><dd data-testid="booking-when-host">{b.when_host.clone()}</dd>
                                    <dt>"Invitee’s time"</dt><dd>{b.when_invitee.clone()}</dd>
                                    <dt>"Invitee"</dt><dd>{format!("{} ({})", b.invitee_name, b.invitee_email)}</dd>
                                    {b.invitee_phone.clone().map(|p| view! { <dt>"Phone"</dt><dd>{p}</dd> })}
                                    {b.answers.iter().map(|a| view! { <dt>{a.question.clone()}</dt><dd class="pre" data-testid="booking-answer">{a.value.clone()}</dd> }).collect_view()}
                                    {b.notes.clone().map(|n| view! { <dt>"Notes"</dt><dd class="pre">{n}</dd> })}
                                    <dt>"Status"</dt><dd data-testid="booking-status">{b.status.label()}</dd>
                                    <dt>"Booked through"</dt><dd data-testid="booking-source">{b.source.clone()}</dd>
                                    {b.cancel_reason.clone().map(|r| view! { <dt>"Cancel reason"</dt><dd>{r}</dd> })}
                                </dl>
                                {cancellable.then(|| view! {
                                    <ActionForm action=cancel attr:novalidate=true>
                                        <input type="hidden" name="id" value=b.id.to_string()/>
                                        <FormAlert value/>
                                        {paid.then_some(view! { <p class="hint">"Cancelling refunds the invitee in full."</p> })}
                                        <TextArea id="host-cancel-reason" name="reason" label="Reason (sent to the invitee)" error=field_error(value, "reason") rows=3/>
                                        <button type="submit" class="button danger" data-testid="host-cancel-booking">"Cancel booking"</button>
                                    </ActionForm>
                                })}
                            </section>
                            {payment.map(|p| view! { <PaymentPanel p/> })}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
