//! `/{host}/{event}`: pick a day, then a time, then say who you are.
//!
//! The chosen month, day, slot and time zone live in the URL, so every step
//! is a link: it works before the page hydrates, with the keyboard, and with
//! the browser's back button.
use crate::components::calendar::Calendar;
use crate::components::field::field_error;
use crate::components::time_zone_select::TimeZoneSelect;
use crate::components::{CheckboxesField, ChoiceField, ErrorNotice, FormAlert, Loading, TextArea, TextField};
use crate::domain::booking::PAYMENT_HOLD_MINUTES;
use crate::domain::questions::{PhoneField, Question, QuestionKind, YES_NO};
use crate::dto::BookingPageDto;
use crate::error::AppError;
use crate::functions::bookings::{Book, BookingPageQuery, Reschedule, booking_page};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::collections::BTreeMap;

/// The page's state as carried in its query string.
#[derive(Debug, Clone, Default, PartialEq)]
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

/// The zone the browser runs in, e.g. `America/New_York`.
#[cfg(feature = "hydrate")]
fn browser_time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()?
        .as_string()
}

/// What the invitee typed, kept while the page re-renders around it.
#[derive(Clone, Copy)]
struct Details {
    name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    notes: RwSignal<String>,
    /// Keyed by question id.
    answers: RwSignal<BTreeMap<String, String>>,
}

#[component]
pub fn BookingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let state = Memo::new(move |_| {
        let (host, event) = params.with(|p| (p.get("host").unwrap_or_default(), p.get("event").unwrap_or_default()));
        query.with(|q| UrlState {
            path: format!("/{host}/{event}"),
            time_zone: q.get("tz"),
            month: q.get("month"),
            date: q.get("date"),
            slot: q.get("slot"),
            duration: q.get("duration"),
            reschedule: q.get("reschedule"),
            token: q.get("token"),
        })
    });
    let book = ServerAction::<Book>::new();
    let reschedule = ServerAction::<Reschedule>::new();
    let page = Resource::new(
        move || {
            let s = state.get();
            let (host, event) =
                params.with(|p| (p.get("host").unwrap_or_default(), p.get("event").unwrap_or_default()));
            let key = BookingPageQuery {
                host,
                event,
                time_zone: s.time_zone,
                month: s.month,
                date: s.date,
                slot: s.slot,
                duration: s.duration,
                reschedule: s.reschedule.map(Into::into),
                token: s.token,
            };
            (key, book.version().get(), reschedule.version().get())
        },
        |(key, _, _)| booking_page(key),
    );

    let navigate = use_navigate();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let current = state.get();
            if current.time_zone.is_none()
                && let Some(tz) = browser_time_zone()
            {
                navigate(
                    &current.with_time_zone(tz),
                    NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                );
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &navigate;
    });
    // A new choice of slot clears the last attempt's error.
    Effect::new(move |previous: Option<Option<String>>| {
        let slot = state.with(|s| s.slot.clone());
        if previous.is_some_and(|p| p != slot) {
            book.clear();
            reschedule.clear();
        }
        slot
    });

    let details = Details {
        name: RwSignal::new(String::new()),
        email: RwSignal::new(String::new()),
        phone: RwSignal::new(String::new()),
        notes: RwSignal::new(String::new()),
        answers: RwSignal::new(BTreeMap::new()),
    };
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <BookingView page state=state.get_untracked() book reschedule details/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BookingView(
    page: BookingPageDto,
    state: UrlState,
    book: ServerAction<Book>,
    reschedule: ServerAction<Reschedule>,
    details: Details,
) -> impl IntoView {
    let navigate = use_navigate();
    let tz_state = state.clone();
    let on_tz = Callback::new(move |tz: String| navigate(&tz_state.with_time_zone(tz), NavigateOptions::default()));
    let month = page.month.clone();
    let day_state = state.clone();
    let day_href = Callback::new(move |date: String| day_state.with_date(&month, date));
    let taken = move || {
        matches!(book.value().get(), Some(Err(AppError::SlotTaken)))
            || matches!(reschedule.value().get(), Some(Err(AppError::SlotTaken)))
    };
    let event = page.event.clone();
    let title = format!("{} with {}", event.name, page.host_name);
    let (host_href, host_name) = (format!("/{}", page.host_slug), page.host_name.clone());
    let picker = view! {
            <section class="card picker" aria-label="Choose a time">
            <div role="alert" class="form-alert" data-testid="slot-taken" hidden=move || !taken()>
                "That time was just taken. Please choose another time."
            </div>
            <TimeZoneSelect id="time-zone" label="Your time zone" value=page.time_zone.clone() on_change=on_tz/>
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
                <p class="muted"><A href=host_href>{host_name}</A></p>
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
                    view! { <RescheduleForm action=reschedule id token start label/> }.into_any()
                } else {
                    view! { <DetailsForm action=book page=page.clone() start label details/> }.into_any()
                }
            })}
        </div>
    }
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
                            <A
                                href=state.with_duration(minutes)
                                attr:class=if selected { "slot selected" } else { "slot" }
                                attr:aria-current=selected.then_some("true")
                                attr:data-testid="duration-option"
                                attr:data-minutes=minutes.to_string()
                            >
                                {format!("{minutes} min")}
                            </A>
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
                                    <A
                                        href=state.with_slot(&month, &date, slot.start.clone())
                                        attr:class=if selected { "slot selected" } else { "slot" }
                                        attr:aria-current=selected.then_some("true")
                                        attr:data-testid="slot"
                                        attr:data-start=slot.start.clone()
                                    >
                                        {slot.label}
                                    </A>
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

