//! `/{host}/{event}`: pick a day, then a time, then say who you are.
//!
//! The chosen month, day, slot and time zone live in the URL, so every step
//! is a link the server renders: it works before the page hydrates, with the
//! keyboard, and with the browser's back button. Only the time-zone picker
//! and the forms are islands (`crate::hydration`).
use crate::components::calendar::Calendar;
use crate::components::field::field_error;
use crate::components::time_zone_select::TimeZoneSelect;
use crate::components::typed::typed_into;
use crate::components::{CheckboxesField, ChoiceField, ErrorNotice, FormAlert, Loading, TextArea, TextField};
use crate::domain::booking::PAYMENT_HOLD_MINUTES;
use crate::domain::money::Money;
use crate::domain::questions::{PhoneField, Question, QuestionKind, YES_NO};
use crate::dto::BookingPageDto;
use crate::error::AppError;
use crate::functions::bookings::{Book, BookingPageQuery, Reschedule, booking_page};
use crate::hydration::go_to;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// The page's state as carried in its query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct UrlState {
    path: String,
    time_zone: Option<String>,
    month: Option<String>,
    date: Option<String>,
    slot: Option<String>,
    /// Minutes, when the event type offers several durations.
    duration: Option<String>,
    reschedule: Option<String>,
    token: Option<String>,
}

impl UrlState {
    fn href(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("tz", &self.time_zone),
            ("month", &self.month),
            ("date", &self.date),
            ("slot", &self.slot),
            ("duration", &self.duration),
            ("reschedule", &self.reschedule),
            ("token", &self.token),
        ] {
            if let Some(value) = value {
                query.append_pair(key, value);
            }
        }
        let query = query.finish();
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        }
    }

    fn with_month(&self, month: String) -> String {
        Self {
            month: Some(month),
            date: None,
            slot: None,
            ..self.clone()
        }
        .href()
    }

    fn with_date(&self, month: &str, date: String) -> String {
        Self {
            month: Some(month.to_owned()),
            date: Some(date),
            slot: None,
            ..self.clone()
        }
        .href()
    }

    fn with_slot(&self, month: &str, date: &str, slot: String) -> String {
        Self {
            month: Some(month.to_owned()),
            date: Some(date.to_owned()),
            slot: Some(slot),
            ..self.clone()
        }
        .href()
    }

    /// Another length changes which times are free: the chosen time goes.
    fn with_duration(&self, minutes: u32) -> String {
        Self {
            duration: Some(minutes.to_string()),
            slot: None,
            ..self.clone()
        }
        .href()
    }

    fn with_time_zone(&self, time_zone: String) -> String {
        Self {
            time_zone: Some(time_zone),
            slot: None,
            ..self.clone()
        }
        .href()
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let (host, event) =
                params.with(|p| (p.get("host").unwrap_or_default(), p.get("event").unwrap_or_default()));
            let state = query.with(|q| UrlState {
                path: format!("/{host}/{event}"),
                time_zone: q.get("tz"),
                month: q.get("month"),
                date: q.get("date"),
                slot: q.get("slot"),
                duration: q.get("duration"),
                reschedule: q.get("reschedule"),
                token: q.get("token"),
            });
            let key = BookingPageQuery {
                host,
                event,
                time_zone: state.time_zone.clone(),
                month: state.month.clone(),
                date: state.date.clone(),
                slot: state.slot.clone(),
                duration: state.duration.clone(),
                reschedule: state.reschedule.clone().map(Into::into),
                token: state.token.clone(),
            };
            (key, state)
        },
        |(key, state)| async move { booking_page(key).await.map(|page| (page, state)) },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok((page, state)) => view! { <BookingView page state/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BookingView(page: BookingPageDto, state: UrlState) -> impl IntoView {
    let month = page.month.clone();
    let day_state = state.clone();
    let day_href = Callback::new(move |date: String| day_state.with_date(&month, date));
    let event = page.event.clone();
    let title = format!("{} with {}", event.name, page.host_name);
    let (host_href, host_name) = (format!("/{}", page.host_slug), page.host_name.clone());
    let picker = view! {
        <section class="card picker" aria-label="Choose a time">
            <TimeZonePicker value=page.time_zone.clone() state=state.clone()/>
            <div class="picker-columns">
                <Calendar
                    month_label=page.month_label.clone()
                    leading_blanks=page.leading_blanks
                    days=page.days.clone()
                    selected=page.selected_date.clone()
                    prev_href=page.prev_month.clone().map(|m| state.with_month(m))
                    next_href=page.next_month.clone().map(|m| state.with_month(m))
                    day_href
                />
                <SlotList page=page.clone() state=state.clone()/>
            </div>
        </section>
    }
    .into_any();
    view! {
        <Title text=title/>
        <div class="booking-layout">
            <section class="card event-summary" aria-labelledby="event-heading">
                <p class="muted"><a href=host_href>{host_name}</a></p>
                <h1 id="event-heading">{event.name.clone()}</h1>
                <p class="meta">
                    <span data-testid="event-duration">{format!("{} min", page.duration_min)}</span>
                    {event.price.map(|price| view! { <span>" · " <span data-testid="event-price">{price.to_string()}</span></span> })}
                    {event.location.clone().map(|l| view! { <span>" · " {l}</span> })}
                </p>
                {(event.durations.len() > 1 && page.rescheduling_from.is_none()).then(|| view! {
                    <DurationChoice durations=event.durations.clone() chosen=page.duration_min state=state.clone()/>
                })}
                {(!event.description.is_empty()).then(|| view! { <p>{event.description.clone()}</p> })}
                {page.rescheduling_from.clone().map(|from| view! {
                    <div class="notice" data-testid="rescheduling-banner">
                        <strong>"Rescheduling"</strong>
                        <p>"Currently booked for " {from} ". Pick a new time below."</p>
                    </div>
                })}
            </section>
            {picker}
            {page.selected_slot.clone().map(|start| {
                let label = page.selected_slot_label.clone().unwrap_or_default();
                if let (Some(id), Some(token)) = (state.reschedule.clone(), state.token.clone()) {
                    view! { <RescheduleForm id token start label/> }.into_any()
                } else {
                    let fixed = BookingFields {
                        host: page.host_slug.clone(),
                        event: page.event.slug.clone(),
                        start,
                        time_zone: page.time_zone.clone(),
                        duration: page.duration_min,
                    };
                    view! {
                        <DetailsForm
                            fixed
                            label
                            questions=page.questions.clone()
                            phone_field=page.event.phone_field
                            price=page.event.price
                        />
                    }
                    .into_any()
                }
            })}
        </div>
    }
}

/// The invitee's time zone, as a searchable list. Choosing one loads the
/// page in it; a first visit without one loads it in the browser's own.
#[island]
fn TimeZonePicker(value: String, state: UrlState) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let shown = value.clone();
        let state = state.clone();
        Effect::new(move || {
            if state.time_zone.is_none()
                && let Some(tz) = browser_time_zone()
                && tz != shown
            {
                crate::hydration::leave_for(&state.with_time_zone(tz));
            }
        });
    }
    let on_change = Callback::new(move |tz: String| go_to(&state.with_time_zone(tz)));
    view! { <TimeZoneSelect id="time-zone" label="Your time zone" value on_change/> }
}

