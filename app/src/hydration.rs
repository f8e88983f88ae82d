//! Which pages hydrate how. Public pages are Leptos islands: the server
//! renders them and only their interactive parts (`#[island]`) run in the
//! browser, from the `islands` bundle. The signed-in app hydrates as a
//! whole, from the `frontend` bundle.
use leptos::config::LeptosOptions;

/// The islands bundle's file names (`[[workspace.metadata.leptos]]`
/// "islands" in Cargo.toml): `islands.{hash}.js` and `.wasm`, the hashes in
/// this file beside the server binary.
const ISLANDS_OUTPUT_NAME: &str = "islands";
const ISLANDS_HASH_FILE: &str = "hash-islands.txt";

/// Where the signed-in app lives; each is a lazy route in [`crate::app::App`].
const APP_PREFIXES: [&str; 7] = [
    "/dashboard",
    "/settings",
    "/signup",
    "/login",
    "/logout",
    "/forgot-password",
    "/reset-password",
];

/// Whether the page at `url` (a path, or a full URL as `RequestUrl` holds
/// it) is a public, islands page.
pub fn is_islands_url(url: &str) -> bool {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    !APP_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The options that name the bundle a page hydrates from: the islands
/// bundle for an islands page (see [`is_islands_url`]), else the whole app.
pub fn bundle_for(islands: bool, options: &LeptosOptions) -> LeptosOptions {
    let mut options = options.clone();
    if islands {
        options.output_name = ISLANDS_OUTPUT_NAME.into();
        options.hash_file = ISLANDS_HASH_FILE.into();
    }
    options
}

pub use browser::{go_to, leave_for, mark_hydrated};

mod browser {
    //! The browser's side: when the page is ready, and leaving it.
    use web_sys::HtmlElement;

    /// Set while the page is on its way to another: it will not become ready.
    const LEAVING_ATTR: &str = "data-leaving";

    /// Tests and people alike can tell when the page has become interactive:
    /// `<body data-hydrated="true">`, unless it is leaving for another.
    pub fn mark_hydrated(body: &HtmlElement) {
        if !body.has_attribute(LEAVING_ATTR) {
            _ = body.set_attribute("data-hydrated", "true");
        }
    }

    /// Loads `href`, as following a link would.
    pub fn go_to(href: &str) {
        _ = leptos::prelude::window().location().set_href(href);
    }

    /// Loads `href` in place of this page (no history entry).
    pub fn leave_for(href: &str) {
        let document = leptos::prelude::document();
        if let Some(body) = document.body() {
            _ = body.set_attribute(LEAVING_ATTR, "");
        }
        _ = leptos::prelude::window().location().replace(href);
    }
}

#[cfg(test)]
mod tests {
    use super::is_islands_url;

    #[test]
    fn public_pages_are_islands() {
        for url in [
            "/",
            "/demo",
            "/demo/intro?tz=UTC",
            "/bookings/b1?token=t",
            "http://leptos.dev/demo/intro?x=1",
        ] {
            assert!(is_islands_url(url), "{url}");
        }
        // A host whose slug merely starts like an app path is still public.
        assert!(is_islands_url("/dashboards"));
    }

    #[test]
    fn the_signed_in_app_is_not() {
        for url in [
            "/dashboard",
            "/dashboard/event-types/1",
            "/settings/team",
            "/login?next=/x",
            "http://leptos.dev/signup",
        ] {
            assert!(!is_islands_url(url), "{url}");
        }
    }
}
