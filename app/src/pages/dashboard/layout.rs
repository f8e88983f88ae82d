//! The frame of every dashboard page: it sends visitors who are not logged
//! in to `/login` and gives the page the current user.
use crate::components::{ErrorNotice, Loading};
use crate::dto::CurrentUser;
use crate::functions::auth::get_current_user;
use crate::pages::auth::LogoutButton;
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};

/// The logged-in host, inside a [`DashboardShell`].
pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

#[component]
pub fn DashboardShell(children: ChildrenFn) -> impl IntoView {
    let user = Resource::new(|| (), |_| get_current_user());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => {
                        provide_context(user.clone());
                        view! {
                            <header class="dashboard-header">
                                <nav aria-label="Dashboard">
                                    <A href="/dashboard" exact=true>"Bookings"</A>
                                    <A href="/dashboard/event-types">"Event types"</A>
                                    <A href="/dashboard/availability">"Availability"</A>
                                    <A href="/dashboard/contacts">"Contacts"</A>
                                    <A href="/dashboard/payments">"Payments"</A>
                                    <A href="/dashboard/integrations">"Integrations"</A>
                                    <A href="/dashboard/webhooks">"Webhooks"</A>
                                    <A href="/settings/api-keys">"API keys"</A>
                                    <A href="/settings/team">"Team"</A>
                                </nav>
                                <div class="account">
                                    <A href=format!("/{}", user.slug) attr:data-testid="public-page-link">"Your page"</A>
                                    <span class="muted" data-testid="current-user">{user.name.clone()}</span>
                                    <A href="/settings/account">"Account"</A>
                                    <LogoutButton/>
                                </div>
                            </header>
                            {children.with_value(|c| c())}
                        }
                        .into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
