//! A secret shown once: read-only, selectable, with a copy button that says
//! when it has copied.
use leptos::prelude::*;

#[component]
pub fn CopyField(
    /// The input's `id`, also its `data-testid`.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(into)] value: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let text = value.clone();
    let copy = move |_| {
        if let Some(input) = input.get() {
            input.select();
        }
        let _ = window().navigator().clipboard().write_text(&text);
        copied.set(true);
    };
    view! {
        <div class="field copy-field">
            <label for=id.clone()>{label}</label>
            <div class="copy-row">
                <input id=id.clone() data-testid=id.clone() type="text" readonly value=value node_ref=input spellcheck="false" autocomplete="off"/>
                <button type="button" class="button" on:click=copy data-testid=format!("{id}-copy")>"Copy"</button>
            </div>
            <p class="hint" role="status">{move || copied.get().then_some("Copied to the clipboard.")}</p>
        </div>
    }
}
