//! The browser entry point of the signed-in app (dashboard, settings,
//! sign-in): hydrates the whole server-rendered page. Public pages use
//! `islands` instead.
use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration waits for the page's lazily loaded wasm chunk
    // (`hydrate_body` would find it missing); `hydrate_lazy` is the same
    // without a way to mark the page interactive once it is done.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        app::hydration::mark_hydrated(&body);
    });
}
