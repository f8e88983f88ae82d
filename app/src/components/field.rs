//! Labelled form fields whose errors are tied to them for assistive
//! technology (`aria-invalid`, `aria-describedby`).
use crate::error::AppError;
use leptos::prelude::*;

/// The message an action's last error has for `field`.
pub fn field_error<S, T>(value: S, field: impl Into<String>) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: 'static,
{
    let field = field.into();
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => e.message_for(&field),
            _ => None,
        })
    })
}

#[component]
pub fn TextField(
    /// The input's `id`, also its `data-testid`.
    #[prop(into)]
    id: String,
    /// The form field name sent to the server.
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] min: Option<&'static str>,
    #[prop(optional)] max: Option<&'static str>,
    /// Keeps what is typed, for forms whose inputs outlive a re-render.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label} {(!required).then_some(view! { <span class="optional">" (optional)"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind
                data-testid=id
                prop:value=move || value.get()
                autocomplete=autocomplete
                required=required
                min=min
                max=max
                on:input=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(event_target_value(&ev));
                    }
                }
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            <p class="field-error" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label} {(!required).then_some(view! { <span class="optional">" (optional)"</span> })}</label>
            <textarea
                id=id.clone()
                name=name
                rows=rows
                data-testid=id.clone()
                required=required
                prop:value=move || value.get()
                on:input=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(event_target_value(&ev));
                    }
                }
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby={
                    let error_id = error_id.clone();
                    move || error.get().is_some().then(|| error_id.clone())
                }
            >
                {move || value.get_untracked()}
            </textarea>
            <p class="field-error" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

/// The form-level summary of an action's error, announced when it appears.
#[component]
pub fn FormAlert<S, T>(value: S) -> impl IntoView
where
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
    T: 'static,
{
    let message = move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err()).map(ToString::to_string));
    // Losing a race for a time is its own case to tell apart.
    let testid = move || {
        if value.with(|v| matches!(v, Some(Err(AppError::SlotTaken)))) {
            "slot-taken"
        } else {
            "form-alert"
        }
    };
    view! {
        <div class="form-alert" role="alert" data-testid=testid hidden=move || message().is_none()>
            {message}
        </div>
    }
}

/// A select's `(value, label)` pairs, fixed or built from data.
pub struct SelectOptions(Vec<(String, String)>);

impl From<Vec<(&'static str, &'static str)>> for SelectOptions {
    fn from(pairs: Vec<(&'static str, &'static str)>) -> Self {
        Self(pairs.into_iter().map(|(v, l)| (v.to_owned(), l.to_owned())).collect())
    }
}

impl From<Vec<(String, String)>> for SelectOptions {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }
}

#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into)] options: SelectOptions,
    #[prop(into)] value: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] on_change: Option<Callback<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=name
                data-testid=id
                on:change=move |ev| {
                    if let Some(cb) = on_change {
                        cb.run(event_target_value(&ev));
                    }
                }
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby={
                    let error_id = error_id.clone();
                    move || error.get().is_some().then(|| error_id.clone())
                }
            >
                {options.0.into_iter().map(|(v, l)| view! { <option selected=v == value value=v>{l}</option> }).collect_view()}
            </select>
            <p class="field-error" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

/// A checkbox with its label beside it; sends `on` when ticked.
#[component]
pub fn CheckboxField(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(optional)] checked: bool,
) -> impl IntoView {
    view! {
        <div class="field checkbox-field">
            <input type="checkbox" id=id.clone() name=name value="on" data-testid=id.clone() checked=checked/>
            <label for=id>{label}</label>
        </div>
    }
}

/// The fieldset of a group of options: its legend names it, and the
/// group's error is tied to it and announced.
#[component]
fn OptionGroup(
    id: String,
    label: String,
    /// After the label, e.g. " (optional)".
    note: Option<&'static str>,
    /// `radiogroup` or `group`.
    role: &'static str,
    /// Only a radio group may say it is required.
    aria_required: bool,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let legend_id = format!("{id}-legend");
    view! {
        <fieldset
            class="field choice-field"
            class:field-invalid=move || error.get().is_some()
            role=role
            data-testid=id
            aria-labelledby=legend_id.clone()
            aria-required=aria_required.then_some("true")
            aria-invalid=move || error.get().is_some().then_some("true")
            aria-describedby={
                let error_id = error_id.clone();
                move || error.get().is_some().then(|| error_id.clone())
            }
        >
            <legend id=legend_id.clone()>{label} {note.map(|note| view! { <span class="optional">{note}</span> })}</legend>
            {children()}
            <p class="field-error" id=error_id.clone() hidden=move || error.get().is_none()>{move || error.get()}</p>
        </fieldset>
    }
}

/// Any answers out of several, as a group of checkboxes: each submits its
/// option under `{name}` with `:{index}` appended; `value` holds the ticked
/// options one per line.
#[component]
pub fn CheckboxesField(
    #[prop(into)] id: String,
    /// The answer's key, e.g. `form[answers][q1]`; each box extends it.
    #[prop(into)]
    name: String,
    #[prop(into)] label: String,
    options: Vec<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let stem = name.strip_suffix(']').unwrap_or(&name).to_owned();
    let all = options.clone();
    let note = if required {
        " (choose at least one)"
    } else {
        " (optional)"
    };
    let boxes = options
        .into_iter()
        .enumerate()
        .map(|(index, option)| {
            let option_id = format!("{id}-{index}");
            let checked = {
                let option = option.clone();
                move || value.with(|v| v.lines().any(|line| line == option))
            };
            let all = all.clone();
            let toggled = option.clone();
            view! {
                <div class="choice">
                    <input
                        type="checkbox"
                        id=option_id.clone()
                        name=format!("{stem}:{index}]")
                        value=option.clone()
                        prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let Some(cb) = on_input else { return };
                            let ticked = value.with_untracked(|v| {
                                all.iter()
                                    .filter(|o| if **o == toggled { on } else { v.lines().any(|line| line == o.as_str()) })
                                    .cloned()
                                    .collect::<Vec<_>>()
                                    .join("\n")
                            });
                            cb.run(ticked);
                        }
                    />
                    <label for=option_id>{option}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <OptionGroup id label note=Some(note) role="group" aria_required=false error>
            {boxes}
        </OptionGroup>
    }
}

/// One answer out of several, as a group of radio buttons.
#[component]
pub fn ChoiceField(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    options: Vec<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let radios = options
        .into_iter()
        .enumerate()
        .map(|(index, option)| {
            let option_id = format!("{id}-{index}");
            let checked = {
                let option = option.clone();
                move || value.with(|v| *v == option)
            };
            let picked = option.clone();
            view! {
                <div class="choice">
                    <input
                        type="radio"
                        id=option_id.clone()
                        name=name.clone()
                        value=option.clone()
                        prop:checked=checked
                        on:change=move |_| {
                            if let Some(cb) = on_input {
                                cb.run(picked.clone());
                            }
                        }
                    />
                    <label for=option_id>{option}</label>
                </div>
            }
        })
        .collect_view();
    let note = (!required).then_some(" (optional)");
    view! {
        <OptionGroup id label note role="radiogroup" aria_required=required error>
            {radios}
        </OptionGroup>
    }
}