#[component]
fn DetailsForm(
    action: ServerAction<Book>,
    page: BookingPageDto,
    start: String,
    label: String,
    details: Details,
) -> impl IntoView {
    let value = action.value();
    let keep = |signal: RwSignal<String>| Callback::new(move |v: String| signal.set(v));
    let phone_field = page.event.phone_field;
    let price = page.event.price;
    let submit = if price.is_some() {
        "Continue to payment"
    } else {
        "Confirm booking"
    };
    view! {
        <section class="card details" aria-labelledby="details-heading">
            <h2 id="details-heading">"Enter your details"</h2>
            <p class="selected-time" data-testid="selected-time">{label}</p>
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="form[host]" value=page.host_slug.clone()/>
                <input type="hidden" name="form[event]" value=page.event.slug.clone()/>
                <input type="hidden" name="form[start]" value=start/>
                <input type="hidden" name="form[time_zone]" value=page.time_zone.clone()/>
                <input type="hidden" name="form[duration]" value=page.duration_min.to_string()/>
                <FormAlert value/>
                <TextField id="name" name="form[name]" label="Your name" autocomplete="name" required=true value=details.name on_input=keep(details.name) error=field_error(value, "name")/>
                <TextField id="email" name="form[email]" label="Email" kind="email" autocomplete="email" required=true value=details.email on_input=keep(details.email) error=field_error(value, "email")/>
                {(phone_field != PhoneField::Hidden).then(|| view! {
                    <TextField id="phone" name="form[phone]" label="Phone" kind="tel" autocomplete="tel" required=phone_field == PhoneField::Required value=details.phone on_input=keep(details.phone) error=field_error(value, "phone")/>
                })}
                {page.questions.iter().map(|question| view! { <AnswerField question=question.clone() answers=details.answers value/> }).collect_view()}
                <TextArea id="notes" name="form[notes]" label="Anything to share before the meeting?" value=details.notes on_input=keep(details.notes) error=field_error(value, "notes")/>
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

/// The input for one of the host's questions, named `form[answers][{id}]`.
#[component]
fn AnswerField(
    question: Question,
    answers: RwSignal<BTreeMap<String, String>>,
    value: MappedSignal<Option<Result<(), AppError>>>,
) -> impl IntoView {
    let field = question.field();
    let name = format!("form[answers][{}]", question.id);
    let key = question.id.clone();
    let current = Signal::derive(move || answers.with(|a| a.get(key.as_str()).cloned().unwrap_or_default()));
    let key = question.id.clone();
    let keep = Callback::new(move |v: String| answers.update(|a| _ = a.insert(key.to_string(), v)));
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

#[component]
fn RescheduleForm(
    action: ServerAction<Reschedule>,
    id: String,
    token: String,
    start: String,
    label: String,
) -> impl IntoView {
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
