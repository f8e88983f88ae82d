use crate::components::set_not_found_status;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Slotline"</h1>
            <p class="lead">"Share a link, let people pick a time that suits you both, and have every booking flow into your tools."</p>
            <p class="actions">
                <A href="/signup" attr:class="button primary">"Create your booking page"</A>
                <A href="/login" attr:class="button">"Log in"</A>
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
            <p><A href="/">"Go to the home page"</A></p>
        </section>
    }
}
