//! The browser entry point of the public pages (host, booking, manage,
//! checkout). They are server-rendered with Leptos islands: only their
//! interactive parts (`#[island]` in `app`) hydrate, from this module. It
//! never links the signed-in app (`frontend`), so invitees download none of
//! it, not even its strings.
use leptos::prelude::{document, set_timeout, window};
use std::time::Duration;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Without a router, a server function's redirect is a page load.
    _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        _ = window().location().set_href(location);
    });
    // Leptos's island script hydrates every island right after this returns,
    // within the same task: the next task sees them all done.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                app::hydration::mark_hydrated(&body);
            }
        },
        Duration::ZERO,
    );
}
