use crate::components::set_not_found_status;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Slotline"</h1>
            <p class="lead">"Share a link, let people pick a time that suits you both, and have every booking flow into your tools."</p>
            <p class="actions">
                <a href="/signup" class="button primary">"Create your booking page"</a>
                <a href="/login" class="button">"Log in"</a>
            </p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found_status();
    view! {
        <Title text="Page not found"/>
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"This link doesn’t lead anywhere. Check it for typos, or ask the person who shared it for a new one."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}