/// The zone the browser runs in, e.g. `America/New_York`.
#[cfg(feature = "hydrate")]
fn browser_time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()?
        .as_string()
}

/// The lengths an invitee may book, as links: each shows that length's times.
#[component]
fn DurationChoice(durations: Vec<u32>, chosen: u32, state: UrlState) -> impl IntoView {
    view! {
        <nav aria-labelledby="duration-heading" class="duration-choice">
            <h2 id="duration-heading" class="small-heading">"Duration"</h2>
            <ul class="slots">
                {durations.into_iter().map(|minutes| {
                    let selected = minutes == chosen;
                    view! {
                        <li>
                            <a
                                href=state.with_duration(minutes)
                                class=if selected { "slot selected" } else { "slot" }
                                aria-current=selected.then_some("true")
                                data-testid="duration-option"
                                data-minutes=minutes.to_string()
                            >
                                {format!("{minutes} min")}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn SlotList(page: BookingPageDto, state: UrlState) -> impl IntoView {
    let Some(date_label) = page.selected_date_label.clone() else {
        let any = page.days.iter().any(|d| d.has_slots);
        return view! {
            <div class="slot-list">
                <p class="muted" data-testid="slot-hint">
                    {if any { "Select a day to see its times." } else { "No times are free this month. Try the next month." }}
                </p>
            </div>
        }
        .into_any();
    };
    let (month, date) = (page.month.clone(), page.selected_date.clone().unwrap_or_default());
    view! {
        <div class="slot-list">
            <h2 id="slots-heading">{date_label}</h2>
            <p class="muted">"Times in " <span data-testid="slots-time-zone">{page.time_zone.clone()}</span></p>
            {if page.slots.is_empty() {
                view! { <p>"No times left on this day."</p> }.into_any()
            } else {
                view! {
                    <ul aria-labelledby="slots-heading" class="slots">
                        {page.slots.into_iter().map(|slot| {
                            let selected = page.selected_slot.as_deref() == Some(slot.start.as_str());
                            view! {
                                <li>
                                    <a
                                        href=format!("{}#details-heading", state.with_slot(&month, &date, slot.start.clone()))
                                        class=if selected { "slot selected" } else { "slot" }
                                        aria-current=selected.then_some("true")
                                        data-testid="slot"
                                        data-start=slot.start.clone()
                                    >
                                        {slot.label}
                                    </a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}

/// What the booking form sends that the invitee does not type.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BookingFields {
    host: String,
    event: String,
    start: String,
    time_zone: String,
    duration: u32,
}

#[island]
fn DetailsForm(
    fixed: BookingFields,
    label: String,
    questions: Vec<Question>,
    phone_field: PhoneField,
    price: Option<Money>,
) -> impl IntoView {
    let action = ServerAction::<Book>::new();
    let value = action.value();
    // What was typed before this form hydrated stays typed.
    let typed = typed_into(BOOKING_FORM);
    let kept = move |field: &str| RwSignal::new(typed.get(field).cloned().unwrap_or_default());
    let (name, email, phone, notes) = (
        kept("form[name]"),
        kept("form[email]"),
        kept("form[phone]"),
        kept("form[notes]"),
    );
    let keep = |signal: RwSignal<String>| Callback::new(move |v: String| signal.set(v));
    let submit = if price.is_some() {
        "Continue to payment"
    } else {
        "Confirm booking"
    };
    view! {
        <section class="card details" aria-labelledby="details-heading">
            <h2 id="details-heading">"Enter your details"</h2>
            <p class="selected-time" data-testid="selected-time">{label}</p>
            <ActionForm action attr:novalidate=true attr:id=BOOKING_FORM>
                <input type="hidden" name="form[host]" value=fixed.host/>
                <input type="hidden" name="form[event]" value=fixed.event/>
                <input type="hidden" name="form[start]" value=fixed.start/>
                <input type="hidden" name="form[time_zone]" value=fixed.time_zone/>
                <input type="hidden" name="form[duration]" value=fixed.duration.to_string()/>
                <FormAlert value/>
                <TextField id="name" name="form[name]" label="Your name" autocomplete="name" required=true value=name on_input=keep(name) error=field_error(value, "name")/>
                <TextField id="email" name="form[email]" label="Email" kind="email" autocomplete="email" required=true value=email on_input=keep(email) error=field_error(value, "email")/>
                {(phone_field != PhoneField::Hidden).then(|| view! {
                    <TextField id="phone" name="form[phone]" label="Phone" kind="tel" autocomplete="tel" required=phone_field == PhoneField::Required value=phone on_input=keep(phone) error=field_error(value, "phone")/>
                })}
                {questions.into_iter().map(|question| {
                    let answer = kept(&answer_name(&question));
                    view! { <AnswerField question answer value/> }
                }).collect_view()}
                <TextArea id="notes" name="form[notes]" label="Anything to share before the meeting?" value=notes on_input=keep(notes) error=field_error(value, "notes")/>
                {price.map(|price| view! {
                    <p class="hint" data-testid="payment-note">{format!("You pay {price} on Stripe’s secure page next. The time is held for you for {PAYMENT_HOLD_MINUTES} minutes; your booking is confirmed once the payment arrives.")}</p>
                })}
                <button type="submit" class="button primary" data-testid="confirm-booking" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Booking…" } else { submit }}
                </button>
            </ActionForm>
        </section>
    }
}

const BOOKING_FORM: &str = "booking-form";

fn answer_name(question: &Question) -> String {
    format!("form[answers][{}]", question.id)
}

/// The input for one of the host's questions, named `form[answers][{id}]`.
#[component]
fn AnswerField(
    question: Question,
    answer: RwSignal<String>,
    value: MappedSignal<Option<Result<(), AppError>>>,
) -> impl IntoView {
    let field = question.field();
    let name = answer_name(&question);
    let current: Signal<String> = answer.into();
    let keep = Callback::new(move |v: String| answer.set(v));
    let error = field_error(value, field.clone());
    match question.kind {
        QuestionKind::ShortText => view! {
            <TextField id=field name label=question.label required=question.required value=current on_input=keep error/>
        }
        .into_any(),
        QuestionKind::LongText => view! {
            <TextArea id=field name label=question.label required=question.required value=current on_input=keep error/>
        }
        .into_any(),
        QuestionKind::Choice => view! {
            <ChoiceField id=field name label=question.label options=question.options required=question.required value=current on_input=keep error/>
        }
        .into_any(),
        QuestionKind::MultipleChoice => view! {
            <CheckboxesField id=field name label=question.label options=question.options required=question.required value=current on_input=keep error/>
        }
        .into_any(),
        QuestionKind::YesNo => view! {
            <ChoiceField id=field name label=question.label options=YES_NO.map(str::to_owned).to_vec() required=question.required value=current on_input=keep error/>
        }
        .into_any(),
        QuestionKind::Number => view! {
            <TextField id=field name label=question.label kind="number" required=question.required value=current on_input=keep error/>
        }
        .into_any(),
        QuestionKind::Date => view! {
            <TextField id=field name label=question.label kind="date" required=question.required value=current on_input=keep error/>
        }
        .into_any(),
    }
}

#[island]
fn RescheduleForm(id: String, token: String, start: String, label: String) -> impl IntoView {
    let action = ServerAction::<Reschedule>::new();
    let value = action.value();
    view! {
        <section class="card details" aria-labelledby="reschedule-heading">
            <h2 id="reschedule-heading">"Confirm the new time"</h2>
            <p class="selected-time" data-testid="selected-time">{label}</p>
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="start" value=start/>
                <FormAlert value/>
                <button type="submit" class="button primary" data-testid="confirm-reschedule" disabled=move || action.pending().get()>
                    "Reschedule to this time"
                </button>
            </ActionForm>
        </section>
    }
}
