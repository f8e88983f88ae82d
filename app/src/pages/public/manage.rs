//! `/bookings/{id}?token=…`: the invitee's confirmation and manage page.
use crate::components::field::field_error;
use crate::components::typed::typed_into;
use crate::components::{ErrorNotice, FormAlert, Loading, TextArea};
use crate::domain::BookingStatus;
use crate::dto::BookingDto;
use crate::error::AppError;
use crate::functions::bookings::{CancelAsInvitee, managed_booking};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ManagePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let booking = Resource::new(
        move || {
            let id = params.read().get("id").unwrap_or_default();
            let token = query.read().get("token").unwrap_or_default();
            (id, token)
        },
        |(id, token)| async move {
            if token.is_empty() {
                Err(AppError::NotFound)
            } else {
                managed_booking(id.into(), token).await
            }
        },
    );
    let confirmed = move || query.read().get("confirmed").is_some();
    let rescheduled = move || query.read().get("rescheduled").is_some();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match booking.await {
                    Ok(b) => {
                        let token = query.read_untracked().get("token").unwrap_or_default();
                        view! { <ManageView booking=b token confirmed=confirmed() rescheduled=rescheduled()/> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Cancelling reloads the page, which then shows the booking cancelled.
#[island]
fn CancelForm(id: String, token: String, refund_note: Option<String>) -> impl IntoView {
    let cancel = ServerAction::<CancelAsInvitee>::new();
    let value = cancel.value();
    let reason = RwSignal::new(typed_into(CANCEL_FORM).remove("reason").unwrap_or_default());
    Effect::new(move || {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            _ = window().location().reload();
        }
    });
    view! {
        <details class="cancel-box">
            <summary data-testid="cancel-toggle">"Cancel this booking"</summary>
            <ActionForm action=cancel attr:novalidate=true attr:id=CANCEL_FORM>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="token" value=token/>
                <FormAlert value/>
                {refund_note.map(|note| view! { <p class="hint" data-testid="cancel-refund-note">{note}</p> })}
                <TextArea id="cancel-reason-input" name="reason" label="Reason for cancelling" value=reason on_input=Callback::new(move |v| reason.set(v)) error=field_error(value, "reason") rows=3/>
                <button type="submit" class="button danger" data-testid="cancel-booking" disabled=move || cancel.pending().get()>"Cancel booking"</button>
            </ActionForm>
        </details>
    }
}

const CANCEL_FORM: &str = "cancel-form";

#[component]
fn ManageView(booking: BookingDto, token: String, confirmed: bool, rescheduled: bool) -> impl IntoView {
    let cancelled = booking.status == BookingStatus::Cancelled;
    let heading = if cancelled {
        "This booking is cancelled"
    } else if confirmed {
        "You’re booked"
    } else if rescheduled {
        "Your booking was rescheduled"
    } else {
        "Your booking"
    };
    let can_change = booking.can_change;
    let reschedule_href = format!(
        "/{}/{}?reschedule={}&token={}&tz={}",
        booking.host_slug, booking.event_slug, booking.id, token, booking.invitee_time_zone
    );
    view! {
        <Title text=heading/>
        <section class="card narrow" aria-labelledby="manage-heading">
            <h1 id="manage-heading" data-testid="manage-heading">{heading}</h1>
            {confirmed.then(|| view! { <p>"A confirmation email is on its way to " <strong>{booking.invitee_email.clone()}</strong> "."</p> })}
            <dl class="details-list">
                <dt>"What"</dt>
                <dd data-testid="booking-event">{format!("{} with {}", booking.event_name, booking.host_name)}</dd>
                <dt>"When"</dt>
                <dd data-testid="booking-when">{booking.when_invitee.clone()}</dd>
                <dt>{format!("For {}", booking.host_name)}</dt>
                <dd data-testid="booking-when-host">{booking.when_host.clone()}</dd>
                {booking.previous_when_invitee.clone().filter(|_| !cancelled).map(|p| view! { <dt>"Previously"</dt><dd data-testid="booking-previous"><s>{p}</s></dd> })}
                {booking.location.clone().map(|l| view! { <dt>"Where"</dt><dd>{l}</dd> })}
                <dt>"Who"</dt>
                <dd>{format!("{} ({})", booking.invitee_name, booking.invitee_email)}</dd>
                {booking.invitee_phone.clone().map(|p| view! { <dt>"Phone"</dt><dd>{p}</dd> })}
                {booking.answers.iter().map(|a| view! { <dt>{a.question.clone()}</dt><dd class="pre" data-testid="booking-answer">{a.value.clone()}</dd> }).collect_view()}
                {booking.notes.clone().map(|n| view! { <dt>"Notes"</dt><dd class="pre">{n}</dd> })}
                <dt>"Status"</dt>
                <dd data-testid="booking-status">{if cancelled { "Cancelled" } else if booking.is_past { "Took place" } else { "Confirmed" }}</dd>
                {booking.cancel_reason.clone().filter(|_| cancelled).map(|r| view! { <dt>"Reason"</dt><dd data-testid="cancel-reason">{r}</dd> })}
                {booking.paid.clone().map(|p| view! { <dt>"Payment"</dt><dd data-testid="booking-paid">{p}</dd> })}
                {booking.refund.clone().map(|r| view! { <dt>"Refund"</dt><dd data-testid="booking-refund">{r}</dd> })}
                {(cancelled && booking.paid.is_some() && booking.refund.is_none()).then(|| view! {
                    <dt>"Refund"</dt><dd data-testid="booking-refund">"None: it was cancelled inside the refund window."</dd>
                })}
            </dl>
            {can_change.then(|| view! {
                <div class="manage-actions">
                    <a href=reschedule_href class="button" data-testid="reschedule-link">"Reschedule"</a>
                </div>
                <CancelForm id=booking.id.to_string() token=token.clone() refund_note=booking.cancel_refund.clone()/>
            })}
            {cancelled.then(|| view! {
                <p><a href=format!("/{}/{}", booking.host_slug, booking.event_slug)>"Book a new time"</a></p>
            })}
        </section>
    }
}
