//! The HTML shell and the route table.
use crate::hydration::{bundle_for, is_islands_url};
use crate::lazy_pages as lazy;
use crate::pages::public;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::location::RequestUrl;
use leptos_router::path;
use leptos_router::{Lazy, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let islands = use_context::<RequestUrl>().is_some_and(|url| is_islands_url(url.as_ref()));
    let bundle = bundle_for(islands, &options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options=bundle islands/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|text: String| if text.is_empty() { "Slotline".to_owned() } else { format!("{text} · Slotline") }/>
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Router>
            <main id="main">
                <Routes fallback=|| view! { <public::NotFound/> }>
                    <Route path=path!("/") view=public::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view={Lazy::<lazy::Signup>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<lazy::Login>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/logout") view={Lazy::<lazy::Logout>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view={Lazy::<lazy::ForgotPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view={Lazy::<lazy::ResetPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/bookings/:id") view={Lazy::<lazy::BookingDetail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/event-types/new") view={Lazy::<lazy::EventTypeEdit>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/event-types/:id") view={Lazy::<lazy::EventTypeEdit>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/event-types") view={Lazy::<lazy::EventTypes>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/availability") view={Lazy::<lazy::Availability>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/contacts") view={Lazy::<lazy::Contacts>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/contacts/:id") view={Lazy::<lazy::ContactDetail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/integrations") view={Lazy::<lazy::Integrations>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/payments") view={Lazy::<lazy::Payments>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/webhooks/:id") view={Lazy::<lazy::WebhookLog>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/webhooks") view={Lazy::<lazy::Webhooks>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view={Lazy::<lazy::Bookings>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/api-keys") view={Lazy::<lazy::ApiKeys>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/team") view={Lazy::<lazy::Team>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/account") view={Lazy::<lazy::Account>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:id/checkout") view=public::CheckoutReturnPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:id") view=public::ManagePage ssr=SsrMode::Async/>
                    <Route path=path!("/:host/:event") view=public::BookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/:host") view=public::HostPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
