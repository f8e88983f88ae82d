//! A secret shown once: as text the person can read and select, with a
//! copy button that says when it has copied.
use leptos::prelude::*;

#[component]
pub fn CopyField(
    /// The secret's element `id`, also its `data-testid`.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(into)] value: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let label_id = format!("{id}-label");
    let text = value.clone();
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&text);
        copied.set(true);
    };
    view! {
        <div class="copy-field">
            <p class="copy-label" id=label_id.clone()>{label}</p>
            <div class="copy-row">
                <code id=id.clone() data-testid=id.clone() class="secret">{value}</code>
                <button type="button" class="button" on:click=copy data-testid=format!("{id}-copy") aria-describedby=label_id>"Copy"</button>
            </div>
            <p class="hint" role="status">{move || copied.get().then_some("Copied to the clipboard.")}</p>
        </div>
    }
}
