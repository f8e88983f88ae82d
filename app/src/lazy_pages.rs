//! The host's pages as lazily loaded routes, so that `cargo leptos build
//! --split` moves each into wasm chunks of its own: an invitee's page
//! downloads the framework and the public pages, not the dashboard. The
//! public pages stay in the main module: split too, each would load as a
//! hundred or more small chunks of code it shares with the others.
use crate::pages::{auth, dashboard, settings};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// One unit struct per page: a route needs no data before its view loads,
/// because each page fetches its own through resources.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($page), "`, in a wasm chunk of its own.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    Signup => auth::SignupPage,
    Login => auth::LoginPage,
    Logout => auth::LogoutPage,
    ForgotPassword => auth::ForgotPasswordPage,
    ResetPassword => auth::ResetPasswordPage,
    Bookings => dashboard::BookingsPage,
    BookingDetail => dashboard::BookingDetailPage,
    EventTypes => dashboard::EventTypesPage,
    EventTypeEdit => dashboard::EventTypeEditPage,
    Availability => dashboard::AvailabilityPage,
    Contacts => dashboard::ContactsPage,
    ContactDetail => dashboard::ContactDetailPage,
    Integrations => dashboard::IntegrationsPage,
    Payments => dashboard::PaymentsPage,
    Webhooks => dashboard::WebhooksPage,
    WebhookLog => dashboard::WebhookLogPage,
    ApiKeys => settings::ApiKeysPage,
    Team => settings::TeamPage,
    Account => settings::AccountPage,
}
