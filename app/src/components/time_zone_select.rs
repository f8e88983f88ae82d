//! A searchable time-zone picker: a text input backed by a datalist of
//! IANA zones, which browsers filter as one types.
use crate::domain::time_zone::all_names;
use leptos::prelude::*;

#[component]
pub fn TimeZoneSelect(
    id: &'static str,
    label: &'static str,
    value: String,
    /// Called with a zone name the person picked from the list.
    on_change: Callback<String>,
) -> impl IntoView {
    let (error, set_error) = signal(None::<String>);
    let list_id = format!("{id}-options");
    let error_id = format!("{id}-error");
    let change = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        match crate::domain::TimeZoneName::parse(&raw) {
            Ok(tz) => {
                set_error.set(None);
                on_change.run(tz.name().to_owned());
            }
            Err(e) => set_error.set(Some(e.to_string())),
        }
    };
    view! {
        <div class="field time-zone-field">
            <label for=id>{label}</label>
            <input
                id=id
                data-testid=id
                list=list_id.clone()
                value=value
                autocomplete="off"
                spellcheck="false"
                on:change=change
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| format!("{id}-error"))
            />
            <datalist id=list_id>
                {all_names().into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
            </datalist>
            <p class="field-error" id=error_id role="alert" hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}
