//! Loading, error and not-found states shared by pages.
use crate::error::AppError;
use leptos::prelude::*;

/// During server rendering, answers the request with 404.
pub fn set_not_found_status() {
    set_status(404);
}

fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(_code)
    {
        response.set_status(status);
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}

/// What a page shows when its data could not be loaded.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound => view! { <crate::pages::public::NotFound/> }.into_any(),
        AppError::Unauthorized => view! { <leptos_router::components::Redirect path="/login"/> }.into_any(),
        AppError::Gone(message) => {
            set_status(410);
            view! {
                <leptos_meta::Title text="Link expired"/>
                <section class="card narrow" data-testid="link-expired">
                    <h1>"This link has expired"</h1>
                    <p>{message}</p>
                </section>
            }
            .into_any()
        }
        other => view! {
            <div class="form-alert" role="alert">{other.to_string()}</div>
        }
        .into_any(),
    }
}
