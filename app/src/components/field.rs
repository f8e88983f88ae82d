//! Labelled form fields whose errors are tied to them for assistive
//! technology (`aria-invalid`, `aria-describedby`).
use crate::error::AppError;
use leptos::prelude::*;

/// The message an action's last error has for `field`.
pub fn field_error<S, T>(value: S, field: &'static str) -> Signal<Option<String>>
where
    S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => e.message_for(field),
            _ => None,
        })
    })
}

#[component]
pub fn TextField(
    /// The input's `id`, also its `data-testid`.
    id: &'static str,
    /// The form field name sent to the server.
    name: &'static str,
    label: &'static str,
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
    let described = move || {
        let mut ids = Vec::new();
        if hint.is_some() {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id>{label} {(!required).then_some(view! { <span class="optional">" (optional)"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            <input
                id=id
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
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id>{label} {(!required).then_some(view! { <span class="optional">" (optional)"</span> })}</label>
            <textarea
                id=id
                name=name
                rows=rows
                data-testid=id
                required=required
                prop:value=move || value.get()
                on:input=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(event_target_value(&ev));
                    }
                }
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| format!("{id}-error"))
            >
                {move || value.get_untracked()}
            </textarea>
            <p class="field-error" id=format!("{id}-error") hidden=move || error.get().is_none()>{move || error.get()}</p>
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
    view! {
        <div class="form-alert" role="alert" data-testid="form-alert" hidden=move || message().is_none()>
            {message}
        </div>
    }
}
