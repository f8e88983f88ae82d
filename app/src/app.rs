//! The HTML shell and the route table.
use crate::pages::{auth, dashboard, public, settings};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
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
    // Tests and people alike can tell when the page has become interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=|text: String| if text.is_empty() { "Slotline".to_owned() } else { format!("{text} · Slotline") }/>
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Router>
            <main id="main">
                <Routes fallback=|| view! { <public::NotFound/> }>
                    <Route path=path!("/") view=public::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=auth::SignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/logout") view=auth::LogoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view=auth::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view=auth::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/bookings/:id") view=dashboard::BookingDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/event-types/new") view=dashboard::EventTypeEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/event-types/:id") view=dashboard::EventTypeEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/event-types") view=dashboard::EventTypesPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/availability") view=dashboard::AvailabilityPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/contacts") view=dashboard::ContactsPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/contacts/:id") view=dashboard::ContactDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/integrations") view=dashboard::IntegrationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/payments") view=dashboard::PaymentsPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/webhooks/:id") view=dashboard::WebhookLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard/webhooks") view=dashboard::WebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view=dashboard::BookingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/api-keys") view=settings::ApiKeysPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/team") view=settings::TeamPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/account") view=settings::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:id/checkout") view=public::CheckoutReturnPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:id") view=public::ManagePage ssr=SsrMode::Async/>
                    <Route path=path!("/:host/:event") view=public::BookingPage ssr=SsrMode::Async/>
                    <Route path=path!("/:host") view=public::HostPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
