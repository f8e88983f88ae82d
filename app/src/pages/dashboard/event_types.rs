use super::event_type_hubspot::{HubspotMappingEditor, MappingActions};
use super::event_type_questions::{QuestionActions, QuestionsEditor};
use super::{DashboardShell, use_current_user};
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, SelectField, TextArea, TextField};
use crate::domain::Currency;
use crate::domain::booking::PAYMENT_HOLD_MINUTES;
use crate::domain::questions::PhoneField;
use crate::dto::EventTypeDto;
use crate::functions::event_types::{SaveEventType, SetEventTypeActive, get_event_type, list_event_types};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn EventTypesPage() -> impl IntoView {
    view! {
        <Title text="Event types"/>
        <DashboardShell>
            <EventTypeList/>
        </DashboardShell>
    }
}

#[component]
fn EventTypeList() -> impl IntoView {
    let user = use_current_user();
    let toggle = ServerAction::<SetEventTypeActive>::new();
    let list = Resource::new(move || toggle.version().get(), |_| list_event_types());
    view! {
        <div class="page-heading">
            <h1>"Event types"</h1>
            <A href="/dashboard/event-types/new" attr:class="button primary" attr:data-testid="new-event-type">"New event type"</A>
        </div>
        <Transition fallback=Loading>
            {move || {
                let slug = user.slug.clone();
                Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => view! { <p>"No event types yet. Create one to start taking bookings."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="event-type-cards">
                                {list.into_iter().map(|e| view! { <EventTypeCard event=e host_slug=slug.clone() toggle/> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn EventTypeCard(event: EventTypeDto, host_slug: String, toggle: ServerAction<SetEventTypeActive>) -> impl IntoView {
    let public = format!("/{host_slug}/{}", event.slug);
    view! {
        <li class="card event-type-card" class:inactive=!event.active data-testid=format!("event-type-{}", event.slug)>
            <h2>{event.name.clone()}</h2>
            <p class="muted">
                {format!("{} min · /{}", event.duration_min, event.slug)}
                {event.price.map(|price| view! { <span>{format!(" · {price}")}</span> })}
                {(!event.active).then_some(" · inactive")}
            </p>
            <p class="actions">
                <A href=format!("/dashboard/event-types/{}", event.id) attr:data-testid="edit-event-type">"Edit"</A>
                {event.active.then(|| view! { <A href=public.clone()>"Open booking page"</A> })}
            </p>
            <ActionForm action=toggle attr:class="inline-form" attr:novalidate=true>
                <input type="hidden" name="id" value=event.id.to_string()/>
                <input type="hidden" name="active" value=(!event.active).to_string()/>
                <button type="submit" class="button small" data-testid="toggle-event-type">
                    {if event.active { "Deactivate" } else { "Activate" }}
                </button>
            </ActionForm>
        </li>
    }
}

#[component]
pub fn EventTypeEditPage() -> impl IntoView {
    view! {
        <Title text="Event type"/>
        <DashboardShell>
            <EventTypeEditor/>
        </DashboardShell>
    }
}

#[component]
fn EventTypeEditor() -> impl IntoView {
    let params = use_params_map();
    let existing = Resource::new(
        move || params.read().get("id"),
        |id| async move {
            match id {
                Some(id) => get_event_type(id.into()).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let id = Signal::derive(move || params.read().get("id"));
    let question_actions = QuestionActions::default();
    let questions = question_actions.questions(id);
    let hubspot_actions = MappingActions::default();
    let hubspot = hubspot_actions.settings(id);
    view! {
        <p><A href="/dashboard/event-types">"← Event types"</A></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match existing.await {
                    Ok(Some(event)) => {
                        let id = event.id.clone();
                        view! {
                            <EventTypeForm event=Some(event)/>
                            <QuestionsEditor event_type_id=id.to_string() questions actions=question_actions/>
                            <HubspotMappingEditor settings=hubspot actions=hubspot_actions/>
                        }
                        .into_any()
                    }
                    Ok(None) => view! {
                        <EventTypeForm event=None/>
                        <p class="narrow muted">"Once the event type is saved, you can add questions to its booking form."</p>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EventTypeForm(event: Option<EventTypeDto>) -> impl IntoView {
    let action = ServerAction::<SaveEventType>::new();
    let value = action.value();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            navigate("/dashboard/event-types", Default::default());
        }
    });
    let text = |f: fn(&EventTypeDto) -> String, default: &str| {
        let v = event.as_ref().map(f).unwrap_or_else(|| default.to_owned());
        Signal::derive(move || v.clone())
    };
    let (name, slug, duration, description, location, min_notice, horizon, buffer_before, buffer_after) = (
        text(|e| e.name.clone(), ""),
        text(|e| e.slug.clone(), ""),
        text(|e| e.duration_min.to_string(), "30"),
        text(|e| e.description.clone(), ""),
        text(|e| e.location.clone().unwrap_or_default(), ""),
        text(|e| e.min_notice_min.to_string(), "240"),
        text(|e| e.horizon_days.to_string(), "60"),
        text(|e| e.buffer_before_min.to_string(), "0"),
        text(|e| e.buffer_after_min.to_string(), "0"),
    );
    let other_durations = text(
        |e| {
            let others: Vec<String> = e
                .durations
                .iter()
                .filter(|m| **m != e.duration_min)
                .map(u32::to_string)
                .collect();
            others.join(", ")
        },
        "",
    );
    let phone = event.as_ref().map(|e| e.phone_field).unwrap_or_default();
    let hubspot = if event.as_ref().is_none_or(|e| e.hubspot_sync) {
        "on"
    } else {
        "off"
    };
    let hubspot_options = vec![
        ("on", "Sync this event type’s bookings"),
        ("off", "Don’t sync this event type’s bookings"),
    ];
    let phone_options: Vec<(&str, &str)> = PhoneField::ALL.iter().map(|p| (p.as_str(), p.label())).collect();
    let price = text(|e| e.price.map(|p| p.major_units()).unwrap_or_default(), "");
    let refund_window = text(|e| e.refund_window_hours.to_string(), "24");
    let currency = event
        .as_ref()
        .and_then(|e| e.price)
        .map_or(Currency::USD, |p| p.currency)
        .code();
    let currency_options: Vec<(&str, &str)> = Currency::all().map(|c| (c.code(), c.label())).collect();
    let id = event.as_ref().map(|e| e.id.to_string()).unwrap_or_default();
    let heading = if event.is_some() {
        "Edit event type"
    } else {
        "New event type"
    };
    view! {
        <section class="card narrow" aria-labelledby="event-type-heading">
            <h1 id="event-type-heading">{heading}</h1>
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <FormAlert value/>
                <TextField id="event-name" name="form[name]" label="Name" required=true value=name error=field_error(value, "name")/>
                <TextField id="event-slug" name="form[slug]" label="URL slug" hint="Leave empty to derive it from the name." value=slug error=field_error(value, "slug")/>
                <TextField id="event-duration" name="form[duration]" label="Duration (minutes)" kind="number" min="5" max="720" required=true value=duration error=field_error(value, "duration")/>
                <TextField id="event-durations" name="form[durations]" label="Other durations invitees may choose (minutes)" hint="Optional, e.g. “15, 60”. The duration above is the default." value=other_durations error=field_error(value, "durations")/>
                <TextArea id="event-description" name="form[description]" label="Description" value=description error=field_error(value, "description")/>
                <TextField id="event-location" name="form[location]" label="Location (address or meeting URL)" value=location error=field_error(value, "location")/>
                <fieldset>
                    <legend>"Scheduling limits"</legend>
                    <TextField id="event-min-notice" name="form[min_notice]" label="Minimum notice (minutes)" kind="number" min="0" required=true value=min_notice error=field_error(value, "min_notice")/>
                    <TextField id="event-horizon" name="form[horizon]" label="Booking horizon (days ahead)" kind="number" min="1" max="730" required=true value=horizon error=field_error(value, "horizon")/>
                    <TextField id="event-buffer-before" name="form[buffer_before]" label="Buffer before (minutes)" kind="number" min="0" max="720" required=true value=buffer_before error=field_error(value, "buffer_before")/>
                    <TextField id="event-buffer-after" name="form[buffer_after]" label="Buffer after (minutes)" kind="number" min="0" max="720" required=true value=buffer_after error=field_error(value, "buffer_after")/>
                </fieldset>
                <SelectField id="event-phone" name="form[phone_field]" label="Phone number on the booking form" options=phone_options value=phone.as_str() error=field_error(value, "phone_field")/>
                <fieldset>
                    <legend>"Payment"</legend>
                    <p class="hint">{format!("Invitees pay with Stripe before the booking is confirmed; the time is held for them for {PAYMENT_HOLD_MINUTES} minutes. Leave the price empty for a free event type. Connect Stripe under Integrations first.")}</p>
                    <TextField id="event-price" name="form[price]" label="Price" hint="In the currency’s usual units, e.g. 49.90." value=price error=field_error(value, "price")/>
                    <SelectField id="event-currency" name="form[currency]" label="Currency" options=currency_options value=currency error=field_error(value, "currency")/>
                    <TextField id="event-refund-window" name="form[refund_window]" label="Refund window (hours)" hint="Invitees who cancel at least this many hours before the start get a full refund, and none after. Cancelling as the host always refunds in full." kind="number" min="0" max="8760" required=true value=refund_window error=field_error(value, "refund_window")/>
                </fieldset>
                <SelectField id="event-hubspot" name="form[hubspot_sync]" label="HubSpot (when your team has connected it)" options=hubspot_options value=hubspot error=field_error(value, "hubspot_sync")/>
                <button type="submit" class="button primary" data-testid="save-event-type" disabled=move || action.pending().get()>"Save"</button>
            </ActionForm>
        </section>
    }
}
